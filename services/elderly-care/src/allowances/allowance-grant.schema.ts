/**
 * A 高龄津贴 grant (advanced-age allowance, R-E10). The id is deterministic, one per elder and age
 * tier (`domain/age-allowance.ts` grantIdOf), so the daily job inserts it at most once: a second
 * run, or two overlapping runs, hit the store's `_id` uniqueness and skip.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredAllowanceGrant {
  _id: string;
  elderId: string;
  regionCode: string;
  tierId: string;
  /** The tier table version used. */
  standardVersionId: string;
  monthlyAmountFen: number;
  startDate: string;
  grantedWithoutApplication: boolean;
  /** The job run date that granted it. */
  grantedOn: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const grantSchema = new Schema<StoredAllowanceGrant>(
  {
    _id: { type: String, required: true },
    elderId: { type: String, required: true },
    regionCode: { type: String, required: true },
    tierId: { type: String, required: true },
    standardVersionId: { type: String, required: true },
    monthlyAmountFen: { type: Number, required: true },
    startDate: { type: String, required: true },
    grantedWithoutApplication: { type: Boolean, required: true },
    grantedOn: { type: String, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'allowance_grants', versionKey: false, autoIndex: false },
);
// List by jurisdiction, newest first.
grantSchema.index({ regionCode: 1, createdAt: -1 });

export function allowanceGrantModel(connection: Connection): Model<StoredAllowanceGrant> {
  return connection.models.AllowanceGrant as Model<StoredAllowanceGrant> | undefined ?? connection.model<StoredAllowanceGrant>('AllowanceGrant', grantSchema);
}
