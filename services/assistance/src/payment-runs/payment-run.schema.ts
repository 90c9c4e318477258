/**
 * A monthly payment run (月度发放批次): which month, which region, who ran it, and what came of
 * each enrolment considered. The payments themselves are recorded on the enrolments (a month is
 * paid at most once per enrolment), each with its `assistance.payment-issued` event.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface RunFailure {
  readonly enrolmentId: string;
  readonly code: string;
  readonly message: string;
}

export interface StoredPaymentRun {
  _id: string;
  /** `YYYY-MM`. */
  month: string;
  /** The region prefix the run covered. */
  regionCode: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Enrolments looked at (not yet paid for the month). */
  considered: number;
  paid: number;
  /** No cash that month (e.g. 低收入 status, or a month not payable). */
  skipped: number;
  totalFen: number;
  failures: RunFailure[];
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const paymentRunSchema = new Schema<StoredPaymentRun>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    regionCode: { type: String, required: true },
    status: { type: String, required: true },
    failures: { type: [Object], default: [] },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'payment_runs', versionKey: false, autoIndex: false, strict: false },
);
paymentRunSchema.index({ regionCode: 1, createdAt: -1 });

export function paymentRunModel(connection: Connection): Model<StoredPaymentRun> {
  return (connection.models.PaymentRun as Model<StoredPaymentRun> | undefined) ?? connection.model<StoredPaymentRun>('PaymentRun', paymentRunSchema);
}
