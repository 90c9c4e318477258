/** What a caller sees of an economic-check result (figures, no names). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import { CHECK_PURPOSES, RIGID_EXPENDITURE_KINDS, type StoredEconomicCheck } from './economic-check.schema.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const PurposeSchema = Type.Enum(CHECK_PURPOSES, { description: '核对目的：APPLICATION 申请审核, PERIODIC_REVIEW 定期复核, DYNAMIC_MONITORING 低收入人口动态监测' });
export const RigidExpenditureSchema = Type.Object(
  { kind: Type.Enum(RIGID_EXPENDITURE_KINDS, { description: '刚性支出类别：MEDICAL 医疗, EDUCATION 教育, DISABILITY_REHABILITATION 残疾康复, DISASTER 灾害, ACCIDENT 意外' }), amountFen: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const EconomicCheckView = Type.Object(
  {
    id: Type.String({ description: '核对编号 (check id)' }),
    householdId: Type.String(),
    regionCode: Type.String(),
    applicationId: nullable(Type.String()),
    purpose: PurposeSchema,
    periodFrom: Type.String({ format: 'date' }),
    periodTo: Type.String({ format: 'date' }),
    householdSize: Type.Integer(),
    monthlyIncomePerCapitaFen: Type.Integer({ description: '月人均收入，分' }),
    annualDisposableIncomeFen: Type.Integer({ description: '家庭年可支配收入，分' }),
    financialAssetsFen: nullable(Type.Integer({ description: '金融资产，分' })),
    realEstateCount: nullable(Type.Integer({ description: '房产套数' })),
    vehicleCount: nullable(Type.Integer({ description: '车辆数' })),
    vehicleValueFen: nullable(Type.Integer()),
    registeredBusiness: nullable(Type.Boolean({ description: '有工商登记' })),
    rigidExpenditures: Type.Array(RigidExpenditureSchema),
    recordedBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: 'ECC-2f1e0d9c-8b7a-4c5d-9e6f-708192a3b4c5', householdId: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', regionCode: '442000001002', applicationId: null, purpose: 'PERIODIC_REVIEW',
        periodFrom: '2026-05-01', periodTo: '2026-10-31', householdSize: 4, monthlyIncomePerCapitaFen: 42000, annualDisposableIncomeFen: 2016000, financialAssetsFen: 300000,
        realEstateCount: 1, vehicleCount: 0, vehicleValueFen: null, registeredBusiness: false, rigidExpenditures: [{ kind: 'MEDICAL', amountFen: 1250000 }], recordedBy: 'checker', createdAt: '2026-11-02T03:00:00.000Z',
      },
    ],
  },
);
export type EconomicCheckView = Static<typeof EconomicCheckView>;

export function economicCheckView(check: StoredEconomicCheck): EconomicCheckView {
  const { _id, version: _version, outbox: _outbox, outboxPending: _pending, createdAt, rigidExpenditures, ...rest } = check;
  return { ...rest, id: _id, rigidExpenditures: rigidExpenditures.map((item) => ({ ...item })), createdAt: createdAt.toISOString() };
}
