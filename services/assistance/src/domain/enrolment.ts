/**
 * Enrolments (纳入保障): start, amount changes, end, gradual exit (渐退期, R-E14) and the monthly
 * payment periods.
 *
 * Payment periods (ASSUMPTION: the seeds say nothing on pro-rating):
 * - benefits are paid in WHOLE calendar months, never pro-rata;
 * - an enrolment starts on the first day of the month after the approval (`approvedOn`), so the
 *   month of approval is not paid;
 * - a month is paid when the enrolment is in force on the FIRST day of that month, in full, at
 *   the amount in force on that day. The month in which regular eligibility ends is therefore
 *   paid in full if it began in force; the next month is the first gradual-exit month.
 * - amount changes take effect on the first day of a month.
 *
 * Gradual exit (R-E14, Jinan "最长12个月"): only for 低保. When the household stops qualifying,
 * the enrolment ends with reason GRADUAL_EXIT on `endDate` (the last day of regular eligibility,
 * as the wire's `EnrolmentEnded.endDate`) and payments continue until `gradualExit.endDate`, which
 * must be at most 12 calendar months after `endDate` (`addMonths`, e.g. 2022-03-15 → 2023-03-15;
 * 2024-02-29 → 2025-02-28) → `ASSIST_GRADUAL_EXIT_TOO_LONG` otherwise. With whole-month payment
 * this pays at most 12 gradual-exit months. The gradual-exit monthly amount defaults to the last
 * regular amount (PARAMETER: the seeds give no tapering schedule; pass another amount to taper).
 */
import type { EnrolmentEndReason } from '@minzheng/contracts';
import {
  addMonths,
  assertDateOrder,
  assertFirstDayOfMonth,
  assertIsoDate,
  firstDayOfNextMonth,
  lastDayOfMonth,
  monthOf,
  type IsoDate,
  type IsoMonth,
} from './dates.js';
import { AssistanceError, assertNonEmpty, assertOneOf, invalidInput } from './errors.js';
import { assertFen } from './money.js';

/** Programs with an ongoing enrolment (临时救助 is one-off and has none). */
export const ENROLMENT_PROGRAMS = ['DIBAO', 'LOW_INCOME', 'TEKUN', 'EXPENDITURE_HARDSHIP'] as const;
export type EnrolmentProgram = (typeof ENROLMENT_PROGRAMS)[number];
/** Programs that always pay a monthly amount; the others may carry `null` (no monthly cash). */
const CASH_PROGRAMS: readonly EnrolmentProgram[] = ['DIBAO', 'TEKUN'];

/** 终止原因, as on the wire (`EnrolmentEnded.endReason`). */
export const ENROLMENT_END_REASONS = [
  'INCOME_ABOVE_THRESHOLD',
  'GRADUAL_EXIT',
  'DEATH',
  'MOVED_AWAY',
  'VOLUNTARY_WITHDRAWAL',
  'AGED_OUT',
  'TRANSFERRED_TO_OTHER_PROGRAM',
  'INELIGIBLE_FOUND',
  'OTHER',
] as const satisfies readonly EnrolmentEndReason[];
export type { EnrolmentEndReason };

/** Longest gradual exit, in calendar months after the end of regular eligibility (R-E14). */
export const GRADUAL_EXIT_MAX_MONTHS = 12;

/** A monthly amount in force from a first day of a month until the next entry. */
export interface EnrolmentAmount {
  readonly from: IsoDate;
  /** null when the program pays no monthly cash (e.g. 低收入). */
  readonly monthlyAmountFen: number | null;
  /** The standard version the amount was computed with; null when none applies. */
  readonly standardVersionId: string | null;
}

export interface GradualExit {
  /** Last day of the gradual-exit period (inclusive). */
  readonly endDate: IsoDate;
  readonly monthlyAmountFen: number;
  /** Set when the period was cut short (e.g. DEATH during 渐退期). */
  readonly cutShortReason: EnrolmentEndReason | null;
}

export type EnrolmentStatus = 'ACTIVE' | 'ENDED';

