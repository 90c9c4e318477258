/**
 * Income-based eligibility (R-E1 低保, R-E2 低收入) and the expenditure-hardship test (R-E5).
 *
 * Per-capita monthly income (人均收入) = total monthly income of the counted members ÷ their number,
 * ROUNDED HALF UP TO THE FEN. That rounded figure is THE per-capita income: it is what is compared
 * with the standards and what the gap payment is computed from, so every number a caseworker sees
 * reproduces the decision. Counted members: see `countedMembersOn` (members on the date who live
 * together with the household).
 *
 * Bands, on the rounded per-capita income `i`, the 低保 standard `s` and the low-income upper
 * limit `u` = multiplier × `s`:
 * - `DIBAO` when `i < s` (R-E1 says "<"; at `i = s` the gap would be zero).
 * - `LOW_INCOME` when `s ≤ i ≤ u`. R-E2 writes the lower edge as "低保 < income" and the seed band
 *   as whole yuan "1,101-1,650" over a standard of 1,100. Read literally, an income of exactly the
 *   standard (or 1,100.50 yuan) would fall in no band; we read R-E2's lower edge as "not 低保",
 *   i.e. `i ≥ s`, which covers the fen between 1,100 and 1,101 and the standard itself. The upper
 *   edge is inclusive (R-E2 "≤", seed "…-1,650").
 * - `NONE` when `i > u`.
 * Note: DOMAIN.md §8 rule 7 (detection) words the 低保 candidate as "≤ 低保"; this service decides
 * on R-E1's "<". A flag raised at exactly the standard would be classified LOW_INCOME here.
 */
import type { RigidExpenditureKind } from '@minzheng/contracts';
import { assertIsoDate, type IsoDate } from './dates.js';
import { AssistanceError, assertOneOf } from './errors.js';
import { countedMembersOn, validateHouseholdComposition, type HouseholdComposition } from './household.js';
import { PERMILLE, ROUNDING_RULE, assertFen, mulDivHalfUp, productAtLeast, sumFen, type RoundingRule } from './money.js';
import { lowIncomeUpperLimit, standardOn, type StandardVersion } from './standards.js';

/** The income band of a household. */
export type IncomeBand = 'DIBAO' | 'LOW_INCOME' | 'NONE';

export interface PerCapitaIncome {
  readonly date: IsoDate;
  /** Person keys of the counted members (living together, members on the date). */
  readonly countedPersonKeys: readonly string[];
  readonly totalMonthlyIncomeFen: number;
  /** total ÷ counted members, rounded half up to the fen. */
  readonly perCapitaIncomeFen: number;
  readonly rounding: RoundingRule;
}

/**
 * Per-capita monthly income of a household on `date`, from the recorded monthly income of each
 * counted member (see the module comment for the rounding rule). Throws `ASSIST_HOUSEHOLD_EMPTY`
 * when nobody is counted on the date, and `ASSIST_NEGATIVE_AMOUNT` / `ASSIST_INVALID_INPUT` for a
 * bad income (`members.<i>.monthlyIncomeFen`).
 */
export function perCapitaIncome(household: HouseholdComposition, date: IsoDate): PerCapitaIncome {
  assertIsoDate(date, 'date');
  // Also checks every recorded income: an integer number of fen, not negative (members.<i>.monthlyIncomeFen).
  validateHouseholdComposition(household);
  const counted = countedMembersOn(household, date);
  if (counted.length === 0) {
    throw new AssistanceError('ASSIST_HOUSEHOLD_EMPTY', `无共同生活成员 (no member lives with the household on ${date})`, {
      field: 'members',
      rule: 'at least one member living together is needed to compute per-capita income',
      date,
    });
  }
  const totalMonthlyIncomeFen = sumFen(counted.map((member) => member.monthlyIncomeFen));
  return {
    date,
    countedPersonKeys: counted.map((member) => member.personKey),
    totalMonthlyIncomeFen,
    perCapitaIncomeFen: mulDivHalfUp(totalMonthlyIncomeFen, 1, counted.length),
    rounding: ROUNDING_RULE,
  };
}

export interface IncomeClassification {
  readonly band: IncomeBand;
  readonly perCapitaIncomeFen: number;
  readonly dibaoStandardFen: number;
  readonly dibaoStandardVersionId: string;
  /** Present when the income is at or above the 低保 standard (the limit was needed to decide). */
  readonly lowIncomeUpperLimitFen: number | null;
  readonly lowIncomeStandardVersionId: string | null;
}

/**
 * Classifies a per-capita monthly income against the standards in force for the region and date
 * (R-E1, R-E2; edges in the module comment). The low-income version is looked up only when the
 * income is at or above the 低保 standard, so a 低保 decision does not need a multiplier to be
 * configured. Throws `ASSIST_NO_STANDARD` when a needed version is missing.
 */
