/**
 * 经济困难失能老年人照护补助 (care subsidy for economically difficult disabled elders, R-E11).
 *
 * From the seeds ([000]): introduced 2018 with fixed amounts, 2,000 for severely disabled (重度失能)
 * elders in 双低 families (低保 or 低收入) and 1,500 for severely disabled lone 优抚 elders
 * (孤老优抚对象); the 2019 revision pays up to 4,000 a month to economically difficult disabled and
 * semi-disabled (失能和半失能) elders. The seed gives no period for the 2018 amounts (monthly is an
 * ASSUMPTION) and no day (1 January is assumed).
 *
 * The exact 2019 amount per level is a PARAMETER the seeds do not give: the 2019 rows below are
 * DEMO VALUES under the 4,000 cap, not policy. Replace them through configuration
 * (`MZ_CARE_SUBSIDY_TABLES`).
 */
import type { CareDependencyLevel, ElderEconomicStatus } from '@minzheng/contracts';
import { tableInForce } from './age-allowance.js';
import { invalidInput } from './errors.js';

export interface CareSubsidyRule {
  readonly ruleId: string;
  readonly economicStatuses: readonly ElderEconomicStatus[];
  readonly levels: readonly CareDependencyLevel[];
  readonly monthlyAmountFen: number;
}

export interface CareSubsidyTable {
  readonly versionId: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  /** True when any amount is a demo value (not policy). */
  readonly demo: boolean;
  /** The seed's cap ("up to 4,000/month") where one applies; every rule must stay under it. */
  readonly maxMonthlyFen: number | null;
  readonly sourceDocument: string;
  readonly rules: readonly CareSubsidyRule[];
}

const DOUBLE_LOW: readonly ElderEconomicStatus[] = ['DIBAO', 'LOW_INCOME'];

export const DEFAULT_CARE_SUBSIDY_TABLES: readonly CareSubsidyTable[] = [
  {
    // Seed values (2,000 and 1,500); period monthly and day 1 January are ASSUMPTIONS.
    versionId: 'ZS-ZHBZ-442000-2018-v1',
    regionCode: '442000',
    effectiveFrom: '2018-01-01',
    demo: false,
    maxMonthlyFen: null,
    sourceDocument: '中山市民政事业发展"十四五"规划 [000]: 2018年起 双低家庭重度失能 2,000 元、孤老优抚对象 1,500 元',
    rules: [
      { ruleId: 'SEVERE-DOUBLE-LOW', economicStatuses: DOUBLE_LOW, levels: ['SEVERE'], monthlyAmountFen: 200_000 },
      { ruleId: 'SEVERE-LONE-MILITARY', economicStatuses: ['LONE_MILITARY_BENEFICIARY'], levels: ['SEVERE'], monthlyAmountFen: 150_000 },
    ],
  },
  {
    // PARAMETER — DEMO VALUES, NOT POLICY: the seed gives only the cap of 4,000 a month.
    versionId: 'DEMO-ZHBZ-442000-2019-v1',
    regionCode: '442000',
    effectiveFrom: '2019-01-01',
    demo: true,
    maxMonthlyFen: 400_000,
    sourceDocument: 'DEMO 演示参数，非政策: 2019年提高至每月最高 4,000 元 [000]; per-level amounts are demo values',
    rules: [
      { ruleId: 'SEVERE-ECONOMIC-DIFFICULTY', economicStatuses: [...DOUBLE_LOW, 'LONE_MILITARY_BENEFICIARY'], levels: ['SEVERE'], monthlyAmountFen: 400_000 },
      { ruleId: 'MODERATE-ECONOMIC-DIFFICULTY', economicStatuses: [...DOUBLE_LOW, 'LONE_MILITARY_BENEFICIARY'], levels: ['MODERATE'], monthlyAmountFen: 200_000 },
    ],
  },
];

export function checkCareSubsidyTables(tables: readonly CareSubsidyTable[]): void {
  const ids = new Set<string>();
  tables.forEach((table, t) => {
    const at = `tables.${t}`;
    if (table.versionId.trim() === '' || ids.has(table.versionId)) throw invalidInput(`${at}.versionId`, 'must be a unique, non-empty id');
    ids.add(table.versionId);
    if (!/^\d{6}(\d{3}(\d{3})?)?$/u.test(table.regionCode)) throw invalidInput(`${at}.regionCode`, 'must be 6, 9 or 12 digits');
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(table.effectiveFrom)) throw invalidInput(`${at}.effectiveFrom`, 'must be YYYY-MM-DD');
    table.rules.forEach((rule, r) => {
      const field = `${at}.rules.${r}`;
      if (!Number.isInteger(rule.monthlyAmountFen) || rule.monthlyAmountFen <= 0) throw invalidInput(`${field}.monthlyAmountFen`, 'must be a positive whole number of fen');
      if (table.maxMonthlyFen !== null && rule.monthlyAmountFen > table.maxMonthlyFen) throw invalidInput(`${field}.monthlyAmountFen`, `must not exceed the table's cap of ${table.maxMonthlyFen} fen`);
      if (rule.economicStatuses.length === 0 || rule.levels.length === 0) throw invalidInput(field, 'must name at least one economic status and one level');
    });
  });
}

export interface CareSubsidyDecision {
  readonly qualifies: boolean;
  readonly monthlyAmountFen: number;
  /** The table version used; null when none was in force. */
  readonly versionId: string | null;
  readonly ruleId: string | null;
  /** Why, in English words (for the caller and the audit of decisions). */
  readonly reason: string;
  readonly decidedOn: string;
}

/**
 * The subsidy an elder qualifies for on `date`, given their economic status and assessed level.
 * When several rules match, the highest amount wins (they are alternatives, not cumulative).
 */
export function decideCareSubsidy(
  tables: readonly CareSubsidyTable[],
  input: { readonly regionCode: string; readonly economicStatus: ElderEconomicStatus; readonly level: CareDependencyLevel | null },
  date: string,
): CareSubsidyDecision {
  const table = tableInForce(tables, input.regionCode, date);
  if (!table) return { qualifies: false, monthlyAmountFen: 0, versionId: null, ruleId: null, reason: 'no care-subsidy table in force for the region and date', decidedOn: date };
  if (input.level === null) return { qualifies: false, monthlyAmountFen: 0, versionId: table.versionId, ruleId: null, reason: 'no valid ability assessment', decidedOn: date };
  let best: CareSubsidyRule | undefined;
  for (const rule of table.rules) {
    if (!rule.economicStatuses.includes(input.economicStatus) || !rule.levels.includes(input.level)) continue;
    if (!best || rule.monthlyAmountFen > best.monthlyAmountFen) best = rule;
  }
  if (!best) return { qualifies: false, monthlyAmountFen: 0, versionId: table.versionId, ruleId: null, reason: `no rule covers economic status ${input.economicStatus} with level ${input.level}`, decidedOn: date };
  return { qualifies: true, monthlyAmountFen: best.monthlyAmountFen, versionId: table.versionId, ruleId: best.ruleId, reason: `rule ${best.ruleId}`, decidedOn: date };
}