export interface Enrolment {
  readonly id: string;
  readonly program: EnrolmentProgram;
  readonly householdId: string;
  readonly applicationId: string | null;
  readonly approvedOn: IsoDate;
  /** First day of the month after `approvedOn`. */
  readonly startDate: IsoDate;
  /** Ascending by `from`; the first starts on `startDate`. */
  readonly amounts: readonly EnrolmentAmount[];
  readonly status: EnrolmentStatus;
  /** Last day of regular eligibility (inclusive); null while ACTIVE. */
  readonly endDate: IsoDate | null;
  readonly endReason: EnrolmentEndReason | null;
  /** Set when the enrolment ended with reason GRADUAL_EXIT. */
  readonly gradualExit: GradualExit | null;
}

function illegal(enrolment: Enrolment, action: string, allowed: readonly string[]): AssistanceError {
  return new AssistanceError(
    'ASSIST_ILLEGAL_TRANSITION',
    `保障状态不允许该操作 (${action} is not allowed for enrolment ${enrolment.id} in status ${enrolment.status}; allowed: ${allowed.join(', ') || 'none'})`,
    { field: 'status', rule: 'the action must be allowed from the current status', from: enrolment.status, action, allowedActions: allowed },
  );
}

/** The enrolment actions allowed in the current state. */
export function allowedEnrolmentActions(enrolment: Enrolment): ('CHANGE_AMOUNT' | 'END' | 'SHORTEN_GRADUAL_EXIT')[] {
  if (enrolment.status === 'ACTIVE') return ['CHANGE_AMOUNT', 'END'];
  return enrolment.gradualExit === null ? [] : ['SHORTEN_GRADUAL_EXIT'];
}

function assertAmount(program: EnrolmentProgram, amount: number | null, field: string): void {
  if (amount === null) {
    if (CASH_PROGRAMS.includes(program)) throw invalidInput(field, `is required for ${program}`);
    return;
  }
  assertFen(amount, field);
}

export interface StartEnrolmentInput {
  readonly id: string;
  readonly program: EnrolmentProgram;
  readonly householdId: string;
  readonly applicationId?: string | null;
  /** Date of the approval (审批); the enrolment starts on the first day of the next month. */
  readonly approvedOn: IsoDate;
  readonly monthlyAmountFen: number | null;
  readonly standardVersionId: string | null;
}

/** Starts an ACTIVE enrolment on the first day of the month after `approvedOn`. */
export function startEnrolment(input: StartEnrolmentInput): Enrolment {
  assertNonEmpty(input.id, 'id');
  assertOneOf(input.program, ENROLMENT_PROGRAMS, 'program');
  assertNonEmpty(input.householdId, 'householdId');
  assertIsoDate(input.approvedOn, 'approvedOn');
  assertAmount(input.program, input.monthlyAmountFen, 'monthlyAmountFen');
  const startDate = firstDayOfNextMonth(input.approvedOn);
  return {
    id: input.id,
    program: input.program,
    householdId: input.householdId,
    applicationId: input.applicationId ?? null,
    approvedOn: input.approvedOn,
    startDate,
    amounts: [{ from: startDate, monthlyAmountFen: input.monthlyAmountFen, standardVersionId: input.standardVersionId }],
    status: 'ACTIVE',
    endDate: null,
    endReason: null,
    gradualExit: null,
  };
}

/**
 * Changes the monthly amount (and the standard version behind it) from `effectiveFrom`, the first
 * day of a month, on or after the start and the latest change (a change on the same day as the
 * latest one replaces it). Only while ACTIVE.
 */
export function changeEnrolmentAmount(
  enrolment: Enrolment,
  change: { readonly effectiveFrom: IsoDate; readonly monthlyAmountFen: number | null; readonly standardVersionId: string | null },
): Enrolment {
  if (enrolment.status !== 'ACTIVE') throw illegal(enrolment, 'CHANGE_AMOUNT', allowedEnrolmentActions(enrolment));
  assertFirstDayOfMonth(change.effectiveFrom, 'effectiveFrom');
  assertAmount(enrolment.program, change.monthlyAmountFen, 'monthlyAmountFen');
  const latest = enrolment.amounts.at(-1)?.from ?? enrolment.startDate;
  assertDateOrder(latest, change.effectiveFrom, 'the latest amount change', 'effectiveFrom');
  const kept = enrolment.amounts.filter((amount) => amount.from < change.effectiveFrom);
  return { ...enrolment, amounts: [...kept, { from: change.effectiveFrom, monthlyAmountFen: change.monthlyAmountFen, standardVersionId: change.standardVersionId }] };
}

