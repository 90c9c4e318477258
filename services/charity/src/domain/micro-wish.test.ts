import { describe, expect, it } from 'vitest';
import { thrown } from '../test-support/thrown.js';
import { allowedWishActions, nextWishStatus, requireBeforeDeadline, WISH_ACTIONS, WISH_STATUSES } from './micro-wish.js';

describe('micro-wish transitions', () => {
  it('follows open → claimed → fulfilled, with release and cancel', () => {
    expect(nextWishStatus('OPEN', 'claim', 'W')).toBe('CLAIMED');
    expect(nextWishStatus('CLAIMED', 'release', 'W')).toBe('OPEN');
    expect(nextWishStatus('CLAIMED', 'fulfil', 'W')).toBe('FULFILLED');
    expect(nextWishStatus('OPEN', 'cancel', 'W')).toBe('CANCELLED');
  });

  it('refuses every other pair with the allowed actions in the details', () => {
    const legal = new Set(['OPEN claim', 'CLAIMED release', 'CLAIMED fulfil', 'OPEN cancel', 'CLAIMED cancel']);
    for (const status of WISH_STATUSES) {
      for (const action of WISH_ACTIONS) {
        if (legal.has(`${status} ${action}`)) continue;
        expect(thrown(() => nextWishStatus(status, action, 'W'))).toMatchObject({ code: 'CHARITY_ILLEGAL_TRANSITION', statusCode: 409, details: { allowedActions: allowedWishActions(status) } });
      }
    }
    expect(allowedWishActions('FULFILLED')).toEqual([]);
  });

  it('a wish past its deadline cannot be claimed', () => {
    expect(() => { requireBeforeDeadline('2026-11-01', '2026-11-02', 'W'); }).toThrow(expect.objectContaining({ code: 'CHARITY_WISH_EXPIRED' }));
    expect(() => { requireBeforeDeadline('2026-11-02', '2026-11-02', 'W'); }).not.toThrow();
    expect(() => { requireBeforeDeadline(null, '2030-01-01', 'W'); }).not.toThrow();
  });
});
