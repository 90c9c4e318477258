/**
 * A mandatory report (强制报告) and its response chain: the report as received (free text, place
 * and the reporter's phone encrypted), the child when identified (a registry record, or an ID
 * number and name given by the reporter, encrypted), the state, and every step with who and when.
 */
import type { ConcernKind, ReportChannel, ReporterKind } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ReportState } from '../domain/report-workflow.js';

export const REPORTER_KINDS = ['SCHOOL', 'MEDICAL_INSTITUTION', 'CHILD_DIRECTOR', 'VILLAGE_COMMITTEE', 'POLICE', 'SOCIAL_WORKER', 'WELFARE_INSTITUTION', 'PUBLIC', 'FAMILY_MEMBER', 'CHILD_SELF', 'OTHER'] as const satisfies readonly ReporterKind[];
export const REPORT_CHANNELS = ['HOTLINE_12345', 'POLICE_110', 'IN_PERSON', 'PHONE', 'ONLINE', 'REFERRAL', 'OTHER'] as const satisfies readonly ReportChannel[];
export const CONCERN_KINDS = ['ABUSE', 'NEGLECT', 'ABANDONMENT', 'UNATTENDED', 'OTHER'] as const satisfies readonly ConcernKind[];

export interface StoredStep {
  from: ReportState | null;
  to: ReportState;
  by: string;
  at: Date;
  /** Encrypted token or null. */
  note: string | null;
}

export interface StoredReport {
  _id: string;
  /** Where the child is: a 镇街 (9) or 村居 (12) code. */
  regionCode: string;
  reporterKind: ReporterKind;
  channel: ReportChannel;
  concernKind: ConcernKind;
  immediateDanger: boolean;
  hotlineIncidentId: string | null;
  /** Encrypted tokens. */
  description: string;
  locationDescription: string | null;
  reporterPhone: string | null;
  /** The registry record of the child, when identified. */
  childId: string | null;
  childPersonKey: string | null;
  /** Encrypted tokens, when the reporter gave them. */
  childIdNumber: string | null;
  childName: string | null;
  status: ReportState;
  steps: StoredStep[];
  receivedBy: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const reportSchema = new Schema<StoredReport>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    status: { type: String, required: true },
    steps: { type: [Object], default: [] },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'reports', versionKey: false, autoIndex: false, strict: false },
);
// List by jurisdiction (region prefix), newest first.
reportSchema.index({ regionCode: 1, createdAt: -1 });

export function reportModel(connection: Connection): Model<StoredReport> {
  return (connection.models.MandatoryReport as Model<StoredReport> | undefined) ?? connection.model<StoredReport>('MandatoryReport', reportSchema);
}