export function classifyIncome(
  versions: readonly StandardVersion[],
  input: { readonly regionCode: string; readonly date: IsoDate; readonly perCapitaIncomeFen: number },
): IncomeClassification {
  assertFen(input.perCapitaIncomeFen, 'perCapitaIncomeFen');
  const dibao = standardOn(versions, 'DIBAO', input.regionCode, input.date);
  const base = { perCapitaIncomeFen: input.perCapitaIncomeFen, dibaoStandardFen: dibao.monthlyStandardFen, dibaoStandardVersionId: dibao.id };
  if (input.perCapitaIncomeFen < dibao.monthlyStandardFen) {
    return { ...base, band: 'DIBAO', lowIncomeUpperLimitFen: null, lowIncomeStandardVersionId: null };
  }
  const limit = lowIncomeUpperLimit(versions, input.regionCode, input.date);
  return {
    ...base,
    band: input.perCapitaIncomeFen <= limit.upperLimitFen ? 'LOW_INCOME' : 'NONE',
    lowIncomeUpperLimitFen: limit.upperLimitFen,
    lowIncomeStandardVersionId: limit.lowIncomeStandardVersionId,
  };
}

/** Per-capita income and band of a household in one step. */
export function assessHouseholdIncome(
  versions: readonly StandardVersion[],
  input: { readonly household: HouseholdComposition; readonly regionCode: string; readonly date: IsoDate },
): PerCapitaIncome & IncomeClassification {
  const income = perCapitaIncome(input.household, input.date);
  return { ...income, ...classifyIncome(versions, { regionCode: input.regionCode, date: input.date, perCapitaIncomeFen: income.perCapitaIncomeFen }) };
}

/** The kinds of rigid expenditure R-E5 names; `OTHER` is reported but does not count. */
export const RIGID_EXPENDITURE_KINDS_COUNTED = [
  'MEDICAL',
  'EDUCATION',
  'DISABILITY_REHABILITATION',
  'DISASTER',
  'ACCIDENT',
] as const satisfies readonly RigidExpenditureKind[];
const ALL_RIGID_EXPENDITURE_KINDS: readonly RigidExpenditureKind[] = [...RIGID_EXPENDITURE_KINDS_COUNTED, 'OTHER'];

export interface ExpenditureHardshipInput {
  readonly regionCode: string;
  readonly date: IsoDate;
  /** 家庭年可支配总收入: household disposable income over the 12-month check period, in fen. */
  readonly annualDisposableIncomeFen: number;
  /** Rigid expenditure over the same period, by kind (as in `EconomicCheckCompleted.rigidExpenditures`). */
  readonly rigidExpenditures: readonly { readonly kind: RigidExpenditureKind; readonly amountFen: number }[];
}

export interface ExpenditureHardshipAssessment {
  readonly qualifies: boolean;
  /** Sum of the counted kinds (medical, education, disability rehabilitation, disaster, accident). */
  readonly rigidExpenditureFen: number;
  /** Sum of `OTHER` entries, which R-E5 does not name and which therefore do not count. */
  readonly excludedExpenditureFen: number;
  readonly annualDisposableIncomeFen: number;
  readonly rigidExpenditureRatioPermille: number;
  /** k × annual income rounded half up, for display; the decision itself is the exact comparison. */
  readonly thresholdFen: number;
  readonly standardVersionId: string;
}

/**
 * 支出型困难 test (R-E5): counted rigid expenditure ≥ k × annual disposable income, compared
 * exactly on integers (no rounding), with k from the EXPENDITURE_HARDSHIP version in force
 * (PARAMETER: not in the seeds; `ASSIST_NO_STANDARD` until configured). A household with no
 * counted rigid expenditure never qualifies (the hardship must come from expenditure; with zero
 * income and zero expenditure it is income-type hardship, tested by `classifyIncome`).
 */
export function assessExpenditureHardship(versions: readonly StandardVersion[], input: ExpenditureHardshipInput): ExpenditureHardshipAssessment {
  assertFen(input.annualDisposableIncomeFen, 'annualDisposableIncomeFen');
  input.rigidExpenditures.forEach((entry, index) => {
    assertOneOf(entry.kind, ALL_RIGID_EXPENDITURE_KINDS, `rigidExpenditures.${index}.kind`);
    assertFen(entry.amountFen, `rigidExpenditures.${index}.amountFen`);
  });
  const version = standardOn(versions, 'EXPENDITURE_HARDSHIP', input.regionCode, input.date);
  const counted = input.rigidExpenditures.filter((entry) => entry.kind !== 'OTHER').map((entry) => entry.amountFen);
  const excluded = input.rigidExpenditures.filter((entry) => entry.kind === 'OTHER').map((entry) => entry.amountFen);
  const rigidExpenditureFen = sumFen(counted);
  const k = version.rigidExpenditureRatioPermille;
  return {
    qualifies: rigidExpenditureFen > 0 && productAtLeast(rigidExpenditureFen, PERMILLE, k, input.annualDisposableIncomeFen),
    rigidExpenditureFen,
    excludedExpenditureFen: sumFen(excluded),
    annualDisposableIncomeFen: input.annualDisposableIncomeFen,
    rigidExpenditureRatioPermille: k,
    thresholdFen: mulDivHalfUp(input.annualDisposableIncomeFen, k, PERMILLE),
    standardVersionId: version.id,
  };
}
