/**
 * A child in the registry (儿童信息台账): identity, category, guardians with their situation, the
 * guardianship changes, visits, and the monthly living allowance with its amounts over time and the
 * months paid. Personal fields (ID numbers, names, free-text notes) are AES-GCM tokens bound to the
 * child, person and field (`protect.ts`); joins use the pseudonymous `personKey`.
 *
 * Visits and guardianship changes live inside the child's document, so every event about one child
 * leaves from one outbox, in order.
 */
import type { ChildCategory, ChildVisitKind, ChildVisitOutcome, GuardianRelation, GuardianshipChangeKind, GuardianSituation, WorkerRole } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { AllowanceCategory, AmountSegment } from '../domain/allowance.js';

export const CHILD_CATEGORIES = ['INSTITUTIONAL_ORPHAN', 'SCATTERED_ORPHAN', 'DEFACTO_UNSUPPORTED', 'LEFT_BEHIND', 'IN_DIFFICULTY', 'OTHER'] as const satisfies readonly ChildCategory[];
export const GUARDIAN_RELATIONS = ['FATHER', 'MOTHER', 'GRANDPARENT', 'SIBLING', 'OTHER_RELATIVE', 'FOSTER_PARENT', 'OTHER'] as const satisfies readonly GuardianRelation[];
export const GUARDIAN_SITUATIONS = ['ABLE', 'DECEASED', 'DETAINED', 'MISSING', 'SERIOUSLY_ILL', 'SEVERELY_DISABLED', 'WORKING_AWAY', 'GUARDIANSHIP_REVOKED', 'OTHER'] as const satisfies readonly GuardianSituation[];
export const CHANGE_KINDS = ['DEATH', 'DETENTION', 'MISSING', 'REVOKED', 'SERIOUS_ILLNESS', 'TEMPORARY_GUARDIANSHIP_BY_CIVIL_AFFAIRS', 'NEW_GUARDIAN_APPOINTED', 'OTHER'] as const satisfies readonly GuardianshipChangeKind[];
export const VISIT_KINDS = ['HOME_VISIT', 'SCHOOL_VISIT', 'PHONE_CALL', 'OTHER'] as const satisfies readonly ChildVisitKind[];
export const VISIT_OUTCOMES = ['NORMAL', 'NEEDS_SUPPORT', 'GUARDIANSHIP_CONCERN', 'REFERRED', 'CHILD_NOT_MET', 'OTHER'] as const satisfies readonly ChildVisitOutcome[];
export const VISITOR_ROLES = ['CHILD_DIRECTOR', 'CHILD_SUPERVISOR', 'MINORS_PROTECTION_STATION', 'SOCIAL_WORKER', 'OTHER'] as const satisfies readonly WorkerRole[];

export interface StoredGuardian {
  personKey: string;
  /** Encrypted tokens. */
  idNumber: string;
  name: string;
  relation: GuardianRelation;
  livesWithChild: boolean;
  situation: GuardianSituation;
  /** Date of the last situation change (registration date at first). */
  since: string;
}

export interface StoredGuardianshipChange {
  id: string;
  changeKind: GuardianshipChangeKind;
  guardianPersonKey: string;
  effectiveDate: string;
  hasEffectiveGuardian: boolean | null;
  /** Category before and after, when the change re-categorised the child. */
  categoryFrom: ChildCategory | null;
  categoryTo: ChildCategory | null;
  /** Encrypted token or null. */
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
}

export interface StoredVisit {
  id: string;
  visitedOn: string;
  visitorId: string;
  visitorRole: (typeof VISITOR_ROLES)[number];
  visitKind: ChildVisitKind;
  guardianPresent: boolean;
  outcome: ChildVisitOutcome;
  /** Encrypted token or null. */
  note: string | null;
  recordedAt: Date;
}

export interface StoredPayment {
  month: string;
  paymentId: string;
  amountFen: number;
  periodFrom: string;
  periodTo: string;
  dibaoVersionId: string;
  ruleVersionId: string;
  payerId: string;
  /** The guardian's person key, or null when paid to an institution. */
  payeePersonKey: string | null;
  payeeInstitutionId: string | null;
  runId: string;
  paidAt: Date;
}

/** One re-computation of the schedule, and what caused it. */
export interface StoredRecomputation {
  at: Date;
  /** `APPROVAL`, or the 低保 version id / rule id whose arrival caused it. */
  cause: string;
  fromAmountFen: number | null;
  toAmountFen: number;
}

export interface StoredAllowance {
  status: 'PENDING_APPROVAL' | 'ACTIVE' | 'ENDED';
  category: AllowanceCategory;
  /** First day of the first month paid. */
  startDate: string;
  /** Last day in force: the day before the 18th birthday, or earlier when ended. */
  endDate: string;
  reviewerId: string;
  reviewedAt: Date;
  approverId: string | null;
  approvedAt: Date | null;
  /** Amounts over time, each with the 低保 version and rule version it was derived from. */
  schedule: AmountSegment[];
  recomputations: StoredRecomputation[];
  payments: StoredPayment[];
}

export interface StoredChild {
  _id: string;
  personKey: string;
  /** Encrypted tokens. */
  idNumber: string;
  name: string;
  birthDate: string;
  sex: 'M' | 'F';
  /** 村居 code (12 digits); `townCode` is its 镇街. */
  regionCode: string;
  townCode: string;
  hukouResident: boolean;
  category: ChildCategory;
  guardians: StoredGuardian[];
  institutionId: string | null;
  childDirectorId: string | null;
  /** 特困供养 minor (R-E3: covered to 18). */
  tekunMinor: boolean;
  temporaryGuardianshipFrom: string | null;
  guardianshipChanges: StoredGuardianshipChange[];
  visits: StoredVisit[];
  allowance: StoredAllowance | null;
  /** Copied from `allowance.status` for the payment and re-computation queries. */
  allowanceStatus: StoredAllowance['status'] | null;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const childSchema = new Schema<StoredChild>(
  {
    _id: { type: String, required: true },
    personKey: { type: String, required: true },
    regionCode: { type: String, required: true },
    birthDate: { type: String, required: true },
    category: { type: String, required: true },
    guardians: { type: [Object], default: [] },
    guardianshipChanges: { type: [Object], default: [] },
    visits: { type: [Object], default: [] },
    allowance: { type: Object, default: null },
    allowanceStatus: { type: String, default: null },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'children', versionKey: false, autoIndex: false, strict: false, minimize: false },
);
// List by jurisdiction (region prefix), newest first.
childSchema.index({ regionCode: 1, createdAt: -1 });
// One record per child: a second registration of the same ID number is refused.
childSchema.index({ personKey: 1 }, { unique: true });
// Age-transition lists look children up by birth date.
childSchema.index({ birthDate: 1 });

export function childModel(connection: Connection): Model<StoredChild> {
  return (connection.models.Child as Model<StoredChild> | undefined) ?? connection.model<StoredChild>('Child', childSchema);
}
