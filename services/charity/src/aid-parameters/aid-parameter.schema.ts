/**
 * Aid parameter versions (帮扶标准参数, `domain/aid-parameters.ts`), insert-only, keyed by kind,
 * level, region and effective date, each inserted with its `reference.standard-changed` in its
 * outbox; and the per-person-per-year allowance chains that enforce them.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Link } from '../chain/chain.js';
import type { AidParameterVersion } from '../domain/aid-parameters.js';

export interface StoredAidParameter extends Omit<AidParameterVersion, 'id'> {
  _id: string;
  createdBy: string;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const aidParameterSchema = new Schema<StoredAidParameter>(
  {
    _id: { type: String, required: true },
    aidKind: { type: String, required: true },
    educationLevel: { type: String, default: null },
    regionCode: { type: String, required: true },
    effectiveFrom: { type: String, required: true },
    annualCapFen: { type: Number, required: true },
    source: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'aid_parameters', versionKey: false, autoIndex: false },
);

export function aidParameterModel(connection: Connection): Model<StoredAidParameter> {
  return connection.models.AidParameter as Model<StoredAidParameter> | undefined ?? connection.model<StoredAidParameter>('AidParameter', aidParameterSchema);
}

/**
 * What a person has received of one aid kind in one year (chain `<aidKind>|<personKey>|<year>`):
 * a RESERVE link per disbursement before its ledger entry, a RELEASE link when the ledger then
 * refused it. No events (the ledger's aid-disbursed event is the fact).
 */
export const ALLOWANCE_COLLECTION = 'aid_allowances';

export interface AllowanceState {
  readonly paidFen: number;
}

export interface AllowanceBody {
  kind: 'RESERVE' | 'RELEASE';
  amountFen: number;
  disbursementId: string;
  campaignId: string;
}

export type AllowanceLink = Link<AllowanceState> & AllowanceBody;

const allowanceSchema = new Schema<AllowanceLink>(
  {
    _id: { type: String, required: true },
    chainId: { type: String, required: true },
    seq: { type: Number, required: true },
    entryId: { type: String, required: true },
    state: { type: Object, required: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    amountFen: { type: Number, required: true },
    disbursementId: { type: String, required: true },
    campaignId: { type: String, required: true },
    outbox: { type: [Object], default: [] },
    outboxPending: { type: Boolean, default: false },
  },
  { collection: ALLOWANCE_COLLECTION, versionKey: false, autoIndex: false },
);
// A reservation or release happens once per disbursement.
allowanceSchema.index({ entryId: 1 }, { unique: true });

export function allowanceModel(connection: Connection): Model<AllowanceLink> {
  return connection.models.AidAllowance as Model<AllowanceLink> | undefined ?? connection.model<AllowanceLink>('AidAllowance', allowanceSchema);
}
