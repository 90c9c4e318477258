/**
 * 儿童基本生活费 (monthly basic-living allowance) for orphans and 事实无人抚养 children: the amount
 * is the versioned rule "ratio × the 低保 standard in force" (R-E9, Zhongshan 14th FYP: 1.6 ×),
 * re-computed whenever the 低保 standard changes.
 *
 * - 低保 versions come from the assistance service's `reference.standard-changed` events (program
 *   DIBAO), kept locally by region prefix and `effectiveFrom`. The version in force for a region on
 *   a date is found as the assistance service finds it: the MOST SPECIFIC region prefix with any
 *   version effective on or before the date, then the latest `effectiveFrom` within it. Withdrawn
 *   versions and versions for urban or rural residents only (`areaScope` URBAN/RURAL) are not used:
 *   the registry does not record whether a child counts as urban or rural (see README, Not done).
 * - Allowance rule versions are this service's own (region, effectiveFrom, ratio in permille); the
 *   ratio 1,600‰ is the seed's value [000], the effective date is an ASSUMPTION (below).
 * - Rounding: ratio × standard is computed exactly on integers and rounded HALF UP to the whole fen,
 *   once (1.6 × 112,001 fen = 179,201.6 → 179,202 fen).
 * - Whole months: a month is due when the allowance is in force on its first day, at the amount in
 *   force that day. The allowance ends the day before the 18th birthday.
 */
import type { ChildCategory } from '@minzheng/contracts';
import { addDays, birthdayAt, firstDayOfMonth, firstDayOfNextMonth, lastDayOfMonth, type IsoDate } from './dates.js';
import { ChildError } from './errors.js';

/** Categories that receive the allowance (R-E9: 孤儿 and 事实无人抚养; institutional orphans included, see README). */
export const ALLOWANCE_CATEGORIES = ['INSTITUTIONAL_ORPHAN', 'SCATTERED_ORPHAN', 'DEFACTO_UNSUPPORTED'] as const satisfies readonly ChildCategory[];
export type AllowanceCategory = (typeof ALLOWANCE_CATEGORIES)[number];

export const isAllowanceCategory = (category: ChildCategory): category is AllowanceCategory => (ALLOWANCE_CATEGORIES as readonly string[]).includes(category);

/** The wire program of a category (`mz.common.ProgramType`). */
export const programOf = (category: AllowanceCategory): 'ORPHAN_ALLOWANCE' | 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE' =>
  category === 'DEFACTO_UNSUPPORTED' ? 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE' : 'ORPHAN_ALLOWANCE';

/** The age at which the allowance ends (the day before the birthday). */
export const ALLOWANCE_END_AGE = 18;

/** One 低保 version as this service keeps it. */
export interface DibaoVersion {
  /** The reference standard's `versionId`, cited by every amount derived from it. */
  readonly versionId: string;
  /** Region prefix: 6, 9 or 12 digits. */
  readonly regionCode: string;
  readonly effectiveFrom: IsoDate;
  readonly monthlyStandardFen: number;
  readonly areaScope: 'ALL' | 'URBAN' | 'RURAL' | 'OTHER';
  readonly withdrawn: boolean;
}

/** One version of the allowance rule: amount = ratio × the 低保 standard in force. */
export interface AllowanceRuleVersion {
  readonly id: string;
  readonly regionCode: string;
  readonly effectiveFrom: IsoDate;
  /** 1,600‰ = 1.6 × (R-E9). */
  readonly ratioPermille: number;
  readonly source: string;
}

/**
 * The Zhongshan rule of the seeds: orphan and 事实无人抚养 standard = 1.6 × 低保 [000] (R-E9).
 * ASSUMPTION: in force from 2021-01-01, the first day of the 14th FYP whose target it is; the seed
 * gives no date. Configure other versions through `buildChildProtectionApp({ allowanceRules })`.
 */
export const zhongshanAllowanceRules: readonly AllowanceRuleVersion[] = [
  { id: 'CHILD-ALLOWANCE-RULE-442000-2021-01-01', regionCode: '442000', effectiveFrom: '2021-01-01', ratioPermille: 1_600, source: '[000] 中山市民政事业发展"十四五"规划: 孤儿和事实无人抚养儿童基本生活保障标准按低保标准的1.6倍' },
];

interface Versioned {
  readonly regionCode: string;
  readonly effectiveFrom: IsoDate;
}

/** Most specific region prefix first, then the latest `effectiveFrom` on or before `date`. */
export function inForce<V extends Versioned>(versions: readonly V[], regionCode: string, date: IsoDate): V | undefined {
  let best: V | undefined;
  for (const version of versions) {
    if (!regionCode.startsWith(version.regionCode) || version.effectiveFrom > date) continue;
    if (best === undefined || version.regionCode.length > best.regionCode.length || (version.regionCode.length === best.regionCode.length && version.effectiveFrom > best.effectiveFrom)) best = version;
  }
  return best;
}

/** The 低保 versions that count for the allowance (not withdrawn, all residents). */
export const usableDibao = (versions: readonly DibaoVersion[]): DibaoVersion[] => versions.filter((version) => !version.withdrawn && version.areaScope === 'ALL');

/** `a × permille ÷ 1000`, rounded half up to the whole fen, exact on integers. */
export function permilleOf(amountFen: number, permille: number): number {
  if (!Number.isSafeInteger(amountFen) || !Number.isSafeInteger(permille) || amountFen < 0 || permille < 0) throw new RangeError(`permilleOf needs non-negative safe integers (${amountFen}, ${permille})`);
  return Number((BigInt(amountFen) * BigInt(permille) * 2n + 1000n) / 2000n);
}

