/**
 * Versioned assistance standards (救助标准), per program, region and effective date.
 *
 * A version applies to its region code and every region under it (codes are prefixes: `442000`
 * is all of Zhongshan, `442000100` one 镇街). To find the version in force for a region on a
 * date, the MOST SPECIFIC region prefix that has any version effective on or before the date wins;
 * within that prefix, the latest `effectiveFrom` on or before the date wins. A town version
 * therefore overrides the city's even when the city has published a newer one: a town that keeps
 * its own standard must publish its own new version.
 *
 * Every program has its own series of versions, because the seeds date each value separately
 * (低保 2014/2016/2020/2021, 特困 2016/2020, the low-income multiplier 2020, the temporary-aid
 * floor 2018). Values derived from two series (the low-income upper limit, the temporary-aid
 * floor in fen) cite both version ids.
 *
 * A value the seeds do not give is never defaulted here: it is a PARAMETER that must be configured
 * as a version; until it is, `standardOn` throws `ASSIST_NO_STANDARD`.
 */
import type { ProgramType } from '@minzheng/contracts';
import { assertIsoDate, type IsoDate } from './dates.js';
import { AssistanceError, assertNonEmpty, assertOneOf } from './errors.js';
import { PERMILLE, assertFen, assertIntegerAtLeast, mulDivHalfUp } from './money.js';

/** The programs of this service, as on the wire (`mz.common.ProgramType`). */
export const ASSISTANCE_PROGRAMS = ['DIBAO', 'LOW_INCOME', 'TEKUN', 'TEMPORARY_AID', 'EXPENDITURE_HARDSHIP'] as const satisfies readonly ProgramType[];
export type AssistanceProgram = (typeof ASSISTANCE_PROGRAMS)[number];

const REGION_CODE = /^(?:\d{6}|\d{9}|\d{12})$/u;

/** Requires a region code of 6 (city/county), 9 (镇街) or 12 (村居) digits; `ASSIST_INVALID_REGION_CODE` otherwise. */
export function assertRegionCode(value: string, field: string): void {
  if (!REGION_CODE.test(value)) {
    throw new AssistanceError('ASSIST_INVALID_REGION_CODE', `区划代码无效 (${field} must be 6, 9 or 12 digits)`, {
      field,
      rule: 'must be a region code of 6, 9 or 12 digits',
      value,
    });
  }
}

interface StandardVersionFields {
  /** Stable id, cited by every amount computed with this version, e.g. `DIBAO-442000-2021-01-01`. */
  readonly id: string;
  /** Region code prefix the version applies to: 6 digits city-wide, 9 digits one 镇街, 12 one 村居. */
  readonly regionCode: string;
  /** First day the version applies (`YYYY-MM-DD`); it applies until the next version of its series. */
  readonly effectiveFrom: IsoDate;
  /** Where the value comes from (seed tag, policy document), free text for people. */
  readonly source?: string;
}

/** 分类救助金 configuration: monthly amount per member by category, and how categories combine. */
export interface CategoricalSupplementConfig {
  /** Category (e.g. a disability or age category the city defines) → monthly fen per member. */
  readonly amountsFen: Readonly<Record<string, number>>;
  /** A member in several categories gets the HIGHEST single amount, or the SUM of all. */
  readonly stacking: 'HIGHEST' | 'SUM';
}

/** 低保 standard (R-E1). */
export interface DibaoStandardVersion extends StandardVersionFields {
  readonly program: 'DIBAO';
  /** 低保标准: monthly standard per person, in fen. */
  readonly monthlyStandardFen: number;
  /** 分类救助金; `null` when none is configured (then no supplement is paid). PARAMETER: the seeds give no amounts. */
  readonly categoricalSupplements: CategoricalSupplementConfig | null;
}

/** 低收入 band (R-E2): upper limit = multiplier × the 低保 standard in force. */
export interface LowIncomeStandardVersion extends StandardVersionFields {
  readonly program: 'LOW_INCOME';
  /** Upper limit of the low-income band as a multiple of the 低保 standard, in permille (1500 = 1.5×). */
  readonly lowIncomeMultiplierPermille: number;
}

