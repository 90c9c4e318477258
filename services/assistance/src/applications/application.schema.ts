/**
 * An application (救助申请) for one household: the domain's `Application` (status, duty holders,
 * history) plus where it is, what it was for, and what was decided. Free-text fields are
 * personal data (they describe the family's situation) and are stored encrypted.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Application } from '../domain/application-workflow.js';

export const CHANNELS = ['WINDOW', 'ONLINE', 'PROACTIVE_DISCOVERY', 'AGENT', 'OTHER'] as const;

export interface Determination {
  /** Monthly amount for the household (低保 gap payment + supplements, or the 特困 standard). */
  readonly monthlyAmountFen: number | null;
  /** One-off amount (临时救助). */
  readonly oneOffAmountFen: number | null;
  readonly perCapitaIncomeFen: number | null;
  readonly coveredPersonCount: number | null;
  /** The standard version every amount was computed with. */
  readonly standardVersionId: string | null;
  readonly effectiveFrom: string | null;
}

export interface StoredApplication extends Omit<Application, 'id'> {
  _id: string;
  regionCode: string;
  townCode: string;
  channel: (typeof CHANNELS)[number];
  /** The applicant (normally the head): pseudonym only; the name and number live in the household. */
  applicantPersonKey: string;
  /** Encrypted tokens (or null). */
  reason: string | null;
  reviewNote: string | null;
  decisionNote: string | null;
  declaredMonthlyIncomeFen: number;
  householdSize: number;
  originFlagId: string | null;
  determination: Determination | null;
  paymentId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const applicationSchema = new Schema<StoredApplication>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    townCode: { type: String, required: true },
    householdId: { type: String, required: true },
    program: { type: String, required: true },
    status: { type: String, required: true },
    history: { type: [Object], default: [] },
    determination: { type: Object, default: null },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  // Not strict: the domain's Application fields are stored as they are.
  { collection: 'applications', versionKey: false, autoIndex: false, strict: false },
);
// Lists: by jurisdiction, newest first; filters by program and status.
applicationSchema.index({ regionCode: 1, createdAt: -1 });
// A household's applications.
applicationSchema.index({ householdId: 1 });

export function applicationModel(connection: Connection): Model<StoredApplication> {
  return (connection.models.Application as Model<StoredApplication> | undefined) ?? connection.model<StoredApplication>('Application', applicationSchema);
}
