/**
 * The named parameters of the 政策找人 rules. Each says where its value comes from: `seed` (the
 * planning documents give it; DOMAIN.md cites which) or `parameter` (the seeds give no value: the
 * default here is a working assumption of the platform, to be set by the bureau, and is marked so in
 * every explanation that uses it). Thresholds that are standards (the 低保 standard, the low-income
 * multiplier, the expenditure ratio k) are NOT here: they come from the versioned standards per
 * region and date (`reference.ts`), and a flag cites the version.
 *
 * `MZ_RULE_PARAMETERS` (JSON, name → number or list) overrides any of them.
 */

export interface ParameterDefinition {
  readonly value: number | readonly string[];
  readonly unit: string;
  readonly title: string;
  /** `seed`: the value is in the seeds (with the reference); `parameter`: not in the seeds, an assumption to configure. */
  readonly given: 'seed' | 'parameter';
  readonly reference: string;
}

export const PARAMETER_DEFINITIONS = {
  waterSilenceThresholdHours: { value: 24, unit: 'hours', title: '水表无用水报警时长', given: 'parameter', reference: 'DOMAIN §8 rule 1 (N hours, e.g. 24 h: ASSUMPTION)' },
  signalLookbackHours: { value: 72, unit: 'hours', title: '实时信号有效期（超过则视为过期信号）', given: 'parameter', reference: 'not in the seeds' },
  deviceOfflineThresholdHours: { value: 24, unit: 'hours', title: '设备离线报警时长', given: 'parameter', reference: 'DOMAIN §8 rule 3 (offline longer than X: ASSUMPTION)' },
  keyTargetLivingArrangements: { value: ['ALONE', 'EMPTY_NEST'], unit: 'livingArrangement', title: '重点监测对象（居住状况）', given: 'seed', reference: 'DOMAIN §3: living alone / empty-nest elderly are priority groups [000]' },
  visitRosterLivingArrangements: { value: ['ALONE', 'EMPTY_NEST'], unit: 'livingArrangement', title: '每月探访对象（居住状况）', given: 'seed', reference: 'DOMAIN §3: priority groups for monthly visits (100%) [000]' },
  visitRosterEconomicStatuses: { value: ['TEKUN', 'DIBAO', 'LOW_INCOME', 'LONE_MILITARY_BENEFICIARY'], unit: 'economicStatus', title: '每月探访对象（经济状况）', given: 'parameter', reference: 'DOMAIN §8 rule 4 (roster of specially difficult elderly; which statuses: ASSUMPTION)' },
  majorIllnessLookbackDays: { value: 90, unit: 'days', title: '重大疾病结算回溯天数', given: 'parameter', reference: 'not in the seeds' },
  outOfPocketThresholdFen: { value: 2_000_000, unit: 'fen', title: '个人自付高额阈值（近 12 个月）', given: 'parameter', reference: 'DOMAIN §8 rule 5 (out-of-pocket ≥ threshold: ASSUMPTION)' },
  gradualExitMonitoringMonths: { value: 12, unit: 'months', title: '渐退/退出后返贫监测期', given: 'seed', reference: 'R-E14: gradual exit ≤ 12 months [003]' },
  advancedAgeYears: { value: 80, unit: 'years', title: '高龄津贴起始年龄', given: 'seed', reference: 'R-E10: age ≥ 80 [000][001]' },
  elderAgeYears: { value: 60, unit: 'years', title: '老年人年龄', given: 'seed', reference: 'national definition of 老年人 (60+), used by the elderly-care service' },
  caregiverAgeYears: { value: 80, unit: 'years', title: '依老养残：高龄照料者年龄', given: 'seed', reference: 'DOMAIN §8 rule 19 (elderly caregiver ≥ 80) [003]' },
  careSubsidyDependencyLevels: { value: ['SEVERE', 'MODERATE'], unit: 'careDependencyLevel', title: '失能/半失能（护理补贴对象）', given: 'seed', reference: 'R-E11: disabled or semi-disabled [000]' },
  severeDisabilityGrades: { value: ['GRADE_1', 'GRADE_2'], unit: 'disabilityGrade', title: '重度残疾等级（护理补贴）', given: 'parameter', reference: 'R-E15: grade 1-2 = severe is national practice, not in the seeds' },
  careSubsidyExtraKinds: { value: ['INTELLECTUAL', 'MENTAL'], unit: 'disabilityKind', title: '三、四级智力/精神残疾纳入护理补贴', given: 'seed', reference: 'R-E15 (Jinan) [003]' },
  educationAidStages: { value: ['JUNIOR_HIGH', 'SENIOR_HIGH', 'UNIVERSITY'], unit: 'schoolStage', title: '教育救助学段', given: 'seed', reference: 'R-E12 [000]' },
  minorAgeYears: { value: 18, unit: 'years', title: '未成年人年龄上限', given: 'seed', reference: 'R-E3: minors covered up to 18 [000]' },
  orphanTransitionDays: { value: 90, unit: 'days', title: '孤儿成年安置提前天数', given: 'seed', reference: 'DOMAIN §8 rule 14 (30-90 days ahead) [000]' },
  deathPaymentGraceDays: { value: 31, unit: 'days', title: '死亡后停发宽限天数', given: 'parameter', reference: 'not in the seeds' },
  incidentLookbackHours: { value: 72, unit: 'hours', title: '突发事件回溯时长', given: 'parameter', reference: 'not in the seeds' },
  disasterAfterEndHours: { value: 72, unit: 'hours', title: '灾害结束后排查时长', given: 'parameter', reference: 'not in the seeds' },
  economicCheckMaxAgeDays: { value: 365, unit: 'days', title: '经济状况核对结果有效期', given: 'parameter', reference: 'not in the seeds (R-A1: regular re-checks)' },
} as const satisfies Readonly<Record<string, ParameterDefinition>>;

export type ParameterName = keyof typeof PARAMETER_DEFINITIONS;
export type RuleParameters = { readonly [K in ParameterName]: (typeof PARAMETER_DEFINITIONS)[K]['value'] extends number ? number : readonly string[] };

export const DEFAULT_PARAMETERS: RuleParameters = Object.fromEntries(Object.entries(PARAMETER_DEFINITIONS).map(([name, definition]) => [name, definition.value])) as unknown as RuleParameters;

/** Parses `MZ_RULE_PARAMETERS`: each named value must have the type of its default. */
export function parseParameters(raw: string): RuleParameters {
  return withParameters(DEFAULT_PARAMETERS, JSON.parse(raw));
}

/** `base` with the named values replaced (`MZ_RULE_PARAMETERS`, a what-if); throws `ParameterError` naming the first bad one. */
export function withParameters(base: RuleParameters, changes: unknown): RuleParameters {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) throw new ParameterError(null, 'must be a JSON object of parameter names to values');
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    const definition = (PARAMETER_DEFINITIONS as Readonly<Record<string, ParameterDefinition>>)[name];
    if (definition === undefined) throw new ParameterError(name, `unknown rule parameter ${name} (known: ${Object.keys(PARAMETER_DEFINITIONS).join(', ')})`);
    const wantsList = Array.isArray(definition.value);
    if (wantsList ? !Array.isArray(value) || !value.every((item) => typeof item === 'string') : typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ParameterError(name, `rule parameter ${name} must be ${wantsList ? 'a list of strings' : 'a non-negative number'}`);
    }
    out[name] = value;
  }
  return out as RuleParameters;
}

export class ParameterError extends Error {
  constructor(
    readonly parameter: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ParameterError';
  }
}
