/**
 * The PARAMETER tables of this service (高龄津贴 tier tables, R-E10; care-subsidy tables, R-E11) as
 * `reference.standard-changed` values, so the thematic database and the rules see the same tiers
 * and amounts that grants and decisions cite.
 *
 * One message per row, because `StandardChanged` carries one value and the topic
 * (`mz.reference.standards`) is compacted by key:
 *
 * | table | one message per | key | versionId | tierId |
 * |---|---|---|---|---|
 * | 高龄津贴 | tier | `<versionId>|<tierId>` | the table version (what grants cite as `standardVersionId`) | the tier (grants' `tierId`) |
 * | 照护补助 | rule and level | `<versionId>|<ruleId>|<level>` | the table version (what decisions cite) | the rule (decisions' `tierId`) |
 *
 * Both are `ALLOWANCE_TIER` standards: the age tier's bounds are ages in years (`AGE_YEARS`); the
 * care subsidy's are the level's rank (`CARE_DEPENDENCY_LEVEL`: ABLE 0, MILD 1, MODERATE 2, SEVERE 3),
 * with the economic statuses the rule covers in `beneficiaryCategory` (comma-separated).
 */
import type { CareDependencyLevel, StandardChanged } from '@minzheng/contracts';
import type { AgeAllowanceTable } from '../domain/age-allowance.js';
import type { CareSubsidyTable } from '../domain/care-subsidy.js';
import { regionRef } from '../events.js';

/** What a row publishes, without the envelope (added when it is written). */
export type StandardValue = Omit<StandardChanged, 'envelope'>;

export interface ReferenceRow {
  /** The topic key and the stored row's id. */
  readonly key: string;
  readonly regionCode: string;
  readonly program: 'ADVANCED_AGE_ALLOWANCE' | 'ELDERLY_CARE_SUBSIDY';
  /** The tier (高龄津贴) or rule (照护补助) id. */
  readonly tierId: string;
  readonly value: StandardValue;
}

/** Rank of a care-dependency level as a tier bound (UNKNOWN has none). */
export const LEVEL_RANK: Readonly<Record<CareDependencyLevel, number | null>> = { ABLE: 0, MILD: 1, MODERATE: 2, SEVERE: 3, UNKNOWN: null };
const LEVEL_TITLES: Readonly<Record<CareDependencyLevel, string>> = { ABLE: '能力完好', MILD: '轻度失能', MODERATE: '中度失能', SEVERE: '重度失能', UNKNOWN: '等级未知' };

interface Versioned {
  readonly versionId: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
}

/** The version of the same region that `table` follows (the latest earlier `effectiveFrom`), if any. */
function supersedes<T extends Versioned>(table: T, tables: readonly T[]): string | null {
  const earlier = tables.filter((other) => other.regionCode === table.regionCode && other.effectiveFrom < table.effectiveFrom).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return earlier.at(-1)?.versionId ?? null;
}

const NO_VALUES = { ratioPermille: null, baseStandardId: null, integerValue: null, integerUnit: null } as const;

export function ageAllowanceRows(tables: readonly AgeAllowanceTable[]): ReferenceRow[] {
  return tables.flatMap((table) =>
    table.tiers.map((tier) => ({
      key: `${table.versionId}|${tier.tierId}`,
      regionCode: table.regionCode,
      program: 'ADVANCED_AGE_ALLOWANCE' as const,
      tierId: tier.tierId,
      value: {
        standardId: `ADVANCED_AGE_ALLOWANCE-${table.regionCode}-${tier.tierId}`,
        versionId: table.versionId,
        changeKind: 'PUBLISHED',
        supersedesVersionId: supersedes(table, tables),
        title: tier.maxAge === null ? `高龄津贴（${String(tier.minAge)}周岁及以上）` : `高龄津贴（${String(tier.minAge)}至${String(tier.maxAge)}周岁）`,
        program: 'ADVANCED_AGE_ALLOWANCE',
        standardKind: 'ALLOWANCE_TIER',
        beneficiaryCategory: null,
        areaScope: 'ALL',
        region: regionRef(table.regionCode),
        effectiveFrom: table.effectiveFrom,
        effectiveTo: null,
        valueFen: tier.monthlyAmountFen,
        ...NO_VALUES,
        tierId: tier.tierId,
        tierBasis: 'AGE_YEARS',
        tierLowerBound: tier.minAge,
        tierUpperBound: tier.maxAge,
        sourceDocument: table.sourceDocument,
      },
    })),
  );
}

export function careSubsidyRows(tables: readonly CareSubsidyTable[]): ReferenceRow[] {
  return tables.flatMap((table) =>
    table.rules.flatMap((rule) =>
      rule.levels.map((level) => ({
        key: `${table.versionId}|${rule.ruleId}|${level}`,
        regionCode: table.regionCode,
        program: 'ELDERLY_CARE_SUBSIDY' as const,
        tierId: rule.ruleId,
        value: {
          standardId: `ELDERLY_CARE_SUBSIDY-${table.regionCode}-${rule.ruleId}-${level}`,
          versionId: table.versionId,
          changeKind: 'PUBLISHED',
          supersedesVersionId: supersedes(table, tables),
          title: `经济困难失能老年人照护补助（${LEVEL_TITLES[level]}）`,
          program: 'ELDERLY_CARE_SUBSIDY',
          standardKind: 'ALLOWANCE_TIER',
          beneficiaryCategory: rule.economicStatuses.join(','),
          areaScope: 'ALL',
          region: regionRef(table.regionCode),
          effectiveFrom: table.effectiveFrom,
          effectiveTo: null,
          valueFen: rule.monthlyAmountFen,
          ...NO_VALUES,
          tierId: rule.ruleId,
          tierBasis: 'CARE_DEPENDENCY_LEVEL',
          tierLowerBound: LEVEL_RANK[level],
          tierUpperBound: LEVEL_RANK[level],
          sourceDocument: table.sourceDocument,
        },
      })),
    ),
  );
}

/** Every row of the configured tables, tier tables first. */
export const referenceRows = (parameters: { readonly ageAllowanceTables: readonly AgeAllowanceTable[]; readonly careSubsidyTables: readonly CareSubsidyTable[] }): ReferenceRow[] => [
  ...ageAllowanceRows(parameters.ageAllowanceTables),
  ...careSubsidyRows(parameters.careSubsidyTables),
];
