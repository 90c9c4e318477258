/**
 * 应享未享 — the generic "eligible but not receiving" detector. One table of every program whose
 * eligibility can be computed from the thematic database: the condition under which a subject
 * qualifies (over the same facts and parameters as the rules), the programs that make it moot
 * (特困 covers 低保), and how its monthly benefit is computed where the seeds say. From it:
 * - the candidate rules (INCOME_BELOW_DIBAO, TURNING_80_WITHOUT_ALLOWANCE, ...) take their condition
 *   as `notReceiving(program)`: eligible, and neither the program nor one that covers it held;
 * - the take-up report (`GET /statistics/eligibility`): by program and town, how many qualify, how
 *   many of those receive it, how many do not;
 * - the what-if (`POST /what-if`): who newly qualifies or stops qualifying under a changed
 *   standard or parameter, and what it costs a month.
 * A program added here is in the report and the what-if at once; a flag for it needs a rule
 * (title, urgency, role, explanation) in `definitions.ts`.
 */
import type { ProgramType } from '@minzheng/contracts';
import type { Condition } from './conditions.js';

const alive: Condition = { fact: 'deceased', operator: 'equal', value: false };
export const ORPHAN_CATEGORIES = ['INSTITUTIONAL_ORPHAN', 'SCATTERED_ORPHAN', 'DEFACTO_UNSUPPORTED'];

/**
 * How a month of the benefit is computed: `GAP` — (the 低保 standard − the household's monthly
 * per-capita income) × its members (补差, DOMAIN §2 R-E1; without the categorical supplements,
 * whose amounts the seeds do not give); `STANDARD` — the program's MONTHLY_AMOUNT standard in force
 * for the region; `null` — not computable from the data (in kind, or amounts not given).
 */
export type BenefitBasis = 'GAP' | 'STANDARD' | null;

export interface Eligibility {
  readonly program: ProgramType;
  readonly subject: 'person' | 'household';
  /** 项目名称. */
  readonly title: string;
  readonly eligible: Condition;
  /** Programs that, held, cover this one (a 特困 household is not a 低保 candidate). */
  readonly coveredBy: readonly ProgramType[];
  readonly benefit: BenefitBasis;
  /** Where the condition comes from (DOMAIN.md). */
  readonly seed: string;
}

export const ELIGIBILITY: readonly Eligibility[] = [
  { program: 'DIBAO', subject: 'household', title: '最低生活保障（低保）', eligible: { fact: 'perCapitaIncomeFen', operator: 'lessThanInclusive', value: { fact: 'dibaoStandardFen' } }, coveredBy: ['TEKUN'], benefit: 'GAP', seed: '§2 R-E1' },
  { program: 'LOW_INCOME', subject: 'household', title: '低收入家庭认定', eligible: { all: [{ fact: 'perCapitaIncomeFen', operator: 'greaterThan', value: { fact: 'dibaoStandardFen' } }, { fact: 'perCapitaIncomeFen', operator: 'lessThanInclusive', value: { fact: 'lowIncomeLimitFen' } }] }, coveredBy: ['DIBAO', 'TEKUN'], benefit: null, seed: '§2 R-E3' },
  { program: 'EXPENDITURE_HARDSHIP', subject: 'household', title: '支出型困难家庭救助', eligible: { fact: 'rigidExpenditureRatioPermille', operator: 'greaterThanInclusive', value: { fact: 'expenditureThresholdPermille' } }, coveredBy: [], benefit: null, seed: '§8 rule 6' },
  { program: 'ADVANCED_AGE_ALLOWANCE', subject: 'person', title: '高龄津贴', eligible: { all: [alive, { fact: 'age', operator: 'greaterThanInclusive', value: { fact: 'advancedAgeYears' } }, { fact: 'hukouResident', operator: 'equal', value: true }] }, coveredBy: [], benefit: 'STANDARD', seed: '§8 rule 16, R-E10' },
  { program: 'ELDERLY_CARE_SUBSIDY', subject: 'person', title: '困难失能老年人护理补贴', eligible: { all: [alive, { fact: 'age', operator: 'greaterThanInclusive', value: { fact: 'elderAgeYears' } }, { fact: 'careDependencyLevel', operator: 'in', value: { fact: 'careSubsidyDependencyLevels' } }, { fact: 'hardship', operator: 'equal', value: true }] }, coveredBy: [], benefit: 'STANDARD', seed: '§8 rule 17' },
  { program: 'DISABILITY_LIVING_SUBSIDY', subject: 'person', title: '困难残疾人生活补贴', eligible: { all: [alive, { fact: 'disabilityGrade', operator: 'notEqual', value: null }, { fact: 'hardship', operator: 'equal', value: true }] }, coveredBy: [], benefit: 'STANDARD', seed: '§8 rule 18' },
  { program: 'DISABILITY_CARE_SUBSIDY', subject: 'person', title: '重度残疾人护理补贴', eligible: { all: [alive, { any: [{ fact: 'disabilityGrade', operator: 'in', value: { fact: 'severeDisabilityGrades' } }, { all: [{ fact: 'disabilityKind', operator: 'in', value: { fact: 'careSubsidyExtraKinds' } }, { fact: 'disabilityGrade', operator: 'in', value: ['GRADE_3', 'GRADE_4'] }] }] }] }, coveredBy: [], benefit: 'STANDARD', seed: '§8 rule 18' },
  { program: 'EDUCATION_AID', subject: 'person', title: '教育救助', eligible: { all: [{ fact: 'schoolStage', operator: 'in', value: { fact: 'educationAidStages' } }, { any: [{ fact: 'hardship', operator: 'equal', value: true }, { fact: 'childCategory', operator: 'in', value: ORPHAN_CATEGORIES }] }] }, coveredBy: [], benefit: null, seed: '§8 rule 19' },
];

const BY_PROGRAM = new Map(ELIGIBILITY.map((item) => [item.program, item]));

export function eligibilityOf(program: ProgramType): Eligibility {
  const found = BY_PROGRAM.get(program);
  if (found === undefined) throw new Error(`no eligibility is defined for ${program}`);
  return found;
}

export const lacks = (program: ProgramType): Condition => ({ fact: 'programs', operator: 'doesNotContain', value: program });

/** Eligible for `program` and receiving neither it nor a program covering it. */
export function notReceiving(program: ProgramType): Condition {
  const item = eligibilityOf(program);
  return { all: [item.eligible, lacks(program), ...item.coveredBy.map(lacks)] };
}
