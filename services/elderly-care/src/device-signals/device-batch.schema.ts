/**
 * Device events arrive in batches (up to 500 per request). Each accepted batch is ONE document
 * whose outbox holds the prepared events of all its accepted items: one insert per request
 * instead of one per event. After the relay has published them the document keeps only counts.
 *
 * Claims (`device_event_claims`) are the dedupe: one small document per platform event id, with
 * the id as `_id`, inserted with one `insertMany` before the batch document. The store's `_id`
 * uniqueness makes a repeat lose its claim, so it is reported as DUPLICATE and not published
 * again, whether it repeats within the batch, in a later batch, or after a restart.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredDeviceBatch {
  _id: string;
  /** The caller's jurisdiction (a batch spans the elders of a whole platform). */
  regionCode: string;
  /** The device platform (caller's subject). */
  platform: string;
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const batchSchema = new Schema<StoredDeviceBatch>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    platform: { type: String, required: true },
    received: { type: Number, required: true },
    accepted: { type: Number, required: true },
    duplicates: { type: Number, required: true },
    rejected: { type: Number, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'device_signal_batches', versionKey: false, autoIndex: false },
);

export function deviceBatchModel(connection: Connection): Model<StoredDeviceBatch> {
  return connection.models.DeviceBatch as Model<StoredDeviceBatch> | undefined ?? connection.model<StoredDeviceBatch>('DeviceBatch', batchSchema);
}

/** A claim of one platform event id by one batch. */
export interface StoredClaim {
  /** `<platform>|<platform event id>` (domain/device-ids.ts). */
  _id: string;
  batchId: string;
  at: Date;
}

export const CLAIMS_COLLECTION = 'device_event_claims';