/** 特困 basic-living standard (R-E4). */
export interface TekunStandardVersion extends StandardVersionFields {
  readonly program: 'TEKUN';
  /** 特困基本生活标准: monthly standard per person, in fen. */
  readonly monthlyStandardFen: number;
}

/** 临时救助 parameters (R-E6). */
export interface TemporaryAidStandardVersion extends StandardVersionFields {
  readonly program: 'TEMPORARY_AID';
  /**
   * Minimum ordinary temporary aid per person per case (每人次) granted at 镇街 level, as a
   * multiple of the monthly 低保 standard, in permille (2000 = 2 months). `null` = this region has
   * no such floor (configured explicitly).
   */
  readonly temporaryAidFloorPermille: number | null;
}

/** 支出型困难 parameters (R-E5). */
export interface ExpenditureHardshipStandardVersion extends StandardVersionFields {
  readonly program: 'EXPENDITURE_HARDSHIP';
  /** k: rigid expenditure ≥ k × annual disposable income, in permille. PARAMETER: the seeds give no value. */
  readonly rigidExpenditureRatioPermille: number;
}

export type StandardVersion =
  | DibaoStandardVersion
  | LowIncomeStandardVersion
  | TekunStandardVersion
  | TemporaryAidStandardVersion
  | ExpenditureHardshipStandardVersion;

/** The version type of one program. */
export type StandardVersionOf<P extends AssistanceProgram> = Extract<StandardVersion, { program: P }>;

/** The conventional id of a version: `PROGRAM-REGION-EFFECTIVEFROM`, e.g. `DIBAO-442000-2021-01-01`. */
export function standardVersionId(program: AssistanceProgram, regionCode: string, effectiveFrom: IsoDate): string {
  return `${program}-${regionCode}-${effectiveFrom}`;
}

function isOfProgram<P extends AssistanceProgram>(program: P): (version: StandardVersion) => version is StandardVersionOf<P> {
  return (version): version is StandardVersionOf<P> => version.program === program;
}

/**
 * The version of `program` in force for `regionCode` on `date`: the most specific region prefix
 * first, then the latest `effectiveFrom` on or before `date`. Throws `ASSIST_NO_STANDARD` when
 * none is in force (also the way an unconfigured PARAMETER surfaces).
 */
export function standardOn<P extends AssistanceProgram>(
  versions: readonly StandardVersion[],
  program: P,
  regionCode: string,
  date: IsoDate,
): StandardVersionOf<P> {
  assertOneOf<AssistanceProgram>(program, ASSISTANCE_PROGRAMS, 'program');
  assertRegionCode(regionCode, 'regionCode');
  assertIsoDate(date, 'date');
  let best: StandardVersionOf<P> | undefined;
  for (const version of versions.filter(isOfProgram(program))) {
    if (!regionCode.startsWith(version.regionCode) || version.effectiveFrom > date) continue;
    if (
      best === undefined ||
      version.regionCode.length > best.regionCode.length ||
      (version.regionCode.length === best.regionCode.length && version.effectiveFrom > best.effectiveFrom)
    ) {
      best = version;
    }
  }
  if (best === undefined) {
    throw new AssistanceError('ASSIST_NO_STANDARD', `无适用标准 (no ${program} standard in force for region ${regionCode} on ${date})`, {
      field: 'program',
      rule: 'a standard version must be in force for the program, region and date',
      program,
      regionCode,
      date,
    });
  }
  return best;
}

function validateSupplements(config: CategoricalSupplementConfig, field: string): void {
  assertOneOf(config.stacking, ['HIGHEST', 'SUM'], `${field}.stacking`);
  for (const [category, amount] of Object.entries(config.amountsFen)) {
    assertNonEmpty(category, `${field}.amountsFen`);
    assertFen(amount, `${field}.amountsFen.${category}`);
  }
}

