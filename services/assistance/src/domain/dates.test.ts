import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import {
  addDays,
  addMonths,
  assertDateOrder,
  assertFirstDayOfMonth,
  assertIsoDate,
  firstDayOfMonth,
  firstDayOfNextMonth,
  instantMillis,
  isIsoDate,
  lastDayOfMonth,
  monthOf,
} from './dates.js';

describe('calendar dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2021-13-01')).toBe(false);
    expect(isIsoDate('2021-1-01')).toBe(false);
    expect(isIsoDate('1899-12-31')).toBe(false);
    expect(thrownBy(AssistanceError, () => {
      assertIsoDate('2021-02-30', 'members.0.fromDate');
    })).toMatchObject({ code: 'ASSIST_INVALID_DATE', statusCode: 400, details: { field: 'members.0.fromDate' } });
  });

  it('adds months clamping to the end of a shorter month', () => {
    expect(addMonths('2022-03-15', 12)).toBe('2023-03-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2022-01-31', 1)).toBe('2022-02-28');
    expect(addMonths('2022-12-31', 2)).toBe('2023-02-28');
    expect(addMonths('2022-03-31', -1)).toBe('2022-02-28');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('finds month boundaries', () => {
    expect(firstDayOfMonth('2021-03-15')).toBe('2021-03-01');
    expect(lastDayOfMonth('2024-02-10')).toBe('2024-02-29');
    expect(firstDayOfNextMonth('2021-12-31')).toBe('2022-01-01');
    expect(monthOf('2021-07-04')).toBe('2021-07');
    expect(thrownBy(AssistanceError, () => {
      assertFirstDayOfMonth('2021-03-02', 'effectiveFrom');
    })).toMatchObject({ code: 'ASSIST_INVALID_DATE', details: { rule: 'must be the first day of a month' } });
  });

  it('refuses a start after its end with ASSIST_DATE_ORDER', () => {
    expect(thrownBy(AssistanceError, () => {
      assertDateOrder('2021-05-02', '2021-05-01', 'fromDate', 'toDate');
    })).toMatchObject({ code: 'ASSIST_DATE_ORDER', statusCode: 400, details: { field: 'toDate', from: '2021-05-02', to: '2021-05-01' } });
    expect(() => {
      assertDateOrder('2021-05-01', '2021-05-01', 'fromDate', 'toDate');
    }).not.toThrow();
  });

  it('reads instants only with an explicit offset', () => {
    expect(instantMillis('2022-03-01T09:30:00+08:00', 'at')).toBe(Date.parse('2022-03-01T01:30:00Z'));
    expect(thrownBy(AssistanceError, () => instantMillis('2022-03-01T09:30:00', 'at'))).toMatchObject({ code: 'ASSIST_INVALID_DATE' });
    expect(thrownBy(AssistanceError, () => instantMillis('2022-02-30T09:30:00Z', 'at'))).toMatchObject({ code: 'ASSIST_INVALID_DATE' });
  });
});
