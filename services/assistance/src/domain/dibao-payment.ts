/**
 * Benefit amounts: the monthly 低保 gap payment with categorical supplements (R-E1), the floor of
 * ordinary town-level temporary aid (R-E6), and the 特困 monthly amount (R-E4). Every result names
 * the standard version(s) it used.
 */
import type { TemporaryAidGrade, TemporaryAidType } from '@minzheng/contracts';
import type { IsoDate } from './dates.js';
import { perCapitaIncome } from './eligibility.js';
import { AssistanceError, assertNonEmpty, assertOneOf, invalidInput } from './errors.js';
import { countedMembersOn, type HouseholdComposition, type HouseholdMember } from './household.js';
import { PERMILLE, ROUNDING_RULE, assertFen, mulDivHalfUp, mulFen, sumFen, type RoundingRule } from './money.js';
import { standardOn, type CategoricalSupplementConfig, type StandardVersion } from './standards.js';

/** 临时救助类型, as on the wire: 急难型, 支出型, other. */
export const TEMPORARY_AID_TYPES = ['EMERGENCY', 'EXPENDITURE', 'OTHER'] as const satisfies readonly TemporaryAidType[];
/** 临时救助档次, as on the wire: 普通, 小额, 特殊, other (R-E8; amounts are PARAMETERS). */
export const TEMPORARY_AID_GRADES = ['ORDINARY', 'SMALL_AMOUNT', 'SPECIAL', 'OTHER'] as const satisfies readonly TemporaryAidGrade[];
export type { TemporaryAidGrade, TemporaryAidType };

export interface DibaoGapPaymentInput {
  readonly household: HouseholdComposition;
  readonly regionCode: string;
  /** The date the amount is computed for (normally the first day of the month paid or the decision date). */
  readonly date: IsoDate;
  /**
   * The members the benefit covers (保障人数). Default: every counted member (living together on
   * the date). When given, a non-empty subset of the counted members.
   */
  readonly coveredPersonKeys?: readonly string[];
}

/** One categorical supplement paid for one member. */
export interface CategoricalSupplementLine {
  readonly personKey: string;
  readonly category: string;
  readonly amountFen: number;
}

export interface DibaoGapPayment {
  /** The 低保 version the whole amount was computed with. */
  readonly standardVersionId: string;
  readonly regionCode: string;
  readonly date: IsoDate;
  readonly monthlyStandardFen: number;
  readonly totalMonthlyIncomeFen: number;
  readonly countedPersonKeys: readonly string[];
  /** Rounded half up to the fen (see `perCapitaIncome`). */
  readonly perCapitaIncomeFen: number;
  readonly coveredPersonKeys: readonly string[];
  /** True when per-capita income < standard (R-E1); otherwise there is no 低保 payment at all. */
  readonly belowStandard: boolean;
  /** standard − per-capita income, or 0 when not below the standard. */
  readonly gapPerPersonFen: number;
  /** 补差: gap per person × covered members. */
  readonly gapPaymentFen: number;
  readonly categoricalSupplements: readonly CategoricalSupplementLine[];
  /** 分类救助金 total. */
  readonly categoricalSupplementFen: number;
  /** Monthly amount for the household: gap payment + categorical supplements. */
  readonly monthlyAmountFen: number;
  readonly rounding: RoundingRule;
}

function supplementLines(member: HouseholdMember, config: CategoricalSupplementConfig | null): CategoricalSupplementLine[] {
  if (config === null) return [];
  const categories = [...new Set(member.supplementCategories ?? [])];
  const lines = categories.flatMap((category) => {
    const amountFen = config.amountsFen[category];
    return amountFen === undefined ? [] : [{ personKey: member.personKey, category, amountFen }];
  });
  if (config.stacking === 'SUM' || lines.length <= 1) return lines;
  const highest = lines.reduce((best, line) => (line.amountFen > best.amountFen ? line : best));
  return [highest];
}

function coveredMembers(counted: readonly HouseholdMember[], coveredPersonKeys: readonly string[] | undefined, date: IsoDate): readonly HouseholdMember[] {
  if (coveredPersonKeys === undefined) return counted;
  if (coveredPersonKeys.length === 0) throw invalidInput('coveredPersonKeys', 'must name at least one member when given');
  return coveredPersonKeys.map((personKey, index) => {
    const field = `coveredPersonKeys.${index}`;
    assertNonEmpty(personKey, field);
    if (coveredPersonKeys.indexOf(personKey) !== index) {
      throw new AssistanceError('ASSIST_MEMBER_DUPLICATE', `成员重复 (${field} repeats a covered member)`, { field, rule: 'each covered member is listed once' });
    }
    const member = counted.find((candidate) => candidate.personKey === personKey);
    if (member === undefined) {
      throw new AssistanceError('ASSIST_UNKNOWN_MEMBER', `保障成员不是共同生活成员 (${field} is not a member living with the household on ${date})`, {
        field,
        rule: 'covered members must be counted members (members living together on the date)',
        date,
      });
    }
    return member;
  });
}

/**
 * Monthly 低保 amount of a household (R-E1): (standard − per-capita income) × covered members
 * (补差) + categorical supplements of the covered members (分类救助金, amounts from the 低保 version;
 * zero when none is configured; a member in several categories gets the highest or the sum, as
 * the version says). When the per-capita income is not below the standard there is no 低保
 * payment: gap and supplements are both 0 (supplements are part of the 低保 benefit). Never
 * negative. Per-capita income is rounded half up to the fen before the subtraction, so
 * gap = (standard − rounded per-capita) × covered, with no further rounding.
 */
