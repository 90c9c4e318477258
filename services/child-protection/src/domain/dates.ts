/**
 * Calendar dates: `YYYY-MM-DD` strings in China Standard Time (UTC+8), compared as text. Months are
 * `YYYY-MM`.
 */
import { ChildError } from './errors.js';

export type IsoDate = string;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parts(date: IsoDate, field: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (match === null || year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
    throw new ChildError('CHILD_INVALID_DATE', `日期无效 (${field} must be a real date written YYYY-MM-DD)`, { field, rule: 'must be a real date written YYYY-MM-DD, year 1900 or later', value: date });
  }
  return { year, month, day };
}

const format = (year: number, month: number, day: number): IsoDate => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export function assertIsoDate(date: IsoDate, field: string): void {
  parts(date, field);
}

/** The same day `months` later, clamped to the month's end (2024-01-31 + 1 = 2024-02-29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = parts(date, 'date');
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format(targetYear, targetMonth, Math.min(day, daysIn(targetYear, targetMonth)));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = parts(date, 'date');
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return format(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

export function firstDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parts(date, 'date');
  return format(year, month, 1);
}

export function lastDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parts(date, 'date');
  return format(year, month, daysIn(year, month));
}

export function firstDayOfNextMonth(date: IsoDate): IsoDate {
  return addMonths(firstDayOfMonth(date), 1);
}

/** Requires the first day of a month (`CHILD_INVALID_DATE` naming `field`). */
export function assertFirstDayOfMonth(date: IsoDate, field: string): void {
  if (parts(date, field).day !== 1) {
    throw new ChildError('CHILD_INVALID_DATE', `日期须为某月1日 (${field} must be the first day of a month: the allowance runs in whole months)`, { field, rule: 'must be the first day of a month', value: date });
  }
}

/**
 * The date someone born on `birthDate` turns `years` old. Born on 29 February: 1 March in a common
 * year (the reading `ageOn` of @minzheng/identity uses).
 */
export function birthdayAt(birthDate: IsoDate, years: number): IsoDate {
  const { year, month, day } = parts(birthDate, 'birthDate');
  const target = year + years;
  if (month === 2 && day === 29 && daysIn(target, 2) === 28) return format(target, 3, 1);
  return format(target, month, day);
}

/** Requires `date` not after `today` (`CHILD_DATE_IN_FUTURE`) and, when given, not before `birthDate` (`CHILD_DATE_BEFORE_BIRTH`). */
export function assertDateInLife(date: IsoDate, field: string, today: IsoDate, birthDate?: IsoDate): void {
  assertIsoDate(date, field);
  if (date > today) throw new ChildError('CHILD_DATE_IN_FUTURE', `日期不能晚于今天 (${field} ${date} is after today ${today})`, { field, rule: 'must not be after today', value: date, today });
  if (birthDate !== undefined && date < birthDate) {
    throw new ChildError('CHILD_DATE_BEFORE_BIRTH', `日期不能早于儿童出生日期 (${field} ${date} is before the child's birth date)`, { field, rule: "must not be before the child's birth date", value: date });
  }
}
