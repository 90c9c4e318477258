/**
 * 高龄津贴 (advanced-age allowance, R-E10): hukou elders aged 80 and over get it without applying
 * (免申可领). The seeds give the range, 100-500 yuan a month for 80+ ([000]), but NOT the age tiers:
 * the tier table is a PARAMETER, versioned by region and effective date, and every grant records
 * the version it used.
 *
 * The default table below is DEMO DATA, chosen inside the seed range: it is not policy. Replace it
 * through configuration (`MZ_AGE_ALLOWANCE_TIERS`, see README) with the tiers a city publishes.
 */
import { ageOn } from '@minzheng/identity/resident-id';
import { birthdayAt, laterOf } from './dates.js';
import { ElderError, invalidInput } from './errors.js';

/** The seed's range for any 80+ tier, in fen a month ([000]: "月入100元到500元不等"). */
export const SEED_MONTHLY_RANGE_FEN = { min: 10_000, max: 50_000 } as const;
/** The seed's entry age (R-E10: age ≥ 80). */
export const SEED_ENTRY_AGE = 80;

export interface AgeTier {
  /** Cited by grants as `tierId`, e.g. `AGE-80-89`. */
  readonly tierId: string;
  /** Inclusive lower bound, in whole years. */
  readonly minAge: number;
  /** Inclusive upper bound; null when open-ended. */
  readonly maxAge: number | null;
  readonly monthlyAmountFen: number;
}

export interface AgeAllowanceTable {
  readonly versionId: string;
  /** 6, 9 or 12-digit region code the version applies to (and every region under it). */
  readonly regionCode: string;
  readonly effectiveFrom: string;
  /** True for demo values that are NOT policy (the default table). */
  readonly demo: boolean;
  readonly sourceDocument: string;
  readonly tiers: readonly AgeTier[];
}

/**
 * PARAMETER — DEMO VALUES, NOT POLICY. Three tiers inside the seed range 100-500 yuan; the seeds
 * give no age bands. 2018 is when the seed says the allowance was raised; 1 January is assumed.
 */
export const DEMO_AGE_ALLOWANCE_TABLES: readonly AgeAllowanceTable[] = [
  {
    versionId: 'DEMO-GLJT-442000-2018-v1',
    regionCode: '442000',
    effectiveFrom: '2018-01-01',
    demo: true,
    sourceDocument: 'DEMO 演示参数，非政策 (demo tiers inside the seed range 100-500 yuan/month; DOMAIN.md §1.2 [000])',
    tiers: [
      { tierId: 'AGE-80-89', minAge: 80, maxAge: 89, monthlyAmountFen: 10_000 },
      { tierId: 'AGE-90-99', minAge: 90, maxAge: 99, monthlyAmountFen: 30_000 },
      { tierId: 'AGE-100-PLUS', minAge: 100, maxAge: null, monthlyAmountFen: 50_000 },
    ],
  },
];

/**
 * Checks a table: tiers ordered, not overlapping, starting at 80 or later, amounts whole fen inside
 * the seed range. Throws ELDER_INVALID_INPUT naming the field (`tables.0.tiers.1.maxAge`).
 */