/** The amount in force from a date, with the versions it was derived from. */
export interface AmountSegment {
  readonly from: IsoDate;
  readonly amountFen: number;
  readonly dibaoFen: number;
  readonly dibaoVersionId: string;
  readonly ruleVersionId: string;
  readonly ratioPermille: number;
}

/** The amount on `date` (`CHILD_NO_STANDARD` when no 低保 version or no rule is in force). */
export function amountOn(dibao: readonly DibaoVersion[], rules: readonly AllowanceRuleVersion[], regionCode: string, date: IsoDate): AmountSegment {
  const standard = inForce(usableDibao(dibao), regionCode, date);
  const rule = inForce(rules, regionCode, date);
  if (standard === undefined || rule === undefined) {
    throw new ChildError('CHILD_NO_STANDARD', `无适用标准 (no ${standard === undefined ? '低保 standard' : 'allowance rule'} in force for region ${regionCode} on ${date})`, {
      field: 'startDate',
      rule: 'a 低保 standard and an allowance rule must be in force for the region and date',
      regionCode,
      date,
      missing: standard === undefined ? 'DIBAO' : 'ALLOWANCE_RULE',
    });
  }
  return { from: date, amountFen: permilleOf(standard.monthlyStandardFen, rule.ratioPermille), dibaoFen: standard.monthlyStandardFen, dibaoVersionId: standard.versionId, ruleVersionId: rule.id, ratioPermille: rule.ratioPermille };
}

/**
 * The allowance's amounts over time from `start` (first day of a month) to `end` (inclusive): a
 * segment at `start` and at every first day of a month on which the 低保 version or the rule in
 * force changes. Computed from the whole table, so versions arriving in any order, twice, or late
 * give the same schedule.
 */
export function allowanceSchedule(dibao: readonly DibaoVersion[], rules: readonly AllowanceRuleVersion[], regionCode: string, start: IsoDate, end: IsoDate): AmountSegment[] {
  const usable = usableDibao(dibao);
  const boundaries = new Set<IsoDate>([start]);
  for (const version of [...usable, ...rules]) {
    if (!regionCode.startsWith(version.regionCode)) continue;
    // A change counts from the first day of a month: the day itself when it is one, else the next.
    const month = version.effectiveFrom === firstDayOfMonth(version.effectiveFrom) ? version.effectiveFrom : firstDayOfNextMonth(version.effectiveFrom);
    if (month > start && month <= end) boundaries.add(month);
  }
  const segments: AmountSegment[] = [];
  for (const from of [...boundaries].sort()) {
    const segment = { ...amountOn(usable, rules, regionCode, from), from };
    const last = segments.at(-1);
    if (last?.amountFen === segment.amountFen && last.dibaoVersionId === segment.dibaoVersionId && last.ruleVersionId === segment.ruleVersionId) continue;
    segments.push(segment);
  }
  return segments;
}

/** The last day the allowance can run: the day before the 18th birthday. */
export const allowanceLastDay = (birthDate: IsoDate): IsoDate => addDays(birthdayAt(birthDate, ALLOWANCE_END_AGE), -1);

/** The segment in force on a date, or undefined before the first. */
export function segmentOn(schedule: readonly AmountSegment[], date: IsoDate): AmountSegment | undefined {
  return schedule.filter((segment) => segment.from <= date).at(-1);
}

/**
 * The first date on which two schedules give a different amount or cite different versions (the
 * first month a re-computation changes), or undefined when they agree everywhere.
 */
export function firstDifference(before: readonly AmountSegment[], after: readonly AmountSegment[]): IsoDate | undefined {
  const dates = [...new Set([...before, ...after].map((segment) => segment.from))].sort();
  return dates.find((date) => {
    const a = segmentOn(before, date);
    const b = segmentOn(after, date);
    return a?.amountFen !== b?.amountFen || a?.dibaoVersionId !== b?.dibaoVersionId || a?.ruleVersionId !== b?.ruleVersionId;
  });
}

export interface DueMonth {
  readonly month: string;
  readonly periodFrom: IsoDate;
  readonly periodTo: IsoDate;
  readonly amountFen: number;
  readonly dibaoVersionId: string;
  readonly ruleVersionId: string;
}

/** What is due for `month` (`YYYY-MM`), or undefined when the allowance is not in force on its first day. */
export function dueFor(schedule: readonly AmountSegment[], start: IsoDate, lastDay: IsoDate, month: string): DueMonth | undefined {
  const first = `${month}-01`;
  if (first < start || first > lastDay) return undefined;
  const segment = segmentOn(schedule, first);
  if (segment === undefined) return undefined;
  return { month, periodFrom: first, periodTo: lastDayOfMonth(first), amountFen: segment.amountFen, dibaoVersionId: segment.dibaoVersionId, ruleVersionId: segment.ruleVersionId };
}

/** Sum over paid months of (due now − paid): positive when a retroactive raise left arrears (补发 not done, see README). */
export function arrearsFen(schedule: readonly AmountSegment[], payments: readonly { month: string; amountFen: number }[]): number {
  return payments.reduce((sum, payment) => sum + ((segmentOn(schedule, `${payment.month}-01`)?.amountFen ?? payment.amountFen) - payment.amountFen), 0);
}
