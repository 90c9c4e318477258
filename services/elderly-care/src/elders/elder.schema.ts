/**
 * An elder (老人档案) in the registry, with their ability assessments. Personal fields (ID number,
 * name, phones) are AES-GCM tokens bound to the record and field (`protect.ts`); joins use the
 * pseudonymous `personKey`. The id follows from the person key, so one person has one record
 * however many registrations race (the store's `_id` uniqueness decides).
 */
import type { CareDependencyLevel, ElderEconomicStatus, LivingArrangement, WorkerRole } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { CareSubsidyDecision } from '../domain/care-subsidy.js';
import type { PriorityGroup } from '../domain/priority.js';

export interface StoredAssessment {
  assessmentId: string;
  careDependencyLevel: CareDependencyLevel;
  score: number | null;
  assessmentStandard: string | null;
  assessorOrganisationId: string;
  assessedDate: string;
  validUntil: string | null;
  recordedBy: string;
  recordedAt: Date;
  /** The care-subsidy decision made with this assessment (R-E11), with the table version used. */
  careSubsidy: CareSubsidyDecision;
}

export interface StoredElder {
  _id: string;
  /** 村居 code (12 digits); `townCode` is its 镇街. */
  regionCode: string;
  townCode: string;
  personKey: string;
  /** Encrypted tokens. */
  idNumber: string;
  name: string;
  phone: string | null;
  emergencyContactPhone: string | null;
  birthDate: string;
  sex: 'M' | 'F';
  hukouResident: boolean;
  livingArrangement: LivingArrangement;
  economicStatus: ElderEconomicStatus;
  leftBehind: boolean;
  lostOnlyChildFamily: boolean;
  severelyDisabled: boolean;
  /** The assistance household, when the elder belongs to one known there. */
  householdId: string | null;
  assignedVisitorId: string | null;
  assignedVisitorRole: WorkerRole | null;
  assessments: StoredAssessment[];
  /** Recomputed on every write (domain/priority.ts); lists and the visit report filter on it. */
  priorityGroups: PriorityGroup[];
  /** China date of registration. */
  registeredOn: string;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const elderSchema = new Schema<StoredElder>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    townCode: { type: String, required: true },
    personKey: { type: String, required: true },
    idNumber: { type: String, required: true },
    name: { type: String, required: true },
    phone: { type: String, default: null },
    emergencyContactPhone: { type: String, default: null },
    birthDate: { type: String, required: true },
    sex: { type: String, required: true },
    hukouResident: { type: Boolean, required: true },
    livingArrangement: { type: String, required: true },
    economicStatus: { type: String, required: true },
    leftBehind: { type: Boolean, required: true },
    lostOnlyChildFamily: { type: Boolean, required: true },
    severelyDisabled: { type: Boolean, required: true },
    householdId: { type: String, default: null },
    assignedVisitorId: { type: String, default: null },
    assignedVisitorRole: { type: String, default: null },
    assessments: { type: [Object], default: [] },
    priorityGroups: { type: [String], default: [] },
    registeredOn: { type: String, required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'elders', versionKey: false, autoIndex: false },
);
// List by jurisdiction (region prefix), newest first.
elderSchema.index({ regionCode: 1, createdAt: -1 });
// The allowance job: hukou elders by date of birth.
elderSchema.index({ hukouResident: 1, birthDate: 1 });

export function elderModel(connection: Connection): Model<StoredElder> {
  return connection.models.Elder as Model<StoredElder> | undefined ?? connection.model<StoredElder>('Elder', elderSchema);
}