/** The monthly amount entry in force on `date` (undefined before the start). */
export function amountOn(enrolment: Enrolment, date: IsoDate): EnrolmentAmount | undefined {
  return enrolment.amounts.filter((amount) => amount.from <= date).at(-1);
}

/** The latest allowed gradual-exit end date: 12 calendar months after the end of regular eligibility. */
export function latestGradualExitEndDate(regularEndDate: IsoDate): IsoDate {
  return addMonths(regularEndDate, GRADUAL_EXIT_MAX_MONTHS);
}

export interface EndEnrolmentInput {
  /** Last day of regular eligibility (inclusive); not before `approvedOn`. */
  readonly endDate: IsoDate;
  readonly reason: EnrolmentEndReason;
  /** Required with reason GRADUAL_EXIT (低保 only), forbidden otherwise. */
  readonly gradualExit?: { readonly endDate: IsoDate; readonly monthlyAmountFen?: number };
}

/**
 * Ends an ACTIVE enrolment. With reason GRADUAL_EXIT (低保 only), payments continue until
 * `gradualExit.endDate`, which must be after `endDate` and at most 12 months after it
 * (`ASSIST_GRADUAL_EXIT_TOO_LONG`); its amount defaults to the regular amount in force on `endDate`.
 */
export function endEnrolment(enrolment: Enrolment, input: EndEnrolmentInput): Enrolment {
  if (enrolment.status !== 'ACTIVE') throw illegal(enrolment, 'END', allowedEnrolmentActions(enrolment));
  assertIsoDate(input.endDate, 'endDate');
  assertOneOf(input.reason, ENROLMENT_END_REASONS, 'reason');
  assertDateOrder(enrolment.approvedOn, input.endDate, 'approvedOn', 'endDate');
  const ended = { ...enrolment, status: 'ENDED' as const, endDate: input.endDate, endReason: input.reason };
  if (input.reason !== 'GRADUAL_EXIT') {
    if (input.gradualExit !== undefined) throw invalidInput('gradualExit', 'is only for reason GRADUAL_EXIT');
    return { ...ended, gradualExit: null };
  }
  if (enrolment.program !== 'DIBAO') throw invalidInput('reason', 'GRADUAL_EXIT applies to DIBAO enrolments only (R-E14)', { program: enrolment.program });
  const exit = input.gradualExit;
  if (exit === undefined) throw invalidInput('gradualExit', 'is required for reason GRADUAL_EXIT');
  assertDateOrder(enrolment.startDate, input.endDate, 'startDate', 'endDate');
  assertIsoDate(exit.endDate, 'gradualExit.endDate');
  if (exit.endDate <= input.endDate) {
    throw new AssistanceError('ASSIST_DATE_ORDER', `渐退期结束日期须晚于退出日期 (gradualExit.endDate ${exit.endDate} must be after endDate ${input.endDate})`, {
      field: 'gradualExit.endDate',
      rule: 'gradualExit.endDate must be after endDate',
      from: input.endDate,
      to: exit.endDate,
    });
  }
  const latest = latestGradualExitEndDate(input.endDate);
  if (exit.endDate > latest) {
    throw new AssistanceError(
      'ASSIST_GRADUAL_EXIT_TOO_LONG',
      `渐退期不得超过12个月 (gradualExit.endDate ${exit.endDate} is after ${latest}, 12 months after the end of regular eligibility ${input.endDate})`,
      {
        field: 'gradualExit.endDate',
        rule: 'the gradual exit may last at most 12 months after regular eligibility ended (R-E14)',
        endDate: input.endDate,
        gradualExitEndDate: exit.endDate,
        latestAllowed: latest,
      },
    );
  }
  const monthlyAmountFen = exit.monthlyAmountFen ?? amountOn(enrolment, input.endDate)?.monthlyAmountFen ?? null;
  if (monthlyAmountFen === null) throw invalidInput('gradualExit.monthlyAmountFen', 'is required when no regular amount is in force');
  assertFen(monthlyAmountFen, 'gradualExit.monthlyAmountFen');
  return { ...ended, gradualExit: { endDate: exit.endDate, monthlyAmountFen, cutShortReason: null } };
}