export function checkAgeAllowanceTables(tables: readonly AgeAllowanceTable[]): void {
  const ids = new Set<string>();
  tables.forEach((table, t) => {
    const at = `tables.${t}`;
    if (table.versionId.trim() === '') throw invalidInput(`${at}.versionId`, 'must not be empty');
    if (ids.has(table.versionId)) throw invalidInput(`${at}.versionId`, 'must be unique');
    ids.add(table.versionId);
    if (!/^\d{6}(\d{3}(\d{3})?)?$/u.test(table.regionCode)) throw invalidInput(`${at}.regionCode`, 'must be 6, 9 or 12 digits');
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(table.effectiveFrom)) throw invalidInput(`${at}.effectiveFrom`, 'must be YYYY-MM-DD');
    if (table.tiers.length === 0) throw invalidInput(`${at}.tiers`, 'must list at least one tier');
    let previousMax: number | null = SEED_ENTRY_AGE - 1;
    table.tiers.forEach((tier, i) => {
      const field = `${at}.tiers.${i}`;
      if (tier.tierId.trim() === '') throw invalidInput(`${field}.tierId`, 'must not be empty');
      if (!Number.isInteger(tier.minAge) || tier.minAge < SEED_ENTRY_AGE) throw invalidInput(`${field}.minAge`, `must be a whole age of at least ${SEED_ENTRY_AGE} (R-E10)`);
      if (previousMax === null || tier.minAge <= previousMax) throw invalidInput(`${field}.minAge`, 'tiers must be in ascending order without overlap');
      if (tier.maxAge !== null && (!Number.isInteger(tier.maxAge) || tier.maxAge < tier.minAge)) throw invalidInput(`${field}.maxAge`, 'must be a whole age not below minAge, or null');
      if (!Number.isInteger(tier.monthlyAmountFen) || tier.monthlyAmountFen < SEED_MONTHLY_RANGE_FEN.min || tier.monthlyAmountFen > SEED_MONTHLY_RANGE_FEN.max) {
        throw invalidInput(`${field}.monthlyAmountFen`, `must be whole fen within the seed range ${SEED_MONTHLY_RANGE_FEN.min}-${SEED_MONTHLY_RANGE_FEN.max} (100-500 yuan/month)`);
      }
      previousMax = tier.maxAge;
    });
  });
}

/**
 * The version in force for a region on a date: the most specific region first (the longest
 * matching prefix), then the latest `effectiveFrom` on or before the date.
 */
export function tableInForce<T extends { readonly regionCode: string; readonly effectiveFrom: string }>(tables: readonly T[], regionCode: string, date: string): T | undefined {
  let best: T | undefined;
  for (const table of tables) {
    if (!regionCode.startsWith(table.regionCode) || table.effectiveFrom > date) continue;
    if (best === undefined || table.regionCode.length > best.regionCode.length || (table.regionCode.length === best.regionCode.length && table.effectiveFrom > best.effectiveFrom)) best = table;
  }
  return best;
}

export interface AllowanceEntitlement {
  readonly versionId: string;
  readonly tier: AgeTier;
  /** The day the elder reached the tier's lower bound. */
  readonly reachedOn: string;
  /** First day paid: the later of reaching the tier and entering the registry (ASSUMPTION, see README). */
  readonly startDate: string;
}

/**
 * The tier a hukou elder is entitled to on `date`, or null (not hukou, or under the first tier).
 * `ELDER_NO_STANDARD` when no table is in force for the region on that date.
 */
export function allowanceEntitlement(
  tables: readonly AgeAllowanceTable[],
  elder: { readonly regionCode: string; readonly birthDate: string; readonly hukouResident: boolean; readonly registeredOn: string },
  date: string,
): AllowanceEntitlement | null {
  if (!elder.hukouResident || date < elder.birthDate) return null;
  const table = tableInForce(tables, elder.regionCode, date);
  if (!table) {
    throw new ElderError('ELDER_NO_STANDARD', `无适用的高龄津贴档次表 (no advanced-age allowance tier table in force for ${elder.regionCode} on ${date})`, { rule: 'a tier table version must be in force', regionCode: elder.regionCode, date });
  }
  const age = ageOn(elder.birthDate, date);
  const tier = table.tiers.find((candidate) => age >= candidate.minAge && (candidate.maxAge === null || age <= candidate.maxAge));
  if (!tier) return null;
  const reachedOn = birthdayAt(elder.birthDate, tier.minAge);
  return { versionId: table.versionId, tier, reachedOn, startDate: laterOf(reachedOn, elder.registeredOn) };
}

/** The deterministic grant id: one grant per elder and tier, whatever runs how often. */
export const grantIdOf = (elderId: string, tierId: string): string => `GLJT-${elderId}-${tierId}`;
