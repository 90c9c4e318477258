/**
 * A department client (部门客户端): an external system (公安户籍, 医保结算, 残联, ...) allowed to
 * publish into the platform. It authenticates with the platform's JWT (role `department-system`,
 * subject = the client id); the registration says which department it speaks for and which event
 * types it may publish (the org-to-org access right). Clients are disabled, never deleted.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredClient {
  /** The client id: the `sub` of the client's tokens. */
  _id: string;
  name: string;
  /** `mz.common.Department` symbol. */
  department: string;
  allowedEventTypes: string[];
  active: boolean;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const clientSchema = new Schema<StoredClient>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    department: { type: String, required: true },
    allowedEventTypes: { type: [String], default: [] },
    active: { type: Boolean, required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'clients', versionKey: false, autoIndex: false },
);

export function clientModel(connection: Connection): Model<StoredClient> {
  return (connection.models.Client as Model<StoredClient> | undefined) ?? connection.model<StoredClient>('Client', clientSchema);
}

/** A refused delivery, kept for the audit (append-only). */
export interface StoredRefusal {
  clientId: string;
  department: string | null;
  eventType: string;
  code: string;
  message: string;
  requestId: string;
  at: Date;
}

const refusalSchema = new Schema<StoredRefusal>(
  {
    clientId: { type: String, required: true },
    department: { type: String, default: null },
    eventType: { type: String, required: true },
    code: { type: String, required: true },
    message: { type: String, required: true },
    requestId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'refusals', versionKey: false, autoIndex: false },
);
refusalSchema.index({ clientId: 1, at: -1 });

export function refusalModel(connection: Connection): Model<StoredRefusal> {
  return (connection.models.Refusal as Model<StoredRefusal> | undefined) ?? connection.model<StoredRefusal>('Refusal', refusalSchema);
}