/** Checks the values of one version on its own (no comparison with other versions). */
function validateValues(version: StandardVersion): void {
  assertOneOf<AssistanceProgram>(version.program, ASSISTANCE_PROGRAMS, 'program');
  assertNonEmpty(version.id, 'id');
  assertRegionCode(version.regionCode, 'regionCode');
  assertIsoDate(version.effectiveFrom, 'effectiveFrom');
  switch (version.program) {
    case 'DIBAO':
      assertFen(version.monthlyStandardFen, 'monthlyStandardFen');
      if (version.categoricalSupplements !== null) validateSupplements(version.categoricalSupplements, 'categoricalSupplements');
      return;
    case 'LOW_INCOME':
      // Below 1× the band (低保 standard, limit] would be empty.
      assertIntegerAtLeast(version.lowIncomeMultiplierPermille, PERMILLE, 'lowIncomeMultiplierPermille');
      return;
    case 'TEKUN':
      assertFen(version.monthlyStandardFen, 'monthlyStandardFen');
      return;
    case 'TEMPORARY_AID':
      if (version.temporaryAidFloorPermille !== null) assertIntegerAtLeast(version.temporaryAidFloorPermille, 0, 'temporaryAidFloorPermille');
      return;
    case 'EXPENDITURE_HARDSHIP':
      // k = 0 would make every household with any rigid expenditure qualify.
      assertIntegerAtLeast(version.rigidExpenditureRatioPermille, 1, 'rigidExpenditureRatioPermille');
      return;
  }
}

/**
 * Validates a new version against the versions that already exist: values well formed (no
 * negative amount, real date, region code), and no other version with the same id or the same
 * program + region + effectiveFrom (`ASSIST_STANDARD_OVERLAP`). Returns the version.
 */
export function validateStandardVersion(candidate: StandardVersion, existing: readonly StandardVersion[]): StandardVersion {
  validateValues(candidate);
  for (const other of existing) {
    if (other.id === candidate.id) {
      throw new AssistanceError('ASSIST_STANDARD_OVERLAP', `标准版本编号重复 (a standard version with id ${candidate.id} already exists)`, {
        field: 'id',
        rule: 'the version id must be unique',
        id: candidate.id,
      });
    }
    if (other.program === candidate.program && other.regionCode === candidate.regionCode && other.effectiveFrom === candidate.effectiveFrom) {
      throw new AssistanceError(
        'ASSIST_STANDARD_OVERLAP',
        `标准版本重复 (${candidate.program} for region ${candidate.regionCode} effective ${candidate.effectiveFrom} already exists as ${other.id})`,
        {
          field: 'effectiveFrom',
          rule: 'at most one version per program, region and effectiveFrom',
          program: candidate.program,
          regionCode: candidate.regionCode,
          effectiveFrom: candidate.effectiveFrom,
          existingId: other.id,
        },
      );
    }
  }
  return candidate;
}

/** Validates a whole set, each version against those before it. Returns the set. */
export function validateStandardSet(versions: readonly StandardVersion[]): readonly StandardVersion[] {
  versions.forEach((version, index) => validateStandardVersion(version, versions.slice(0, index)));
  return versions;
}

/** The 低收入 upper limit in force, with both versions it was derived from. */
export interface LowIncomeUpperLimit {
  /** 1× the 低保 standard: the lower edge of the band (a per-capita income at or above it is not 低保). */
  readonly dibaoStandardFen: number;
  readonly lowIncomeMultiplierPermille: number;
  /** multiplier × 低保 standard, rounded half up to the fen; the band includes it. */
  readonly upperLimitFen: number;
  readonly dibaoStandardVersionId: string;
  readonly lowIncomeStandardVersionId: string;
}

