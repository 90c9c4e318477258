/** Calendar dates in China Standard Time (UTC+8), whatever the server's time zone. */

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Today's date (YYYY-MM-DD) in China at `now`. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The month (YYYY-MM) in China of an instant. */
export function chinaMonth(instant: Date): string {
  return chinaDate(instant).slice(0, 7);
}

/** The last day (YYYY-MM-DD) of a month (YYYY-MM). */
export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year ?? 1970, monthNumber ?? 1, 0));
  return last.toISOString().slice(0, 10);
}

/**
 * The day someone born on `birthDate` turns `years` old: the same month and day, and 1 March when
 * born on 29 February and that year is not a leap year (as `ageOn` in @minzheng/identity reads it).
 */
export function birthdayAt(birthDate: string, years: number): string {
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(5);
  if (monthDay === '02-29' && !isLeapYear(year)) return `${String(year).padStart(4, '0')}-03-01`;
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The later of two dates (YYYY-MM-DD). */
export const laterOf = (a: string, b: string): string => (a > b ? a : b);
