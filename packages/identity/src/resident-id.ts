/**
 * China resident identity numbers (公民身份号码, GB 11643-1999): 18 characters,
 * `RRRRRR YYYYMMDD SSS C` — 6-digit region code of first registration, birth date, a sequence
 * number whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check
 * character (0-9 or X).
 *
 * The number is the key every department files people under, so this module is the single place
 * that decides what a valid one is; pseudonyms and masking build on it. Error messages and details
 * never contain the number itself, because errors end up in logs.
 */
import { isCalendarDate, isLeapYear, parseIsoDate } from './dates.js';
import { IdentityError } from './errors.js';
import { toAsciiDigits } from './text.js';

/** What an ID number says about its holder. */
export interface ResidentIdInfo {
  /** The 18-character canonical form: ASCII digits, upper-case X, no spaces. */
  readonly normalized: string;
  /** First 6 digits: the administrative division of first registration (not necessarily current). */
  readonly regionCode: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** `M` when the 17th digit is odd, `F` when it is even. */
  readonly sex: 'M' | 'F';
}

/** GB 11643 weights: 2^(17-i) mod 11 for positions 1..17. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character by (weighted sum mod 11). */
const CHECK_CHARACTERS = '10X98765432';
const ID_PATTERN = /^\d{17}[\dX]$/u;
const FIRST_17_PATTERN = /^\d{17}$/u;
/**
 * First two digits of the region code: the province-level divisions of GB/T 2260 (11-15 北京 to
 * 内蒙古, 21-23 辽宁 to 黑龙江, 31-37 上海 to 山东, 41-46 河南 to 海南, 50-54 重庆 to 西藏,
 * 61-65 陕西 to 新疆, 71 台湾, 81 香港, 82 澳门), plus 83: residence permits of Taiwan residents
 * (台湾居民居住证, since 2018) carry 830000 as their region code, while those of Hong Kong and Macao
 * residents use 810000 and 820000.
 */
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15'],
  ...['21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54'],
  ...['61', '62', '63', '64', '65'],
  ...['71', '81', '82', '83'],
]);
const PROVINCE_RULE =
  'the first 2 digits must be a province-level division code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82, or 83 for residence permits of Taiwan residents)';
/** Earliest birth date accepted; older numbers are data-entry errors in practice. */
const EARLIEST_BIRTH_DATE = '1900-01-01';
/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The canonical form of what a person typed: removes all whitespace (also the ideographic space
 * U+3000), turns full-width digits and `Ｘ`/`ｘ`/`x` into ASCII digits and `X`. It does not
 * validate; `parseResidentId` does.
 */
export function normalizeResidentId(raw: string): string {
  return toAsciiDigits(raw.replace(/\s+/gu, '')).replace(/[xＸｘ]/gu, 'X');
}

/**
 * The check character (`0`-`9` or `X`) for the first 17 digits. Throws `ID_FORMAT` unless the
 * argument is exactly 17 ASCII digits.
 */
