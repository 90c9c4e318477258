/**
 * Calendar dates of the assistance domain: `YYYY-MM-DD` strings, calendar dates in China Standard
 * Time (UTC+8, no daylight saving), with no time and no zone. Valid dates compare correctly as
 * text, so `a <= b` is date order. Instants (`at` of a workflow step) are ISO-8601 date-times with
 * an explicit offset and are compared as points in time.
 */
import { AssistanceError } from './errors.js';

/** A `YYYY-MM-DD` calendar date (China Standard Time). */
export type IsoDate = string;
/** A `YYYY-MM` calendar month. */
export type IsoMonth = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/u;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parts(date: IsoDate): { year: number; month: number; day: number } | undefined {
  const match = ISO_DATE.exec(date);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  return { year, month, day };
}

function format(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function partsOrThrow(date: IsoDate, field: string): { year: number; month: number; day: number } {
  const parsed = parts(date);
  if (parsed === undefined) {
    throw new AssistanceError('ASSIST_INVALID_DATE', `日期无效 (${field} must be a real date written YYYY-MM-DD, year 1900 or later)`, {
      field,
      rule: 'must be a real date written YYYY-MM-DD, year 1900 or later',
      value: date,
    });
  }
  return parsed;
}

/** True for a real `YYYY-MM-DD` date from 1900 on (no 30 February, no month 13). */
export function isIsoDate(value: string): boolean {
  return parts(value) !== undefined;
}

/** Requires a real `YYYY-MM-DD` date; throws `ASSIST_INVALID_DATE` naming `field` otherwise. */
export function assertIsoDate(value: IsoDate, field: string): void {
  partsOrThrow(value, field);
}

/** Requires `from <= to` (both already valid dates); throws `ASSIST_DATE_ORDER` otherwise. */
export function assertDateOrder(from: IsoDate, to: IsoDate, fromField: string, toField: string): void {
  if (from > to) {
    throw new AssistanceError('ASSIST_DATE_ORDER', `日期先后顺序错误 (${fromField} ${from} is after ${toField} ${to})`, {
      field: toField,
      rule: `${fromField} must not be after ${toField}`,
      from,
      to,
    });
  }
}

/** The date `days` days after `date` (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = partsOrThrow(date, 'date');
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return format(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/**
 * The same day `months` calendar months later; when that month is shorter, the last day of that
 * month (2024-02-29 + 12 months = 2025-02-28; 2022-01-31 + 1 month = 2022-02-28).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = partsOrThrow(date, 'date');
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format(targetYear, targetMonth, Math.min(day, daysIn(targetYear, targetMonth)));
}

/** `YYYY-MM` of a date. */
export function monthOf(date: IsoDate): IsoMonth {
  partsOrThrow(date, 'date');
  return date.slice(0, 7);
}

/** The first day of the month of `date`. */
export function firstDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = partsOrThrow(date, 'date');
  return format(year, month, 1);
}

/** The last day of the month of `date`. */
export function lastDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = partsOrThrow(date, 'date');
  return format(year, month, daysIn(year, month));
}

/** The first day of the month after the month of `date`. */
export function firstDayOfNextMonth(date: IsoDate): IsoDate {
  return addMonths(firstDayOfMonth(date), 1);
}

/** True when `date` is the first day of its month. */
export function isFirstDayOfMonth(date: IsoDate): boolean {
  return parts(date)?.day === 1;
}

/** Requires the first day of a month; throws `ASSIST_INVALID_DATE` naming `field` otherwise. */
export function assertFirstDayOfMonth(date: IsoDate, field: string): void {
  partsOrThrow(date, field);
  if (!isFirstDayOfMonth(date)) {
    throw new AssistanceError('ASSIST_INVALID_DATE', `日期须为某月1日 (${field} must be the first day of a month: payments run in whole calendar months)`, {
      field,
      rule: 'must be the first day of a month',
      value: date,
    });
  }
}

/**
 * Milliseconds since the epoch of an ISO-8601 instant with an explicit offset
 * (`2022-03-01T09:30:00+08:00` or `...Z`); throws `ASSIST_INVALID_DATE` naming `field` otherwise.
 */
export function instantMillis(value: string, field: string): number {
  const millis = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(millis) || !isIsoDate(value.slice(0, 10))) {
    throw new AssistanceError('ASSIST_INVALID_DATE', `时间无效 (${field} must be an ISO-8601 date-time with an offset, e.g. 2022-03-01T09:30:00+08:00)`, {
      field,
      rule: 'must be an ISO-8601 date-time with Z or a ±hh:mm offset',
      value,
    });
  }
  return millis;
}
