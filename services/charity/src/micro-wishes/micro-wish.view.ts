/**
 * What callers see of a micro-wish. The beneficiary, the description and a claiming donor are in
 * clear only for caseworkers and supervisors (audited by the routes); others see them masked and
 * the description withheld.
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskResidentId } from '@minzheng/identity/masking';
import type { Head } from '../chain/chain.js';
import { DonorKindSchema } from '../campaigns/campaign.view.js';
import { allowedWishActions, WISH_ACTIONS, WISH_STATUSES } from '../domain/micro-wish.js';
import { claimContext, unseal, wishContext } from '../protect.js';
import { WISH_CANCEL_REASONS, WISH_CATEGORIES, type StoredWish, type WishState } from './micro-wish.schema.js';

export const WishCategorySchema = Type.Enum(WISH_CATEGORIES, { description: '心愿类别 (category)' });
export const WishCancelReasonSchema = Type.Enum(WISH_CANCEL_REASONS, { description: '取消原因 (why the wish is withdrawn)' });

const PersonView = Type.Object({
  personKey: Type.String(),
  idNumber: Type.String({ description: '公民身份号码（按角色脱敏） (masked unless the caller may see it)' }),
  name: Type.Union([Type.String(), Type.Null()], { description: '姓名（按角色脱敏） (masked unless the caller may see it)' }),
});

export const WishView = Type.Object({
  id: Type.String({ description: '心愿编号 (wish id)' }),
  regionCode: Type.String(),
  beneficiary: PersonView,
  category: WishCategorySchema,
  description: Type.Union([Type.String(), Type.Null()], { description: '心愿内容（仅经办人员可见） (the wish; null unless the caller may see personal data)' }),
  estimatedValueFen: Type.Integer(),
  publisherId: Type.String(),
  deadline: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  status: Type.Enum(WISH_STATUSES),
  allowedActions: Type.Array(Type.Enum(WISH_ACTIONS), { description: '当前可执行的操作 (actions allowed now)' }),
  claim: Type.Union([Type.Object({
    donorKind: DonorKindSchema,
    donor: Type.Union([PersonView, Type.Null()]),
    donorOrganisationName: Type.Union([Type.String(), Type.Null()]),
    claimedDate: Type.String({ format: 'date' }),
  }), Type.Null()]),
  fulfilledValueFen: Type.Union([Type.Integer(), Type.Null()]),
  deliveredDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  receiptConfirmed: Type.Union([Type.Boolean(), Type.Null()]),
  cancelReason: Type.Union([WishCancelReasonSchema, Type.Null()]),
  masked: Type.Boolean(),
  step: Type.Integer({ description: '步骤序号 (steps so far)' }),
  createdAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    id: 'MW-5d2c7b1a-0e9f-4a8b-b7c6-d5e4f3a2b1c0', regionCode: '442000001001', beneficiary: { personKey: '9b2e41…', idNumber: '442000201203040024', name: '陈小雨' }, category: 'STUDY_SUPPLIES',
    description: '想要一个新书包和一套文具', estimatedValueFen: 20_000, publisherId: '442000001001-村委会', deadline: '2026-12-31', status: 'CLAIMED', allowedActions: ['release', 'fulfil', 'cancel'],
    claim: { donorKind: 'ENTERPRISE', donor: null, donorOrganisationName: '中山市某某电器有限公司', claimedDate: '2026-11-20' }, fulfilledValueFen: null, deliveredDate: null, receiptConfirmed: null, cancelReason: null,
    masked: false, step: 1, createdAt: '2026-11-18T02:00:00.000Z',
  }],
});
export type WishView = Static<typeof WishView>;

function shown(value: string, clear: boolean, mask: (value: string) => string): string {
  return clear ? value : mask(value);
}

export function wishView(wish: StoredWish, head: Head<WishState>, keyring: Keyring, clear: boolean): WishView {
  const { state } = head;
  const claim = state.claim;
  return {
    id: wish._id,
    regionCode: wish.regionCode,
    beneficiary: {
      personKey: wish.beneficiaryPersonKey,
      idNumber: shown(unseal(keyring, wish.beneficiaryIdNumber, wishContext(wish._id, 'idNumber')), clear, maskResidentId),
      name: shown(unseal(keyring, wish.beneficiaryName, wishContext(wish._id, 'name')), clear, maskName),
    },
    category: wish.category,
    description: clear ? unseal(keyring, wish.description, wishContext(wish._id, 'description')) : null,
    estimatedValueFen: wish.estimatedValueFen,
    publisherId: wish.publisherId,
    deadline: wish.deadline,
    status: state.status,
    allowedActions: allowedWishActions(state.status),
    claim: claim === null ? null : {
      donorKind: claim.donorKind,
      donor: claim.donorPersonKey === null || claim.donorIdNumber === null ? null : {
        personKey: claim.donorPersonKey,
        idNumber: shown(unseal(keyring, claim.donorIdNumber, claimContext(claim.claimId, 'idNumber')), clear, maskResidentId),
        name: claim.donorName === null ? null : shown(unseal(keyring, claim.donorName, claimContext(claim.claimId, 'name')), clear, maskName),
      },
      donorOrganisationName: claim.donorOrganisationName,
      claimedDate: claim.claimedDate,
    },
    fulfilledValueFen: state.fulfilledValueFen,
    deliveredDate: state.deliveredDate,
    receiptConfirmed: state.receiptConfirmed,
    cancelReason: state.cancelReason,
    masked: !clear,
    step: head.seq,
    createdAt: wish.createdAt.toISOString(),
  };
}

/** The person keys a wish view shows (for the access audit). */
export function wishPersonKeys(wish: StoredWish, state: WishState): string[] {
  const donorKey = state.claim?.donorPersonKey ?? null;
  return donorKey === null ? [wish.beneficiaryPersonKey] : [wish.beneficiaryPersonKey, donorKey];
}
