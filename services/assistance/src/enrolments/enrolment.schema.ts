/**
 * An enrolment (纳入保障) as stored: the domain's `Enrolment` (program, start, amounts over time,
 * end, gradual exit) plus where it is, who decided it (for separation of duties at payment), and
 * the months already paid, each with its payment id (a month is paid at most once).
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Enrolment, MonthlyPayment } from '../domain/enrolment.js';

export const SUPPORT_MODES = ['CENTRALISED', 'SCATTERED', 'OTHER'] as const;

export interface PaidMonth extends MonthlyPayment {
  readonly paymentId: string;
  readonly paymentKind: 'REGULAR' | 'GRADUAL_EXIT';
  readonly runId: string;
  readonly payerId: string;
  readonly paidAt: Date;
}

export interface StoredEnrolment extends Omit<Enrolment, 'id'> {
  _id: string;
  regionCode: string;
  townCode: string;
  /** The person the benefit is paid to (the head): pseudonym only. */
  payeePersonKey: string;
  reviewerId: string | null;
  approverId: string | null;
  supportMode: (typeof SUPPORT_MODES)[number] | null;
  nextReviewDate: string | null;
  payments: PaidMonth[];
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const enrolmentSchema = new Schema<StoredEnrolment>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    townCode: { type: String, required: true },
    householdId: { type: String, required: true },
    program: { type: String, required: true },
    status: { type: String, required: true },
    amounts: { type: [Object], default: [] },
    payments: { type: [Object], default: [] },
    gradualExit: { type: Object, default: null },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  // Not strict: the domain's Enrolment fields are stored as they are.
  { collection: 'enrolments', versionKey: false, autoIndex: false, strict: false },
);
enrolmentSchema.index({ regionCode: 1, createdAt: -1 });
enrolmentSchema.index({ householdId: 1, program: 1, status: 1 });

export function enrolmentModel(connection: Connection): Model<StoredEnrolment> {
  return (connection.models.Enrolment as Model<StoredEnrolment> | undefined) ?? connection.model<StoredEnrolment>('Enrolment', enrolmentSchema);
}

/** The domain's view of a stored enrolment. */
export const toDomain = (stored: StoredEnrolment): Enrolment => ({
  id: stored._id,
  program: stored.program,
  householdId: stored.householdId,
  applicationId: stored.applicationId,
  approvedOn: stored.approvedOn,
  startDate: stored.startDate,
  amounts: stored.amounts,
  status: stored.status,
  endDate: stored.endDate,
  endReason: stored.endReason,
  gradualExit: stored.gradualExit,
});

