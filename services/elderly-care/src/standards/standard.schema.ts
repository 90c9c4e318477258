/**
 * What this service has published on `mz.reference.standards`: one row per message of
 * `standards/reference-rows.ts` (a tier of a 高龄津贴 table, a rule and level of a care-subsidy
 * table), `_id` = the topic key, inserted once with its `reference.standard-changed` in its outbox.
 * The values stay configuration (`MZ_AGE_ALLOWANCE_TIERS`, `MZ_CARE_SUBSIDY_TABLES`); a row only
 * records that its version was published.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredStandardRow {
  /** The topic key: `<versionId>|<tierId>` or `<versionId>|<ruleId>|<level>`. */
  _id: string;
  versionId: string;
  program: 'ADVANCED_AGE_ALLOWANCE' | 'ELDERLY_CARE_SUBSIDY';
  tierId: string;
  publishedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const standardRowSchema = new Schema<StoredStandardRow>(
  {
    _id: { type: String, required: true },
    versionId: { type: String, required: true },
    program: { type: String, required: true },
    tierId: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'standards', versionKey: false, autoIndex: false },
);

export function standardRowModel(connection: Connection): Model<StoredStandardRow> {
  return (connection.models.StandardRow as Model<StoredStandardRow> | undefined) ?? connection.model<StoredStandardRow>('StandardRow', standardRowSchema);
}
