/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capital letters without I, O, Z, S, V):
 * 1 registration authority (5 = 民政), 2 organisation kind (for 民政: 1 社会团体, 2 民办非企业单位 /
 * 社会服务机构, 3 基金会, 9 其他), 3-8 the registering authority's region code, 9-17 the organisation
 * code, 18 the check character: weights 3^(i) mod 31, check = 31 − (Σ value × weight mod 31),
 * with 31 read as 0.
 */
import { CharityError } from './errors.js';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const FORMAT = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/u;

/** The check character of the first 17 characters (which must be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(index));
    if (value < 0) throw new Error(`character ${String(index + 1)} is not in the GB 32100 alphabet`);
    sum += value * (WEIGHTS[index] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export interface UsccInfo {
  readonly code: string;
  /** 登记管理部门代码 (1st character; 5 = 民政). */
  readonly registrationAuthority: string;
  /** 机构类别代码 (2nd character). */
  readonly organisationKind: string;
  /** 登记管理机关行政区划码 (characters 3-8). */
  readonly regionCode: string;
}

/** Checks a code (upper-cased, trimmed) and names `field` in the coded error when it is wrong. */
export function parseUscc(raw: string, field = 'creditCode'): UsccInfo {
  const code = raw.trim().toUpperCase();
  if (!FORMAT.test(code)) {
    throw new CharityError('CHARITY_USCC_FORMAT', `${field}: 统一社会信用代码须为18位，由数字和大写字母（不含I、O、Z、S、V）组成 (must be 18 characters of the GB 32100 alphabet, characters 3-8 digits)`, {
      field,
      rule: 'GB 32100: 18 characters of 0-9 and A-Y without I, O, Z, S, V; characters 3-8 a region code',
    });
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code.charAt(17) !== expected) {
    throw new CharityError('CHARITY_USCC_CHECK_CHARACTER', `${field}: 统一社会信用代码校验码错误 (the check character is wrong)`, {
      field,
      rule: 'GB 32100: the 18th character must be the check character of the first 17',
    });
  }
  return { code, registrationAuthority: code.charAt(0), organisationKind: code.charAt(1), regionCode: code.slice(2, 8) };
}
