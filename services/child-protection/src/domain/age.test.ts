import { describe, expect, it } from 'vitest';
import { birthDateRange, transitionsWithin } from './age.js';

describe('transitionsWithin', () => {
  it('lists an orphan turning 18 within the window with a placement plan and the end of the allowance', () => {
    expect(transitionsWithin({ birthDate: '2009-03-15', category: 'SCATTERED_ORPHAN', tekunMinor: false }, '2026-11-15', 6)).toEqual([
      { kind: 'TURNS_18', date: '2027-03-15', actions: ['ADULT_ORPHAN_PLACEMENT_PLAN', 'ALLOWANCE_ENDS'], coverageUntil: null },
    ]);
    expect(transitionsWithin({ birthDate: '2009-06-15', category: 'SCATTERED_ORPHAN', tekunMinor: false }, '2026-11-15', 6)).toEqual([]);
    expect(transitionsWithin({ birthDate: '2009-03-15', category: 'LEFT_BEHIND', tekunMinor: false }, '2026-11-15', 6)).toEqual([{ kind: 'TURNS_18', date: '2027-03-15', actions: [], coverageUntil: null }]);
  });

  it('keeps a 特困 minor turning 16 covered to 18, not 16 (R-E3)', () => {
    expect(transitionsWithin({ birthDate: '2011-01-10', category: 'IN_DIFFICULTY', tekunMinor: true }, '2026-11-15', 6)).toEqual([
      { kind: 'TEKUN_TURNS_16', date: '2027-01-10', actions: ['TEKUN_COVERAGE_CONTINUES_TO_18'], coverageUntil: '2029-01-09' },
    ]);
  });

  it('turns 29 February into 1 March in a common year', () => {
    expect(transitionsWithin({ birthDate: '2008-02-29', category: 'DEFACTO_UNSUPPORTED', tekunMinor: false }, '2026-02-01', 1)[0]?.date).toBe('2026-03-01');
    expect(birthDateRange('2026-11-15', 6, 18)).toEqual({ from: '2008-11-15', to: '2009-05-15' });
  });
});