/**
 * Cuts a gradual exit short (e.g. DEATH, MOVED_AWAY, or the household asks to leave): the new last
 * day must be on or after the regular `endDate` and before the current gradual-exit end date.
 */
export function shortenGradualExit(enrolment: Enrolment, input: { readonly endDate: IsoDate; readonly reason: EnrolmentEndReason }): Enrolment {
  const exit = enrolment.gradualExit;
  if (exit === null || enrolment.endDate === null) throw illegal(enrolment, 'SHORTEN_GRADUAL_EXIT', allowedEnrolmentActions(enrolment));
  assertIsoDate(input.endDate, 'endDate');
  assertOneOf(input.reason, ENROLMENT_END_REASONS, 'reason');
  assertDateOrder(enrolment.endDate, input.endDate, 'the end of regular eligibility', 'endDate');
  if (input.endDate >= exit.endDate) throw invalidInput('endDate', `must be before the current gradual-exit end date ${exit.endDate}`);
  return { ...enrolment, gradualExit: { ...exit, endDate: input.endDate, cutShortReason: input.reason } };
}

export type EnrolmentPhase = 'NOT_STARTED' | 'REGULAR' | 'GRADUAL_EXIT' | 'ENDED';

/** Where the enrolment stands on `date`. */
export function enrolmentPhaseOn(enrolment: Enrolment, date: IsoDate): EnrolmentPhase {
  assertIsoDate(date, 'date');
  if (date < enrolment.startDate) return 'NOT_STARTED';
  if (enrolment.endDate === null || date <= enrolment.endDate) return 'REGULAR';
  if (enrolment.gradualExit !== null && date <= enrolment.gradualExit.endDate) return 'GRADUAL_EXIT';
  return 'ENDED';
}

/** One month to pay (kinds as the wire's `PaymentKind`). */
export interface MonthlyPayment {
  readonly month: IsoMonth;
  readonly periodFrom: IsoDate;
  readonly periodTo: IsoDate;
  readonly kind: 'REGULAR' | 'GRADUAL_EXIT';
  readonly amountFen: number;
  readonly standardVersionId: string | null;
}

/**
 * The whole months payable from the start up to and including the month of `throughDate`: every
 * month whose first day the enrolment is in force (regular or gradual exit), at the amount in force
 * on that day. Months without a monthly cash amount (`null`) are left out.
 */
export function monthlyPayments(enrolment: Enrolment, throughDate: IsoDate): MonthlyPayment[] {
  assertIsoDate(throughDate, 'throughDate');
  const payments: MonthlyPayment[] = [];
  for (let first = enrolment.startDate; first <= throughDate; first = firstDayOfNextMonth(first)) {
    const phase = enrolmentPhaseOn(enrolment, first);
    if (phase === 'ENDED') break;
    const base = { month: monthOf(first), periodFrom: first, periodTo: lastDayOfMonth(first) };
    if (phase === 'GRADUAL_EXIT' && enrolment.gradualExit !== null) {
      payments.push({ ...base, kind: 'GRADUAL_EXIT', amountFen: enrolment.gradualExit.monthlyAmountFen, standardVersionId: amountOn(enrolment, first)?.standardVersionId ?? null });
      continue;
    }
    const amount = amountOn(enrolment, first);
    if (amount === undefined || amount.monthlyAmountFen === null) continue;
    payments.push({ ...base, kind: 'REGULAR', amountFen: amount.monthlyAmountFen, standardVersionId: amount.standardVersionId });
  }
  return payments;
}
