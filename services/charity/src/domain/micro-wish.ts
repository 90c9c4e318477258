/**
 * 微心愿 (micro-wish) states and the actions between them:
 *
 * | from | action | to |
 * |---|---|---|
 * | OPEN | claim | CLAIMED |
 * | CLAIMED | release | OPEN |
 * | CLAIMED | fulfil | FULFILLED |
 * | OPEN, CLAIMED | cancel | CANCELLED |
 *
 * FULFILLED and CANCELLED are final. A wish past its deadline can no longer be claimed.
 */
import { CharityError } from './errors.js';

export const WISH_STATUSES = ['OPEN', 'CLAIMED', 'FULFILLED', 'CANCELLED'] as const;
export type WishStatus = (typeof WISH_STATUSES)[number];
export const WISH_ACTIONS = ['claim', 'release', 'fulfil', 'cancel'] as const;
export type WishAction = (typeof WISH_ACTIONS)[number];

export const WISH_TRANSITIONS: readonly { readonly from: WishStatus; readonly action: WishAction; readonly to: WishStatus }[] = [
  { from: 'OPEN', action: 'claim', to: 'CLAIMED' },
  { from: 'CLAIMED', action: 'release', to: 'OPEN' },
  { from: 'CLAIMED', action: 'fulfil', to: 'FULFILLED' },
  { from: 'OPEN', action: 'cancel', to: 'CANCELLED' },
  { from: 'CLAIMED', action: 'cancel', to: 'CANCELLED' },
];

export function allowedWishActions(status: WishStatus): WishAction[] {
  return WISH_TRANSITIONS.filter((row) => row.from === status).map((row) => row.action);
}

/** The status after `action`, or CHARITY_ILLEGAL_TRANSITION naming the allowed actions. */
export function nextWishStatus(status: WishStatus, action: WishAction, wishId: string): WishStatus {
  const row = WISH_TRANSITIONS.find((candidate) => candidate.from === status && candidate.action === action);
  if (!row) {
    throw new CharityError('CHARITY_ILLEGAL_TRANSITION', `微心愿当前状态 ${status} 不允许 ${action} (a ${status} wish cannot be ${action}ed)`, {
      field: 'status',
      rule: 'see the micro-wish transition table',
      wishId,
      status,
      action,
      allowedActions: allowedWishActions(status),
    });
  }
  return row.to;
}

/** Claiming needs the deadline (if any) not passed. */
export function requireBeforeDeadline(deadline: string | null, today: string, wishId: string): void {
  if (deadline !== null && today > deadline) {
    throw new CharityError('CHARITY_WISH_EXPIRED', `微心愿已过截止日期 ${deadline} (the wish's deadline ${deadline} has passed)`, { field: 'deadline', rule: 'a wish can be claimed until its deadline', wishId, deadline, today });
  }
}