/** 低收入 upper limit for a region and date = multiplier × 低保 standard (R-E2), rounded half up to the fen. */
export function lowIncomeUpperLimit(versions: readonly StandardVersion[], regionCode: string, date: IsoDate): LowIncomeUpperLimit {
  const dibao = standardOn(versions, 'DIBAO', regionCode, date);
  const lowIncome = standardOn(versions, 'LOW_INCOME', regionCode, date);
  return {
    dibaoStandardFen: dibao.monthlyStandardFen,
    lowIncomeMultiplierPermille: lowIncome.lowIncomeMultiplierPermille,
    upperLimitFen: mulDivHalfUp(dibao.monthlyStandardFen, lowIncome.lowIncomeMultiplierPermille, PERMILLE),
    dibaoStandardVersionId: dibao.id,
    lowIncomeStandardVersionId: lowIncome.id,
  };
}

/** Zhongshan (中山市), code 442000: no county level, so 6 digits is the whole city. */
export const ZHONGSHAN_REGION_CODE = '442000';

const ZHONGSHAN_DIBAO_SOURCE = '[004] 2014; [000] 2016 and 2020; [001] 2021';

/**
 * The Zhongshan values the seeds give (DOMAIN.md §1.1, R-E1, R-E2, R-E4, R-E6).
 *
 * ASSUMPTION: the seeds give years, not effective dates; every version here takes effect on
 * 1 January of its year. (The 2014 raise from 480 to 533 yuan happened during 2014 [004]; its
 * exact date is not in the seeds.) Targets ("2022 ≥ 1,150", "2025 ≥ 1,250") are not standards
 * and are not listed. No EXPENDITURE_HARDSHIP version exists: k is a PARAMETER the seeds do not
 * give, so `standardOn(..., 'EXPENDITURE_HARDSHIP', ...)` throws `ASSIST_NO_STANDARD` until a
 * version is configured.
 */
export const zhongshanStandards: readonly StandardVersion[] = validateStandardSet([
  ...([
    ['2014-01-01', 53_300], // 533 yuan [004]
    ['2016-01-01', 62_900], // 629 yuan [000]
    ['2020-01-01', 110_000], // 1,100 yuan [000]
    ['2021-01-01', 112_000], // 1,120 yuan [001]
  ] as const).map(
    ([effectiveFrom, monthlyStandardFen]): DibaoStandardVersion => ({
      id: standardVersionId('DIBAO', ZHONGSHAN_REGION_CODE, effectiveFrom),
      program: 'DIBAO',
      regionCode: ZHONGSHAN_REGION_CODE,
      effectiveFrom,
      monthlyStandardFen,
      // PARAMETER: not in the seeds. [000] names 分类救助金 but gives no category or amount.
      categoricalSupplements: null,
      source: ZHONGSHAN_DIBAO_SOURCE,
    }),
  ),
  ...([
    ['2016-01-01', 122_000], // 1,220 yuan [000]
    ['2020-01-01', 176_000], // 1,760 yuan [000]
  ] as const).map(
    ([effectiveFrom, monthlyStandardFen]): TekunStandardVersion => ({
      id: standardVersionId('TEKUN', ZHONGSHAN_REGION_CODE, effectiveFrom),
      program: 'TEKUN',
      regionCode: ZHONGSHAN_REGION_CODE,
      effectiveFrom,
      monthlyStandardFen,
      source: '[000]',
    }),
  ),
  {
    id: standardVersionId('LOW_INCOME', ZHONGSHAN_REGION_CODE, '2020-01-01'),
    program: 'LOW_INCOME',
    regionCode: ZHONGSHAN_REGION_CODE,
    effectiveFrom: '2020-01-01',
    // 1.5×: the 2020 band 1,101-1,650 yuan over the 低保 standard of 1,100 [000] (implied, R-E2).
    lowIncomeMultiplierPermille: 1_500,
    source: '[000] implied: 1,650 / 1,100',
  },
  {
    id: standardVersionId('TEMPORARY_AID', ZHONGSHAN_REGION_CODE, '2018-01-01'),
    program: 'TEMPORARY_AID',
    regionCode: ZHONGSHAN_REGION_CODE,
    effectiveFrom: '2018-01-01',
    // "每人次不低于2个月低保标准" since 2018 [000] (R-E6).
    temporaryAidFloorPermille: 2_000,
    source: '[000]',
  },
]);
