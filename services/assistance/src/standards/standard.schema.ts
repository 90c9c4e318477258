/**
 * A published standard version (救助标准版本) as stored: the domain's `StandardVersion` kept
 * whole in `definition`, with the fields lists filter on copied beside it. Versions are never
 * changed or deleted: a new version supersedes the one before it from its `effectiveFrom`.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { AssistanceProgram, StandardVersion } from '../domain/standards.js';

export interface StoredStandard {
  /** The version id (`DIBAO-442000-2021-01-01`). */
  _id: string;
  program: AssistanceProgram;
  regionCode: string;
  effectiveFrom: string;
  definition: StandardVersion;
  /** Who published it (`system` for the seeded values). */
  createdBy: string;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const standardSchema = new Schema<StoredStandard>(
  {
    _id: { type: String, required: true },
    program: { type: String, required: true },
    regionCode: { type: String, required: true },
    effectiveFrom: { type: String, required: true },
    definition: { type: Object, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'standards', versionKey: false, autoIndex: false },
);

export function standardModel(connection: Connection): Model<StoredStandard> {
  return (connection.models.Standard as Model<StoredStandard> | undefined) ?? connection.model<StoredStandard>('Standard', standardSchema);
}