export function dibaoGapPayment(versions: readonly StandardVersion[], input: DibaoGapPaymentInput): DibaoGapPayment {
  const income = perCapitaIncome(input.household, input.date);
  const version = standardOn(versions, 'DIBAO', input.regionCode, input.date);
  const covered = coveredMembers(countedMembersOn(input.household, input.date), input.coveredPersonKeys, input.date);
  const belowStandard = income.perCapitaIncomeFen < version.monthlyStandardFen;
  const gapPerPersonFen = belowStandard ? version.monthlyStandardFen - income.perCapitaIncomeFen : 0;
  const gapPaymentFen = mulFen(gapPerPersonFen, covered.length);
  const categoricalSupplements = belowStandard ? covered.flatMap((member) => supplementLines(member, version.categoricalSupplements)) : [];
  const categoricalSupplementFen = sumFen(categoricalSupplements.map((line) => line.amountFen));
  return {
    standardVersionId: version.id,
    regionCode: input.regionCode,
    date: input.date,
    monthlyStandardFen: version.monthlyStandardFen,
    totalMonthlyIncomeFen: income.totalMonthlyIncomeFen,
    countedPersonKeys: income.countedPersonKeys,
    perCapitaIncomeFen: income.perCapitaIncomeFen,
    coveredPersonKeys: covered.map((member) => member.personKey),
    belowStandard,
    gapPerPersonFen,
    gapPaymentFen,
    categoricalSupplements,
    categoricalSupplementFen,
    monthlyAmountFen: sumFen([gapPaymentFen, categoricalSupplementFen]),
    rounding: ROUNDING_RULE,
  };
}

/** Who grants the temporary aid: a 镇街 (town / sub-district) or the city. */
export type GrantingLevel = 'TOWN' | 'CITY';

export interface TemporaryAidAmountInput {
  readonly regionCode: string;
  readonly date: IsoDate;
  readonly type: TemporaryAidType;
  readonly grade: TemporaryAidGrade;
  readonly grantingLevel: GrantingLevel;
  /** Amount for one person in this case (每人次), in fen; must be > 0. */
  readonly amountFen: number;
}

export interface TemporaryAidAmountCheck {
  readonly amountFen: number;
  /** True when a floor was configured and applied to this grant. */
  readonly floorApplies: boolean;
  /** floor multiple × 低保 standard, rounded half up to the fen; null when no floor applies. */
  readonly floorFen: number | null;
  readonly temporaryAidStandardVersionId: string | null;
  readonly dibaoStandardVersionId: string | null;
}

/**
 * Checks a temporary-aid amount (R-E6): ORDINARY (普通) aid granted at TOWN (镇街) level must be at
 * least the floor of the TEMPORARY_AID version in force (Zhongshan since 2018: 2 months of the
 * 低保 standard per person per case) → `ASSIST_TEMPORARY_AID_BELOW_FLOOR` otherwise. Other grades
 * (小额, 特殊, other) and city-level grants have no floor in the seeds (their amounts are PARAMETERS,
 * R-E8) and are only checked to be positive. The type (急难型/支出型) does not change the floor.
 */
export function checkTemporaryAidAmount(versions: readonly StandardVersion[], input: TemporaryAidAmountInput): TemporaryAidAmountCheck {
  assertOneOf(input.type, TEMPORARY_AID_TYPES, 'type');
  assertOneOf(input.grade, TEMPORARY_AID_GRADES, 'grade');
  assertOneOf<GrantingLevel>(input.grantingLevel, ['TOWN', 'CITY'], 'grantingLevel');
  assertFen(input.amountFen, 'amountFen');
  if (input.amountFen === 0) throw invalidInput('amountFen', 'must be greater than zero');
  const none = { amountFen: input.amountFen, floorApplies: false, floorFen: null, temporaryAidStandardVersionId: null, dibaoStandardVersionId: null };
  if (input.grantingLevel !== 'TOWN' || input.grade !== 'ORDINARY') return none;
  const parameters = standardOn(versions, 'TEMPORARY_AID', input.regionCode, input.date);
  if (parameters.temporaryAidFloorPermille === null) return { ...none, temporaryAidStandardVersionId: parameters.id };
  const dibao = standardOn(versions, 'DIBAO', input.regionCode, input.date);
  const floorFen = mulDivHalfUp(dibao.monthlyStandardFen, parameters.temporaryAidFloorPermille, PERMILLE);
  if (input.amountFen < floorFen) {
    throw new AssistanceError(
      'ASSIST_TEMPORARY_AID_BELOW_FLOOR',
      `临时救助金额低于最低标准 (amountFen ${input.amountFen} is below the town-level floor of ${floorFen} fen = ${parameters.temporaryAidFloorPermille}‰ of the 低保 standard)`,
      {
        field: 'amountFen',
        rule: 'ordinary temporary aid granted at town level must be at least the floor (R-E6)',
        amountFen: input.amountFen,
        floorFen,
        temporaryAidStandardVersionId: parameters.id,
        dibaoStandardVersionId: dibao.id,
      },
    );
  }
  return { amountFen: input.amountFen, floorApplies: true, floorFen, temporaryAidStandardVersionId: parameters.id, dibaoStandardVersionId: dibao.id };
}

/** 特困 monthly basic-living amount per person = the 特困 standard in force (R-E4). */
export function tekunMonthlyAmount(
  versions: readonly StandardVersion[],
  regionCode: string,
  date: IsoDate,
): { readonly monthlyAmountFen: number; readonly standardVersionId: string } {
  const version = standardOn(versions, 'TEKUN', regionCode, date);
  return { monthlyAmountFen: version.monthlyStandardFen, standardVersionId: version.id };
}
