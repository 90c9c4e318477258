/**
 * Masking (脱敏) for people whose role lets them see that a record exists but not whom it is
 * about: dashboards, call-centre screens, exports for statistics. Masking is for display only; it
 * is not a pseudonym (use `personKey` to join) and not protection at rest (use field encryption).
 *
 * Every function works on Unicode code points (some names use characters outside the BMP), and
 * every one is conservative with short or unexpected input: when the usual rule would reveal the
 * whole value or most of it, everything is masked instead. Empty input gives an empty string.
 */
import { normalizeResidentId } from './resident-id.js';
import { toAsciiDigits } from './text.js';

const MASK = '*';
const HAN = /\p{Script=Han}/u;
const MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/u;
/** Separators people put in phone numbers; they carry no information. */
const PHONE_SEPARATORS = /[\s\-()（）.]/gu;
/** Below this many characters a non-mobile number is masked entirely (keeping 4 would show most of it). */
const MIN_PHONE_LENGTH_TO_KEEP_LAST_4 = 7;
const ADDRESS_PREFIX_LENGTH = 6;

/**
 * `442000194601011234` → `442000********1234`: keeps the region (first 6) and the last 4, hides
 * the birth date. Input is normalised first (full-width digits, spaces). Anything shorter than 18
 * characters is masked entirely, which also covers 15-digit legacy numbers, whose last 4
 * characters include part of the birth date.
 */
export function maskResidentId(value: string): string {
  const chars = Array.from(normalizeResidentId(value));
  if (chars.length < 18) return MASK.repeat(chars.length);
  return chars.slice(0, 6).join('') + MASK.repeat(chars.length - 10) + chars.slice(-4).join('');
}

/**
 * Chinese names keep the first character, one `*` per other character: `张三丰` → `张**`,
 * `李四` → `李*` (whitespace inside is dropped). Other names keep the first letter of each word:
 * `John Smith` → `J*** S****`. When nothing would be hidden (a one-character name, or only
 * initials), everything is masked: `张` → `*`.
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return '';
  const words = HAN.test(trimmed) ? [trimmed.replace(/\s+/gu, '')] : trimmed.split(/\s+/u);
  const wordChars = words.map((word) => Array.from(word));
  if (wordChars.every((chars) => chars.length <= 1)) {
    return wordChars.map((chars) => MASK.repeat(chars.length)).join(' ');
  }
  return wordChars.map(([first = '', ...rest]) => first + MASK.repeat(rest.length)).join(' ');
}

/**
 * Mainland mobile numbers (11 digits starting 13-19, optionally with +86/0086/86) →
 * `138****5678`, without the country code. Anything else (landlines, extensions, foreign
 * numbers) keeps only its last 4 characters: `0769-22123456` → `********3456`. Separators
 * (spaces, hyphens, brackets, dots) are dropped and full-width digits become ASCII; numbers
 * shorter than 7 characters are masked entirely.
 */
export function maskPhone(phone: string): string {
  const cleaned = toAsciiDigits(phone).replace(PHONE_SEPARATORS, '');
  const mobile = MOBILE.exec(cleaned)?.[1];
  if (mobile !== undefined) {
    return `${mobile.slice(0, 3)}${MASK.repeat(4)}${mobile.slice(7)}`;
  }
  const chars = Array.from(cleaned);
  if (chars.length < MIN_PHONE_LENGTH_TO_KEEP_LAST_4) return MASK.repeat(chars.length);
  return MASK.repeat(chars.length - 4) + chars.slice(-4).join('');
}

/**
 * Keeps the start of an address (province, city, district, as far as 6 characters go) and
 * replaces the rest with a fixed `****`, so neither the street nor the length shows:
 * `广东省东莞市南城街道宏图路1号` → `广东省东莞市****`. Never keeps more than half of the
 * characters, so a short address is not shown whole: `某村3号` → `某村****`.
 */
export function maskAddress(text: string): string {
  const chars = Array.from(text.trim().replace(/\s+/gu, ' '));
  if (chars.length === 0) return '';
  const keep = Math.min(ADDRESS_PREFIX_LENGTH, Math.floor(chars.length / 2));
  return chars.slice(0, keep).join('') + MASK.repeat(4);
}
