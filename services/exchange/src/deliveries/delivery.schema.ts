/**
 * One accepted event (报送记录), keyed by its event id: the audit of who delivered what, when,
 * with which receipt, and the outbox that publishes it. The event id is derived from the
 * department, the event type and the source record id (or the content when there is none), so a
 * re-delivery of the same record lands on the same `_id` and is recognised, not published twice.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { SignedReceipt } from '../receipts/receipt-signer.js';

export interface StoredDelivery {
  /** The event id. */
  _id: string;
  clientId: string;
  department: string;
  eventType: string;
  /** The source system's record id, when it gave one. */
  sourceRecordId: string | null;
  /** SHA-256 (hex) of the event as received. */
  contentHash: string;
  /** The region the event is about (its most specific code), for scoped reads. */
  regionCode: string;
  receipt: SignedReceipt;
  receivedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const deliverySchema = new Schema<StoredDelivery>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    department: { type: String, required: true },
    eventType: { type: String, required: true },
    sourceRecordId: { type: String, default: null },
    contentHash: { type: String, required: true },
    regionCode: { type: String, required: true },
    receipt: { type: Object, required: true },
    receivedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'deliveries', versionKey: false, autoIndex: false },
);
deliverySchema.index({ clientId: 1, receivedAt: -1 });
deliverySchema.index({ 'receipt.receiptId': 1 });

export function deliveryModel(connection: Connection): Model<StoredDelivery> {
  return (connection.models.Delivery as Model<StoredDelivery> | undefined) ?? connection.model<StoredDelivery>('Delivery', deliverySchema);
}
