/**
 * Aid parameters (帮扶标准参数): the most a person may receive of one aid kind in one calendar
 * year, versioned by region and effective date. The only values the seeds give are the education
 * aid amounts of Zhongshan's 教育帮扶中心, per student per year for students from specially
 * difficult families (R-E12, [000]): university 8,000, senior high 3,000, junior high 1,000 yuan.
 *
 * Major-illness (大病, R-E20) and dangerous-housing (危房改造) aid amounts are not in the seeds:
 * PARAMETER — no cap applies until an admin publishes a version for them.
 *
 * ASSUMPTION: the seed names the 14th five-year plan (2021-2025), not a day; 1 January 2021 is
 * taken as the start, and the year counted is the calendar year of the disbursement date (the
 * seed says "per year" without naming school or calendar year).
 */
import type { CharityAidKind } from '@minzheng/contracts';

export const EDUCATION_LEVELS = ['UNIVERSITY', 'SENIOR_HIGH', 'JUNIOR_HIGH'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export interface AidParameterVersion {
  readonly id: string;
  readonly aidKind: CharityAidKind;
  /** Only for EDUCATION: the school level the cap is for. */
  readonly educationLevel: EducationLevel | null;
  /** Region-code prefix the version applies to (6, 9 or 12 digits). */
  readonly regionCode: string;
  readonly effectiveFrom: string;
  /** Most a person may receive of this aid in one calendar year, in fen. */
  readonly annualCapFen: number;
  /** Where the number comes from (a seed tag, or who configured it). */
  readonly source: string;
}

export const parameterId = (version: Pick<AidParameterVersion, 'aidKind' | 'educationLevel' | 'regionCode' | 'effectiveFrom'>): string =>
  `${version.aidKind}|${version.educationLevel ?? '-'}|${version.regionCode}|${version.effectiveFrom}`;

const seed = (educationLevel: EducationLevel, yuan: number): AidParameterVersion => {
  const version = { aidKind: 'EDUCATION' as const, educationLevel, regionCode: '442000', effectiveFrom: '2021-01-01' };
  return { ...version, id: parameterId(version), annualCapFen: yuan * 100, source: 'R-E12 [000] 中山市民政事业发展"十四五"规划' };
};

/** The seeded versions (R-E12 / [000]). */
export const SEED_AID_PARAMETERS: readonly AidParameterVersion[] = Object.freeze([
  seed('UNIVERSITY', 8_000),
  seed('SENIOR_HIGH', 3_000),
  seed('JUNIOR_HIGH', 1_000),
]);

/**
 * The version in force for a kind (and level) in a region on a date: the most specific region
 * first, then the latest `effectiveFrom` on or before the date; undefined when none is configured.
 */
export function parameterInForce(
  versions: readonly AidParameterVersion[],
  aidKind: CharityAidKind,
  educationLevel: EducationLevel | null,
  regionCode: string,
  date: string,
): AidParameterVersion | undefined {
  const candidates = versions.filter((version) => version.aidKind === aidKind && version.educationLevel === educationLevel && regionCode.startsWith(version.regionCode) && version.effectiveFrom <= date);
  return candidates.sort((a, b) => b.regionCode.length - a.regionCode.length || (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0))[0];
}
