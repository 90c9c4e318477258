import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { ChildError } from './errors.js';
import { allowedNext, assertTransition } from './report-workflow.js';

describe('the response chain', () => {
  it('goes RECEIVED → EMERGENCY_HANDLING → ASSESSMENT → GUARDIANSHIP_INTERVENTION → CLOSED', () => {
    expect(allowedNext('RECEIVED', true)).toEqual(['EMERGENCY_HANDLING']);
    expect(allowedNext('RECEIVED', false)).toEqual(['EMERGENCY_HANDLING', 'ASSESSMENT']);
    expect(allowedNext('EMERGENCY_HANDLING', true)).toEqual(['ASSESSMENT']);
    expect(allowedNext('ASSESSMENT', true)).toEqual(['GUARDIANSHIP_INTERVENTION', 'CLOSED']);
    expect(allowedNext('GUARDIANSHIP_INTERVENTION', false)).toEqual(['CLOSED']);
    expect(allowedNext('CLOSED', false)).toEqual([]);
  });

  it('refuses a skipped emergency, a step back, and anything after CLOSED, naming the allowed states', () => {
    expect(thrownBy(ChildError, () => { assertTransition('RECEIVED', 'ASSESSMENT', true); })).toMatchObject({ code: 'CHILD_ILLEGAL_TRANSITION', statusCode: 409, details: { allowed: ['EMERGENCY_HANDLING'], rule: 'a report of immediate danger goes to EMERGENCY_HANDLING first' } });
    expect(thrownBy(ChildError, () => { assertTransition('ASSESSMENT', 'RECEIVED', false); })).toMatchObject({ details: { from: 'ASSESSMENT', to: 'RECEIVED' } });
    expect(thrownBy(ChildError, () => { assertTransition('CLOSED', 'ASSESSMENT', false); })).toMatchObject({ details: { allowed: [] } });
    expect(thrownBy(ChildError, () => { assertTransition('RECEIVED', 'CLOSED', false); })).toMatchObject({ code: 'CHILD_ILLEGAL_TRANSITION' });
    expect(() => { assertTransition('RECEIVED', 'ASSESSMENT', false); }).not.toThrow();
  });
});
