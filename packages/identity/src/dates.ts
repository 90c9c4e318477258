// Internal calendar-date helpers shared by the modules of this package (not exported through
// package.json). Dates are `YYYY-MM-DD` strings throughout: they compare correctly as text and
// carry no time zone.
import { IdentityError } from './errors.js';

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/u;

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Reads a real `YYYY-MM-DD` date. Throws `DATE_INVALID` naming the argument `field` for anything
 * else (wrong shape, 30 February, month 13, ...).
 */
export function parseIsoDate(text: string, field: string): CalendarDate {
  const match = ISO_DATE_PATTERN.exec(text);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (match === null || !isCalendarDate(year, month, day)) {
    throw new IdentityError('DATE_INVALID', `日期无效 (${field} must be a real date written YYYY-MM-DD)`, {
      field,
      rule: 'must be a real date written YYYY-MM-DD',
    });
  }
  return { year, month, day };
}

/** True for a real `YYYY-MM-DD` date. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE_PATTERN.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}
