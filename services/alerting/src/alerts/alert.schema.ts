/**
 * An alert (预警): one per flag. Its `_id` is derived from the flag's id, so a redelivered or
 * duplicated flag event meets the alert it already made (the same flag never makes two live
 * alerts); a flag raised again after resolution has a new flag id, hence a new alert.
 *
 * It carries what the caseworker needs to act — the flag's rule, urgency, Chinese explanation and
 * facts with their sources — and who holds it (role, named caseworker), its deadlines, its
 * escalations, notes (encrypted) and outcome. The subject's ID number is kept only as an
 * encrypted token, for the envelopes of the events the alert publishes.
 */
import { createHash } from 'node:crypto';
import type { AlertOutcome, Department, ProgramType, Urgency, WorkerRole } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export const ALERTS = 'alerts';

export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CANCELLED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const LIVE_STATUSES: readonly AlertStatus[] = ['OPEN', 'ACKNOWLEDGED'];

export const ALERT_OUTCOMES = ['HELP_GIVEN', 'REFERRED', 'NOT_ELIGIBLE', 'FALSE_ALARM', 'UNREACHABLE', 'OTHER'] as const satisfies readonly AlertOutcome[];

export interface AlertFact {
  readonly name: string;
  readonly value: string;
  readonly sourceEventId: string;
  readonly sourceDepartment: Department;
  readonly occurredAt: string;
}

export interface AlertLogEntry {
  readonly at: Date;
  /** DELIVERED, FLAG_UPDATED, ACKNOWLEDGED, NOTE, ESCALATED, REASSIGNED, RESOLVED, FLAG_CLOSED, CANCELLED. */
  readonly action: string;
  /** The user (their token's subject), or `system`. */
  readonly by: string;
  readonly detail: string | null;
}

export interface AlertNote {
  readonly noteId: string;
  readonly at: Date;
  readonly by: string;
  /** Encrypted token (notes may name people). */
  readonly text: string;
}

export interface StoredAlert {
  _id: string;
  flagId: string;
  /** The flag event this alert was made from (causation of its events). */
  flagEventId: string;
  ruleId: string;
  ruleVersion: string;
  flagCode: string;
  urgency: Urgency;
  title: string;
  explanation: string;
  suggestedProgram: ProgramType | null;
  standardVersionId: string | null;
  facts: AlertFact[];
  /** The subject's 村居 (or 镇街) code: jurisdiction scope and routing. */
  regionCode: string;
  subjectKind: 'person' | 'household';
  personKey: string | null;
  /** Encrypted token of the subject's ID number (for event envelopes), or null. */
  personIdNumber: string | null;
  householdId: string | null;
  /** The role that holds the alert, and the named caseworker when one is assigned. */
  assigneeRole: WorkerRole;
  caseworkerId: string | null;
  /** A child's case (routed to, or named by the rule for, 儿童主任/督导员/未保站): fixed when made, whoever holds it later. */
  childCase: boolean;
  routingVersion: string;
  status: AlertStatus;
  /** 0 until the first escalation. */
  escalationLevel: number;
  ackDueAt: Date;
  resolveDueAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  outcome: AlertOutcome | null;
  outcomeProgram: ProgramType | null;
  /** Set when data-sharing closed the flag (its condition cleared, or it was superseded). */
  flagClosedAt: Date | null;
  flagCloseReason: string | null;
  notes: AlertNote[];
  log: AlertLogEntry[];
  /** Stream entries written for this alert (`stream-log.ts`): a redelivered flag event appends none twice. */
  streamed: string[];
  /** The stream number of its delivery, reserved before the alert is written: the entry is written (again, harmlessly) under it. */
  deliveredSeq: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

/** The alert id of a flag: a UUID (version 8, name-based) from the flag id. */
export function alertIdOf(flagId: string): string {
  const hex = createHash('sha256').update(`alert|${flagId}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const alertSchema = new Schema<StoredAlert>(
  {
    _id: { type: String, required: true },
    flagId: { type: String, required: true },
    regionCode: { type: String, required: true },
    status: { type: String, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: ALERTS, versionKey: false, autoIndex: false, strict: false },
);
// The inbox: by jurisdiction (region prefix), newest first.
alertSchema.index({ regionCode: 1, createdAt: -1 });

export function alertModel(connection: Connection): Model<StoredAlert> {
  return (connection.models.Alert as Model<StoredAlert> | undefined) ?? connection.model<StoredAlert>('Alert', alertSchema);
}
