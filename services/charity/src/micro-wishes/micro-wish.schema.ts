/**
 * A micro-wish (微心愿, 博爱商城/红心愿): what it is, for whom (the beneficiary's ID number and
 * name, and the free-text description, are AES-GCM tokens bound to the wish), and its created
 * event in the outbox. Its status lives in a chain of steps (`micro_wish_steps`): claim, release,
 * fulfil, cancel, each a new link with the state after it (see `chain/chain.ts`).
 */
import type { DonorKind, WishCategory, WishCancelReason as ContractWishCancelReason } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Link } from '../chain/chain.js';
import type { WishStatus } from '../domain/micro-wish.js';

export const WISH_CATEGORIES = ['DAILY_NECESSITIES', 'FOOD', 'CLOTHING', 'HOME_APPLIANCE', 'STUDY_SUPPLIES', 'MEDICAL_SUPPLIES', 'SERVICE', 'OTHER'] as const satisfies readonly WishCategory[];

export interface StoredWish {
  _id: string;
  /** The beneficiary's 村居 or 镇街 code. */
  regionCode: string;
  beneficiaryPersonKey: string;
  /** Sealed. */
  beneficiaryIdNumber: string;
  /** Sealed. */
  beneficiaryName: string;
  category: WishCategory;
  /** Sealed free text. */
  description: string;
  estimatedValueFen: number;
  publisherId: string;
  deadline: string | null;
  headSeq: number;
  version: number;
  createdBy: string;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const wishSchema = new Schema<StoredWish>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    beneficiaryPersonKey: { type: String, required: true },
    beneficiaryIdNumber: { type: String, required: true },
    beneficiaryName: { type: String, required: true },
    category: { type: String, required: true },
    description: { type: String, required: true },
    estimatedValueFen: { type: Number, required: true },
    publisherId: { type: String, required: true },
    deadline: { type: String, default: null },
    headSeq: { type: Number, required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'micro_wishes', versionKey: false, autoIndex: false },
);
// List by jurisdiction (region prefix), newest first.
wishSchema.index({ regionCode: 1, createdAt: -1 });

export function wishModel(connection: Connection): Model<StoredWish> {
  return connection.models.MicroWish as Model<StoredWish> | undefined ?? connection.model<StoredWish>('MicroWish', wishSchema);
}

export const WISH_STEP_COLLECTION = 'micro_wish_steps';

/** 取消原因 (why a wish is withdrawn): a code, not free text, so no personal data is stored in clear. */
export const WISH_CANCEL_REASONS = ['DEADLINE_PASSED', 'NO_LONGER_NEEDED', 'MET_OTHERWISE', 'BENEFICIARY_LEFT', 'DUPLICATE', 'OTHER'] as const satisfies readonly ContractWishCancelReason[];
export type WishCancelReason = (typeof WISH_CANCEL_REASONS)[number];

export interface WishClaim {
  claimId: string;
  donorKind: DonorKind;
  donorPersonKey: string | null;
  /** Sealed. */
  donorIdNumber: string | null;
  /** Sealed. */
  donorName: string | null;
  donorOrganisationName: string | null;
  claimedDate: string;
}

export interface WishState {
  readonly status: WishStatus;
  readonly claim: WishClaim | null;
  readonly fulfilledValueFen: number | null;
  readonly deliveredDate: string | null;
  readonly receiptConfirmed: boolean | null;
  readonly cancelReason: WishCancelReason | null;
}

export const NEW_WISH: WishState = Object.freeze({ status: 'OPEN', claim: null, fulfilledValueFen: null, deliveredDate: null, receiptConfirmed: null, cancelReason: null });

export interface WishStepBody {
  action: 'claim' | 'release' | 'fulfil' | 'cancel';
  by: string;
}

export type WishStepLink = Link<WishState> & WishStepBody;

const stepSchema = new Schema<WishStepLink>(
  {
    _id: { type: String, required: true },
    chainId: { type: String, required: true },
    seq: { type: Number, required: true },
    entryId: { type: String, required: true },
    state: { type: Object, required: true },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    by: { type: String, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: WISH_STEP_COLLECTION, versionKey: false, autoIndex: false },
);
// A step (claim id, fulfilment id, ...) happens once.
stepSchema.index({ entryId: 1 }, { unique: true });

export function wishStepModel(connection: Connection): Model<WishStepLink> {
  return connection.models.MicroWishStep as Model<WishStepLink> | undefined ?? connection.model<WishStepLink>('MicroWishStep', stepSchema);
}