export function residentIdCheckDigit(first17: string): string {
  if (!FIRST_17_PATTERN.test(first17)) {
    throw new IdentityError('ID_FORMAT', '公民身份号码本体码格式错误 (the first 17 characters must be 17 digits)', {
      rule: 'must be exactly 17 digits',
    });
  }
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * (first17.charCodeAt(index) - 48), 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * Validates and decodes an ID number. Checks, in order: the shape (`ID_FORMAT`), the province
 * (`ID_REGION`: the first two digits must be a province-level division code), the birth date
 * (`ID_BIRTH_DATE`: a real calendar date, not before 1900-01-01, not after `today`), then the
 * check digit (`ID_CHECK_DIGIT`). The birth date is checked first because a typo there usually
 * breaks the check digit too, and "birth date is in the future" is the more useful message.
 * Only the province is checked, not the full 6-digit region code: codes of first registration
 * include divisions abolished decades ago, and no table of all of them is kept here.
 *
 * `today` is read as a calendar date in China Standard Time (UTC+8), whatever the server's time
 * zone, so a child born today in the city is accepted from midnight local time.
 */
export function parseResidentId(raw: string, today: Date = new Date()): ResidentIdInfo {
  const normalized = normalizeResidentId(raw);
  if (!ID_PATTERN.test(normalized)) {
    throw formatError(normalized);
  }
  if (!PROVINCE_PREFIXES.has(normalized.slice(0, 2))) {
    throw new IdentityError('ID_REGION', `公民身份号码地址码错误 (${PROVINCE_RULE})`, { rule: PROVINCE_RULE });
  }

  const year = Number(normalized.slice(6, 10));
  const month = Number(normalized.slice(10, 12));
  const day = Number(normalized.slice(12, 14));
  const birthDate = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  if (!isCalendarDate(year, month, day)) {
    throw birthDateError('the birth date (characters 7-14) must be a real calendar date', '不是有效日期');
  }
  if (birthDate < EARLIEST_BIRTH_DATE) {
    throw birthDateError(`the birth date must not be before ${EARLIEST_BIRTH_DATE}`, '早于1900年');
  }
  if (birthDate > chinaCalendarDate(today)) {
    throw birthDateError('the birth date must not be in the future', '晚于今天');
  }

  const expected = residentIdCheckDigit(normalized.slice(0, 17));
  if (normalized.charAt(17) !== expected) {
    throw new IdentityError('ID_CHECK_DIGIT', '公民身份号码校验位错误 (check digit mismatch)', {
      rule: 'the 18th character must be the GB 11643 check digit of the first 17',
      expected,
    });
  }

  return Object.freeze({
    normalized,
    regionCode: normalized.slice(0, 6),
    birthDate,
    sex: (normalized.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
  });
}

/** `parseResidentId` as a predicate. Only `IdentityError`s mean "invalid"; anything else is rethrown. */
export function isValidResidentId(raw: string, today?: Date): boolean {
  try {
    parseResidentId(raw, today);
    return true;
  } catch (error) {
    if (error instanceof IdentityError) return false;
    throw error;
  }
}

/**
 * Age in whole years on a date, both `YYYY-MM-DD`. Someone born on 29 February has their
 * birthday on 1 March in non-leap years (the usual reading in Chinese civil-affairs practice,
 * e.g. for reaching 60 or 18). Throws `DATE_INVALID` for a date that is not real, or when `on`
 * is before `birthDate`.
 */
export function ageOn(birthDate: string, on: string): number {
  const birth = parseIsoDate(birthDate, 'birthDate');
  const day = parseIsoDate(on, 'on');
  if (on < birthDate) {
    throw new IdentityError('DATE_INVALID', '日期无效 (on must not be before birthDate)', {
      field: 'on',
      rule: 'must not be before birthDate',
    });
  }
  const leapDayInCommonYear = birth.month === 2 && birth.day === 29 && !isLeapYear(day.year);
  const birthdayMonth = leapDayInCommonYear ? 3 : birth.month;
  const birthdayDay = leapDayInCommonYear ? 1 : birth.day;
  const hadBirthday = day.month > birthdayMonth || (day.month === birthdayMonth && day.day >= birthdayDay);
  return day.year - birth.year - (hadBirthday ? 0 : 1);
}

function formatError(normalized: string): IdentityError {
  const legacy = /^\d{15}$/u.test(normalized);
  const rule = legacy
    ? 'must be 17 digits followed by a digit or X; 15-digit first-generation numbers are not accepted'
    : `must be 17 digits followed by a digit or X (got ${Array.from(normalized).length} characters after normalisation)`;
  return new IdentityError('ID_FORMAT', `公民身份号码格式错误 (${rule})`, { rule });
}

function birthDateError(rule: string, chinese: string): IdentityError {
  return new IdentityError('ID_BIRTH_DATE', `公民身份号码出生日期${chinese} (${rule})`, { rule });
}

/** The calendar date (`YYYY-MM-DD`) of an instant in China Standard Time. */
function chinaCalendarDate(instant: Date): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) {
    throw new TypeError('today must be a valid Date');
  }
  return new Date(time + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}
