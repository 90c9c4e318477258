/**
 * A 居民家庭经济状况核对 result recorded against a household: the figures the checking centre
 * returned for a period (incomes, assets, vehicles, business, rigid expenditures). Figures only:
 * no names or numbers of people, which stay in the household.
 */
import type { EconomicCheckCompleted } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export const CHECK_PURPOSES = ['APPLICATION', 'PERIODIC_REVIEW', 'DYNAMIC_MONITORING', 'OTHER'] as const satisfies readonly EconomicCheckCompleted['purpose'][];
export const RIGID_EXPENDITURE_KINDS = ['MEDICAL', 'EDUCATION', 'DISABILITY_REHABILITATION', 'DISASTER', 'ACCIDENT', 'OTHER'] as const;

export interface StoredEconomicCheck {
  _id: string;
  householdId: string;
  regionCode: string;
  applicationId: string | null;
  purpose: (typeof CHECK_PURPOSES)[number];
  periodFrom: string;
  periodTo: string;
  householdSize: number;
  monthlyIncomePerCapitaFen: number;
  annualDisposableIncomeFen: number;
  financialAssetsFen: number | null;
  realEstateCount: number | null;
  vehicleCount: number | null;
  vehicleValueFen: number | null;
  registeredBusiness: boolean | null;
  rigidExpenditures: { kind: (typeof RIGID_EXPENDITURE_KINDS)[number]; amountFen: number }[];
  recordedBy: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const economicCheckSchema = new Schema<StoredEconomicCheck>(
  {
    _id: { type: String, required: true },
    householdId: { type: String, required: true },
    regionCode: { type: String, required: true },
    rigidExpenditures: { type: [Object], default: [] },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'economic_checks', versionKey: false, autoIndex: false, strict: false },
);
economicCheckSchema.index({ householdId: 1, createdAt: -1 });

export function economicCheckModel(connection: Connection): Model<StoredEconomicCheck> {
  return (connection.models.EconomicCheck as Model<StoredEconomicCheck> | undefined) ?? connection.model<StoredEconomicCheck>('EconomicCheck', economicCheckSchema);
}
