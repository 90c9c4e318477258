/** A visit (巡访) to an elder: home visit, care call, patrol. The note is an encrypted token. */
import type { ElderVisitKind, ElderVisitOutcome, WorkerRole } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredVisit {
  _id: string;
  elderId: string;
  /** The elder's pseudonym (access audit). */
  personKey: string;
  regionCode: string;
  visitorId: string;
  visitorRole: WorkerRole;
  visitKind: ElderVisitKind;
  outcome: ElderVisitOutcome;
  visitedAt: Date;
  /** China month (YYYY-MM) of `visitedAt`: the monthly-visit report groups by it. */
  visitMonth: string;
  durationMinutes: number | null;
  note: string | null;
  recordedBy: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const visitSchema = new Schema<StoredVisit>(
  {
    _id: { type: String, required: true },
    elderId: { type: String, required: true },
    personKey: { type: String, required: true },
    regionCode: { type: String, required: true },
    visitorId: { type: String, required: true },
    visitorRole: { type: String, required: true },
    visitKind: { type: String, required: true },
    outcome: { type: String, required: true },
    visitedAt: { type: Date, required: true },
    visitMonth: { type: String, required: true },
    durationMinutes: { type: Number, default: null },
    note: { type: String, default: null },
    recordedBy: { type: String, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'visits', versionKey: false, autoIndex: false },
);
// The monthly-visit report: visits of a month in a jurisdiction.
visitSchema.index({ visitMonth: 1, regionCode: 1 });
// List by jurisdiction, newest first.
visitSchema.index({ regionCode: 1, createdAt: -1 });

export function visitModel(connection: Connection): Model<StoredVisit> {
  return connection.models.Visit as Model<StoredVisit> | undefined ?? connection.model<StoredVisit>('Visit', visitSchema);
}
