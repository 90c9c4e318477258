/**
 * A household (家庭) and its members over time. Personal fields (ID number, name, phone,
 * address) are stored as AES-GCM tokens bound to the household and member (`protect.ts`); joins
 * use the pseudonymous `personKey`. Members are never deleted: a member who leaves gets `toDate`.
 */
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

import { LABOUR_CAPACITIES, RELATIONS_TO_HEAD } from '../domain/household.js';

export { LABOUR_CAPACITIES, RELATIONS_TO_HEAD };
export const DISABILITY_KINDS = ['VISUAL', 'HEARING', 'SPEECH', 'PHYSICAL', 'INTELLECTUAL', 'MENTAL', 'MULTIPLE', 'OTHER'] as const;
export const DISABILITY_GRADES = ['GRADE_1', 'GRADE_2', 'GRADE_3', 'GRADE_4'] as const;
export const RECORD_REASONS = ['APPLICATION', 'PERIODIC_REVIEW', 'CHANGE_REPORTED', 'DATA_COMPARISON', 'OTHER'] as const;

export interface StoredMember {
  personKey: string;
  /** Encrypted tokens. */
  idNumber: string;
  name: string;
  phone: string | null;
  birthDate: string;
  sex: 'M' | 'F';
  relationToHead: (typeof RELATIONS_TO_HEAD)[number];
  /** 本地户籍 (local hukou) or not. */
  localHukou: boolean;
  livingTogether: boolean;
  labourCapacity: (typeof LABOUR_CAPACITIES)[number];
  monthlyIncomeFen: number;
  financialAssetsFen: number;
  disabilityKind: (typeof DISABILITY_KINDS)[number] | null;
  disabilityGrade: (typeof DISABILITY_GRADES)[number] | null;
  seriouslyIll: boolean | null;
  fromDate: string;
  toDate: string | null;
}

export interface StoredHousehold {
  _id: string;
  /** 村居 code (12 digits); `townCode` is its 镇街 (9 digits). */
  regionCode: string;
  townCode: string;
  /** Encrypted token. */
  address: string;
  members: StoredMember[];
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const householdSchema = new Schema<StoredHousehold>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    townCode: { type: String, required: true },
    address: { type: String, required: true },
    members: { type: [Object], required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'households', versionKey: false, autoIndex: false },
);
// List by jurisdiction (region prefix) and newest first.
householdSchema.index({ regionCode: 1, createdAt: -1 });
// Find a person's household by pseudonym (one active household per person).
householdSchema.index({ 'members.personKey': 1 });

export function householdModel(connection: Connection): Model<StoredHousehold> {
  return connection.models.Household as Model<StoredHousehold> | undefined ?? connection.model<StoredHousehold>('Household', householdSchema);
}
