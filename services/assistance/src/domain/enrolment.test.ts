import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import {
  allowedEnrolmentActions,
  amountOn,
  changeEnrolmentAmount,
  endEnrolment,
  enrolmentPhaseOn,
  latestGradualExitEndDate,
  monthlyPayments,
  shortenGradualExit,
  startEnrolment,
  type Enrolment,
} from './enrolment.js';

/** A 低保 enrolment approved 2021-03-15 at 1,560 yuan a month (standard 2021). */
function dibao(): Enrolment {
  return startEnrolment({
    id: 'E-1',
    program: 'DIBAO',
    householdId: 'H-1',
    applicationId: 'A-1',
    approvedOn: '2021-03-15',
    monthlyAmountFen: 156_000,
    standardVersionId: 'DIBAO-442000-2021-01-01',
  });
}

describe('startEnrolment', () => {
  it('starts on the first day of the month after approval', () => {
    expect(dibao()).toMatchObject({ status: 'ACTIVE', startDate: '2021-04-01', endDate: null, gradualExit: null });
    expect(startEnrolment({ id: 'E', program: 'TEKUN', householdId: 'H', approvedOn: '2021-12-31', monthlyAmountFen: 176_000, standardVersionId: 'TEKUN-442000-2020-01-01' }).startDate).toBe(
      '2022-01-01',
    );
    expect(startEnrolment({ id: 'E', program: 'TEKUN', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: 1, standardVersionId: null }).startDate).toBe('2021-04-01');
  });

  it('needs a monthly amount for 低保 and 特困, not for 低收入', () => {
    expect(thrownBy(AssistanceError, () => startEnrolment({ id: 'E', program: 'DIBAO', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: null, standardVersionId: null }))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'monthlyAmountFen' } },
    );
    expect(thrownBy(AssistanceError, () => startEnrolment({ id: 'E', program: 'DIBAO', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: -1, standardVersionId: null }))).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT' },
    );
    expect(startEnrolment({ id: 'E', program: 'LOW_INCOME', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: null, standardVersionId: null }).amounts).toEqual([
      { from: '2021-04-01', monthlyAmountFen: null, standardVersionId: null },
    ]);
    expect(thrownBy(AssistanceError, () => startEnrolment({ id: 'E', program: 'TEMPORARY_AID' as 'DIBAO', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: 1, standardVersionId: null }))).toMatchObject(
      { details: { field: 'program' } },
    );
  });
});

describe('changeEnrolmentAmount', () => {
  it('changes the amount from the first day of a month', () => {
    const changed = changeEnrolmentAmount(dibao(), { effectiveFrom: '2022-01-01', monthlyAmountFen: 160_000, standardVersionId: 'DIBAO-442000-2022-01-01' });
    expect(amountOn(changed, '2021-12-31')?.monthlyAmountFen).toBe(156_000);
    expect(amountOn(changed, '2022-01-01')).toEqual({ from: '2022-01-01', monthlyAmountFen: 160_000, standardVersionId: 'DIBAO-442000-2022-01-01' });
    expect(amountOn(changed, '2021-03-31')).toBeUndefined();
  });

  it('replaces a change of the same day and refuses an earlier one', () => {
    const once = changeEnrolmentAmount(dibao(), { effectiveFrom: '2022-01-01', monthlyAmountFen: 160_000, standardVersionId: null });
    const twice = changeEnrolmentAmount(once, { effectiveFrom: '2022-01-01', monthlyAmountFen: 161_000, standardVersionId: null });
    expect(twice.amounts.map((amount) => amount.monthlyAmountFen)).toEqual([156_000, 161_000]);
    expect(thrownBy(AssistanceError, () => changeEnrolmentAmount(once, { effectiveFrom: '2021-12-01', monthlyAmountFen: 1, standardVersionId: null }))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'effectiveFrom' } },
    );
  });

  it('refuses a mid-month date and a change after the end', () => {
    expect(thrownBy(AssistanceError, () => changeEnrolmentAmount(dibao(), { effectiveFrom: '2022-01-15', monthlyAmountFen: 1, standardVersionId: null }))).toMatchObject(
      { code: 'ASSIST_INVALID_DATE', details: { field: 'effectiveFrom' } },
    );
    const ended = endEnrolment(dibao(), { endDate: '2021-10-31', reason: 'MOVED_AWAY' });
    expect(thrownBy(AssistanceError, () => changeEnrolmentAmount(ended, { effectiveFrom: '2022-01-01', monthlyAmountFen: 1, standardVersionId: null }))).toMatchObject(
      { code: 'ASSIST_ILLEGAL_TRANSITION', details: { from: 'ENDED', action: 'CHANGE_AMOUNT', allowedActions: [] } },
    );
  });
});

