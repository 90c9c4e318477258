/**
 * A home service (居家养老服务: 助餐, 助洁, 助医, 助安, ...) or an age-friendly renovation
 * (适老化改造) delivered to an elder. The note is an encrypted token.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ServiceKind } from '../domain/service-kinds.js';

export interface StoredServiceOrder {
  _id: string;
  elderId: string;
  /** The elder's pseudonym (access audit). */
  personKey: string;
  regionCode: string;
  serviceKind: ServiceKind;
  providerId: string;
  providerName: string | null;
  deliveredAt: Date;
  durationMinutes: number;
  subsidyFen: number | null;
  selfPaidFen: number | null;
  note: string | null;
  recordedBy: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const serviceOrderSchema = new Schema<StoredServiceOrder>(
  {
    _id: { type: String, required: true },
    elderId: { type: String, required: true },
    personKey: { type: String, required: true },
    regionCode: { type: String, required: true },
    serviceKind: { type: String, required: true },
    providerId: { type: String, required: true },
    providerName: { type: String, default: null },
    deliveredAt: { type: Date, required: true },
    durationMinutes: { type: Number, required: true },
    subsidyFen: { type: Number, default: null },
    selfPaidFen: { type: Number, default: null },
    note: { type: String, default: null },
    recordedBy: { type: String, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'service_orders', versionKey: false, autoIndex: false },
);
// List by jurisdiction, newest first.
serviceOrderSchema.index({ regionCode: 1, createdAt: -1 });
// An elder's services.
serviceOrderSchema.index({ elderId: 1, createdAt: -1 });

export function serviceOrderModel(connection: Connection): Model<StoredServiceOrder> {
  return connection.models.ServiceOrder as Model<StoredServiceOrder> | undefined ?? connection.model<StoredServiceOrder>('ServiceOrder', serviceOrderSchema);
}
