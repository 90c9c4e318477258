/** What a caller sees of a standard version (reference data, no personal fields). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import { ASSISTANCE_PROGRAMS } from '../domain/standards.js';
import type { StoredStandard } from './standard.schema.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const STANDARD_EXAMPLE = { id: 'DIBAO-442000-2021-01-01', program: 'DIBAO', regionCode: '442000', effectiveFrom: '2021-01-01', source: '[004] 2014; [000] 2016 and 2020; [001] 2021', monthlyStandardFen: 112000, categoricalSupplements: null, lowIncomeMultiplierPermille: null, temporaryAidFloorPermille: null, rigidExpenditureRatioPermille: null, createdBy: 'system', createdAt: '2026-11-01T00:00:00.000Z' };

export const StandardView = Type.Object(
  {
    id: Type.String({ description: '版本编号，金额记录所引用 (version id, cited by every amount computed with it)' }),
    program: Type.Enum(ASSISTANCE_PROGRAMS),
    regionCode: Type.String(),
    effectiveFrom: Type.String({ format: 'date' }),
    source: nullable(Type.String({ description: '依据 (source)' })),
    monthlyStandardFen: nullable(Type.Integer()),
    categoricalSupplements: nullable(Type.Object({ amountsFen: Type.Record(Type.String(), Type.Integer()), stacking: Type.String() })),
    lowIncomeMultiplierPermille: nullable(Type.Integer()),
    temporaryAidFloorPermille: nullable(Type.Integer()),
    rigidExpenditureRatioPermille: nullable(Type.Integer()),
    createdBy: Type.String({ description: '发布人（system 为内置的种子值） (who published it; system = seeded value)' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      STANDARD_EXAMPLE,
    ],
  },
);
export type StandardView = Static<typeof StandardView>;

export function standardView(stored: StoredStandard): StandardView {
  const version = stored.definition;
  return {
    id: version.id,
    program: version.program,
    regionCode: version.regionCode,
    effectiveFrom: version.effectiveFrom,
    source: version.source ?? null,
    monthlyStandardFen: version.program === 'DIBAO' || version.program === 'TEKUN' ? version.monthlyStandardFen : null,
    categoricalSupplements: version.program === 'DIBAO' && version.categoricalSupplements !== null ? { amountsFen: { ...version.categoricalSupplements.amountsFen }, stacking: version.categoricalSupplements.stacking } : null,
    lowIncomeMultiplierPermille: version.program === 'LOW_INCOME' ? version.lowIncomeMultiplierPermille : null,
    temporaryAidFloorPermille: version.program === 'TEMPORARY_AID' ? version.temporaryAidFloorPermille : null,
    rigidExpenditureRatioPermille: version.program === 'EXPENDITURE_HARDSHIP' ? version.rigidExpenditureRatioPermille : null,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt.toISOString(),
  };
}