describe('endEnrolment', () => {
  it('ends on the last day of eligibility; ending twice is illegal', () => {
    const ended = endEnrolment(dibao(), { endDate: '2021-10-20', reason: 'DEATH' });
    expect(ended).toMatchObject({ status: 'ENDED', endDate: '2021-10-20', endReason: 'DEATH', gradualExit: null });
    expect(allowedEnrolmentActions(ended)).toEqual([]);
    expect(thrownBy(AssistanceError, () => endEnrolment(ended, { endDate: '2021-11-01', reason: 'OTHER' }))).toMatchObject({ code: 'ASSIST_ILLEGAL_TRANSITION' });
  });

  it('refuses an end before the approval', () => {
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2021-03-14', reason: 'OTHER' }))).toMatchObject({ code: 'ASSIST_DATE_ORDER', details: { field: 'endDate' } });
  });

  it('accepts a gradual exit of exactly 12 months, with the last regular amount by default', () => {
    const exited = endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15' } });
    expect(exited).toMatchObject({ status: 'ENDED', endReason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15', monthlyAmountFen: 156_000, cutShortReason: null } });
    expect(allowedEnrolmentActions(exited)).toEqual(['SHORTEN_GRADUAL_EXIT']);
  });

  it('refuses a gradual exit of 12 months and 1 day (ASSIST_GRADUAL_EXIT_TOO_LONG)', () => {
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-16' } }))).toMatchObject(
      {
        code: 'ASSIST_GRADUAL_EXIT_TOO_LONG',
        statusCode: 422,
        details: { field: 'gradualExit.endDate', latestAllowed: '2023-03-15' },
      },
    );
  });

  it('counts 12 months to the end of a shorter month (29 February → 28 February)', () => {
    expect(latestGradualExitEndDate('2024-02-29')).toBe('2025-02-28');
    expect(latestGradualExitEndDate('2022-03-31')).toBe('2023-03-31');
    const enrolment = startEnrolment({ id: 'E', program: 'DIBAO', householdId: 'H', approvedOn: '2023-01-10', monthlyAmountFen: 100_000, standardVersionId: null });
    expect(() => endEnrolment(enrolment, { endDate: '2024-02-29', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2025-02-28' } })).not.toThrow();
    expect(thrownBy(AssistanceError, () => endEnrolment(enrolment, { endDate: '2024-02-29', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2025-03-01' } }))).toMatchObject(
      { code: 'ASSIST_GRADUAL_EXIT_TOO_LONG' },
    );
  });

  it('takes a tapered gradual-exit amount when given', () => {
    const exited = endEnrolment(dibao(), { endDate: '2021-12-31', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2022-06-30', monthlyAmountFen: 78_000 } });
    expect(exited.gradualExit?.monthlyAmountFen).toBe(78_000);
  });

  it('keeps gradual exit to 低保 and to reason GRADUAL_EXIT', () => {
    const tekun = startEnrolment({ id: 'E', program: 'TEKUN', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: 176_000, standardVersionId: null });
    expect(thrownBy(AssistanceError, () => endEnrolment(tekun, { endDate: '2021-12-31', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2022-06-30' } }))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'reason', program: 'TEKUN' } },
    );
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2021-12-31', reason: 'GRADUAL_EXIT' }))).toMatchObject({ details: { field: 'gradualExit' } });
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2021-12-31', reason: 'DEATH', gradualExit: { endDate: '2022-06-30' } }))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'gradualExit' } },
    );
  });

  it('refuses a gradual exit ending on or before the regular end, or one before the start', () => {
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2021-12-31', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2021-12-31' } }))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'gradualExit.endDate' } },
    );
    expect(thrownBy(AssistanceError, () => endEnrolment(dibao(), { endDate: '2021-03-20', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2021-09-30' } }))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'endDate' } },
    );
  });
});

describe('shortenGradualExit', () => {
  it('cuts the gradual exit short with a reason', () => {
    const exited = endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15' } });
    const shortened = shortenGradualExit(exited, { endDate: '2022-08-09', reason: 'DEATH' });
    expect(shortened.gradualExit).toEqual({ endDate: '2022-08-09', monthlyAmountFen: 156_000, cutShortReason: 'DEATH' });
    expect(thrownBy(AssistanceError, () => shortenGradualExit(exited, { endDate: '2023-03-15', reason: 'DEATH' }))).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(thrownBy(AssistanceError, () => shortenGradualExit(exited, { endDate: '2022-03-14', reason: 'DEATH' }))).toMatchObject({ code: 'ASSIST_DATE_ORDER' });
  });

  it('is illegal without a gradual exit', () => {
    expect(thrownBy(AssistanceError, () => shortenGradualExit(dibao(), { endDate: '2022-01-01', reason: 'DEATH' }))).toMatchObject(
      { code: 'ASSIST_ILLEGAL_TRANSITION', details: { action: 'SHORTEN_GRADUAL_EXIT', allowedActions: ['CHANGE_AMOUNT', 'END'] } },
    );
  });
});

describe('phases and monthly payments', () => {
  it('tells the phase on a date', () => {
    const exited = endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15' } });
    expect(enrolmentPhaseOn(exited, '2021-03-31')).toBe('NOT_STARTED');
    expect(enrolmentPhaseOn(exited, '2021-04-01')).toBe('REGULAR');
    expect(enrolmentPhaseOn(exited, '2022-03-15')).toBe('REGULAR');
    expect(enrolmentPhaseOn(exited, '2022-03-16')).toBe('GRADUAL_EXIT');
    expect(enrolmentPhaseOn(exited, '2023-03-15')).toBe('GRADUAL_EXIT');
    expect(enrolmentPhaseOn(exited, '2023-03-16')).toBe('ENDED');
  });

  it('pays whole months from the month after approval, at the amount in force on the 1st', () => {
    const changed = changeEnrolmentAmount(dibao(), { effectiveFrom: '2021-06-01', monthlyAmountFen: 160_000, standardVersionId: 'v2' });
    const payments = monthlyPayments(changed, '2021-07-15');
    expect(payments).toEqual([
      { month: '2021-04', periodFrom: '2021-04-01', periodTo: '2021-04-30', kind: 'REGULAR', amountFen: 156_000, standardVersionId: 'DIBAO-442000-2021-01-01' },
      { month: '2021-05', periodFrom: '2021-05-01', periodTo: '2021-05-31', kind: 'REGULAR', amountFen: 156_000, standardVersionId: 'DIBAO-442000-2021-01-01' },
      { month: '2021-06', periodFrom: '2021-06-01', periodTo: '2021-06-30', kind: 'REGULAR', amountFen: 160_000, standardVersionId: 'v2' },
      { month: '2021-07', periodFrom: '2021-07-01', periodTo: '2021-07-31', kind: 'REGULAR', amountFen: 160_000, standardVersionId: 'v2' },
    ]);
    expect(monthlyPayments(changed, '2021-03-31')).toEqual([]);
  });

  it('pays the month of a mid-month end in full and nothing after', () => {
    const ended = endEnrolment(dibao(), { endDate: '2021-06-10', reason: 'DEATH' });
    expect(monthlyPayments(ended, '2022-12-31').map((payment) => payment.month)).toEqual(['2021-04', '2021-05', '2021-06']);
    // Ended before the first paid month: nothing is paid.
    expect(monthlyPayments(endEnrolment(dibao(), { endDate: '2021-03-20', reason: 'DEATH' }), '2022-12-31')).toEqual([]);
  });

  it('pays at most 12 gradual-exit months after the last regular month', () => {
    const exited = endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15', monthlyAmountFen: 100_000 } });
    const payments = monthlyPayments(exited, '2024-12-31');
    const regular = payments.filter((payment) => payment.kind === 'REGULAR');
    const gradual = payments.filter((payment) => payment.kind === 'GRADUAL_EXIT');
    expect(regular.at(-1)?.month).toBe('2022-03');
    expect(gradual).toHaveLength(12);
    expect(gradual[0]).toMatchObject({ month: '2022-04', amountFen: 100_000 });
    expect(gradual.at(-1)?.month).toBe('2023-03');
    const monthEnd = endEnrolment(dibao(), { endDate: '2022-03-31', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-31' } });
    expect(monthlyPayments(monthEnd, '2024-12-31').filter((payment) => payment.kind === 'GRADUAL_EXIT')).toHaveLength(12);
  });

  it('stops paying when the gradual exit is cut short', () => {
    const exited = endEnrolment(dibao(), { endDate: '2022-03-15', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2023-03-15' } });
    const shortened = shortenGradualExit(exited, { endDate: '2022-06-20', reason: 'DEATH' });
    expect(monthlyPayments(shortened, '2024-12-31').filter((payment) => payment.kind === 'GRADUAL_EXIT').map((payment) => payment.month)).toEqual(['2022-04', '2022-05', '2022-06']);
  });

  it('pays nothing for a program without monthly cash', () => {
    const lowIncome = startEnrolment({ id: 'E', program: 'LOW_INCOME', householdId: 'H', approvedOn: '2021-03-01', monthlyAmountFen: null, standardVersionId: null });
    expect(monthlyPayments(lowIncome, '2021-12-31')).toEqual([]);
  });
});
