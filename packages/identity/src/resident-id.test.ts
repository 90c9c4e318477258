import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { IdentityError, isIdentityError } from './errors.js';
import {
  ageOn,
  isValidResidentId,
  normalizeResidentId,
  parseResidentId,
  residentIdCheckDigit,
} from './resident-id.js';

/** A complete number: the first 17 characters plus their check digit. */
function withCheckDigit(first17: string): string {
  return first17 + residentIdCheckDigit(first17);
}

/** The same number with a check character that is certainly wrong. */
function withWrongCheckDigit(first17: string): string {
  const right = residentIdCheckDigit(first17);
  return first17 + (right === '0' ? '1' : '0');
}

const TODAY = new Date('2024-06-01T12:00:00+08:00');

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof IdentityError) return error.code;
    throw error;
  }
  return undefined;
}

describe('residentIdCheckDigit', () => {
  it('matches the worked examples of GB 11643-1999', () => {
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
    expect(residentIdCheckDigit('44052418800101001')).toBe('4');
  });

  it('gives X when the weighted sum is 2 mod 11 and 0 when it is 1 mod 11', () => {
    // Only the 17th digit (weight 2) is non-zero: sum = 2 → X; 17th digit 6 → 12 ≡ 1 → 0.
    expect(residentIdCheckDigit('00000000000000001')).toBe('X');
    expect(residentIdCheckDigit('00000000000000006')).toBe('0');
    expect(residentIdCheckDigit('00000000000000000')).toBe('1');
  });

  it('rejects anything but exactly 17 ASCII digits', () => {
    expect(codeOf(() => residentIdCheckDigit('1101051949123100'))).toBe('ID_FORMAT');
    expect(codeOf(() => residentIdCheckDigit('110105194912310021'))).toBe('ID_FORMAT');
    expect(codeOf(() => residentIdCheckDigit('1101051949123100X'))).toBe('ID_FORMAT');
    expect(codeOf(() => residentIdCheckDigit('１１010519491231002'))).toBe('ID_FORMAT');
  });
});

describe('normalizeResidentId', () => {
  it('turns full-width digits and Ｘ into ASCII, upper-cases x and drops all spaces', () => {
    expect(normalizeResidentId(' １１０１０５１９４９１２３１００２Ｘ ')).toBe('11010519491231002X');
    expect(normalizeResidentId('110105 19491231 002x')).toBe('11010519491231002X');
    expect(normalizeResidentId('110105\u300019491231002ｘ\n')).toBe('11010519491231002X');
  });

  it('leaves other characters for parseResidentId to reject', () => {
    expect(normalizeResidentId('1101-0519')).toBe('1101-0519');
  });
});

describe('parseResidentId', () => {
  it('decodes region, birth date and sex from a valid number', () => {
    const info = parseResidentId('11010519491231002X', TODAY);
    expect(info).toEqual({
      normalized: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'F',
    });
    expect(Object.isFrozen(info)).toBe(true);
  });

  it('reads the sex from the parity of the 17th digit', () => {
    expect(parseResidentId(withCheckDigit('44200019460101123'), TODAY).sex).toBe('M');
    expect(parseResidentId(withCheckDigit('44200019460101124'), TODAY).sex).toBe('F');
    expect(parseResidentId(withCheckDigit('44200019460101120'), TODAY).sex).toBe('F');
  });

  it('accepts full-width input, lower-case x and spaces, and returns the canonical form', () => {
    expect(parseResidentId('１１０１０５ １９４９１２３１ ００２ｘ', TODAY).normalized).toBe('11010519491231002X');
    expect(parseResidentId('11010519491231002x', TODAY).normalized).toBe('11010519491231002X');
  });

  it('rejects the wrong length, letters and 15-digit legacy numbers with ID_FORMAT', () => {
    for (const bad of ['', '1101051949123100', '11010519491231002X1', '11010519491231002A', 'X1010519491231002X']) {
      expect(codeOf(() => parseResidentId(bad, TODAY)), bad).toBe('ID_FORMAT');
    }
    const legacy = thrownBy(IdentityError, () => parseResidentId('110105491231002', TODAY));
    expect(legacy.code).toBe('ID_FORMAT');
    expect(legacy.details?.rule).toMatch(/15-digit/u);
  });

  it('says what the format rule is, and never repeats the number', () => {
    const error = thrownBy(IdentityError, () => parseResidentId('4420001946010112', TODAY));
    expect(error.details?.rule).toMatch(/17 digits followed by a digit or X/u);
    expect(error.message).toContain('公民身份号码格式错误');
    expect(error.message).not.toContain('4420001946010112');
    expect(JSON.stringify(error.details)).not.toContain('4420001946010112');
  });

  it('accepts every province-level prefix, Hong Kong, Macao, Taiwan and Taiwan residence permits (83)', () => {
    const prefixes = [
      ...['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37'],
      ...['41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'],
      ...['71', '81', '82', '83'],
    ];
    for (const prefix of prefixes) {
      expect(parseResidentId(withCheckDigit(`${prefix}000019460101123`), TODAY).regionCode, prefix).toBe(`${prefix}0000`);
    }
  });

  it('rejects a number whose first two digits are not a province-level code with ID_REGION', () => {
    const outside = ['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '84', '91', '99'];
    for (const prefix of outside) {
      const id = withCheckDigit(`${prefix}200019460101123`);
      const error = thrownBy(IdentityError, () => parseResidentId(id, TODAY));
      expect(error.code, prefix).toBe('ID_REGION');
      expect(error.details?.rule).toMatch(/^the first 2 digits must be a province-level division code \(11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82/u);
      expect(error.message).toMatch(/^公民身份号码地址码错误 \(the first 2 digits/u);
      expect(error.message).not.toContain(id);
      expect(JSON.stringify(error.details)).not.toContain(id);
      expect(isValidResidentId(id, TODAY), prefix).toBe(false);
    }
  });

  it('checks the province after the format and before the birth date and check digit', () => {
    expect(codeOf(() => parseResidentId('9920001946010112', TODAY))).toBe('ID_FORMAT');
    expect(codeOf(() => parseResidentId(withCheckDigit('99200019460230123'), TODAY))).toBe('ID_REGION');
    expect(codeOf(() => parseResidentId(withWrongCheckDigit('99200019460101123'), TODAY))).toBe('ID_REGION');
  });

  it('rejects dates that do not exist with ID_BIRTH_DATE', () => {
    for (const date of ['19490230', '19491301', '19490000', '19490132', '19000229', '20230229']) {
      const id = withCheckDigit(`110105${date}002`);
      expect(codeOf(() => parseResidentId(id, TODAY)), date).toBe('ID_BIRTH_DATE');
    }
  });

  it('accepts 29 February in leap years, including 2000 (divisible by 400)', () => {
    expect(parseResidentId(withCheckDigit('11010520000229002'), TODAY).birthDate).toBe('2000-02-29');
    expect(parseResidentId(withCheckDigit('11010519960229002'), TODAY).birthDate).toBe('1996-02-29');
  });

  it('rejects birth dates before 1900-01-01 but accepts that day', () => {
    expect(codeOf(() => parseResidentId(withCheckDigit('11010518991231002'), TODAY))).toBe('ID_BIRTH_DATE');
    expect(parseResidentId(withCheckDigit('11010519000101002'), TODAY).birthDate).toBe('1900-01-01');
  });

  it('rejects birth dates after today, taking today in China Standard Time', () => {
    const bornToday = withCheckDigit('11010520240601002');
    const bornTomorrow = withCheckDigit('11010520240602002');
    expect(parseResidentId(bornToday, TODAY).birthDate).toBe('2024-06-01');
    const error = thrownBy(IdentityError, () => parseResidentId(bornTomorrow, TODAY));
    expect(error.code).toBe('ID_BIRTH_DATE');
    expect(error.details?.rule).toMatch(/future/u);
    // 00:30 on 1 June in the city is still 31 May in UTC: a baby born on 1 June is accepted.
    expect(parseResidentId(bornToday, new Date('2024-05-31T16:30:00Z')).birthDate).toBe('2024-06-01');
    // 23:30 on 31 May in the city: 1 June is still the future.
    expect(codeOf(() => parseResidentId(bornToday, new Date('2024-05-31T15:30:00Z')))).toBe('ID_BIRTH_DATE');
  });

  it('defaults today to now', () => {
    expect(codeOf(() => parseResidentId(withCheckDigit('11010529991231002')))).toBe('ID_BIRTH_DATE');
    expect(parseResidentId('11010519491231002X').birthDate).toBe('1949-12-31');
  });

  it('rejects a wrong check digit with ID_CHECK_DIGIT and the expected digit', () => {
    const error = thrownBy(IdentityError, () => parseResidentId('110105194912310021', TODAY));
    expect(error.code).toBe('ID_CHECK_DIGIT');
    expect(error.details?.expected).toBe('X');
    expect(error.message).toBe('公民身份号码校验位错误 (check digit mismatch)');

    const first17 = '44200019460101123';
    const wrong = thrownBy(IdentityError, () => parseResidentId(withWrongCheckDigit(first17), TODAY));
    expect(wrong.details?.expected).toBe(residentIdCheckDigit(first17));
  });

  it('checks the birth date before the check digit', () => {
    expect(codeOf(() => parseResidentId(withWrongCheckDigit('11010519490230002'), TODAY))).toBe('ID_BIRTH_DATE');
  });

  it('throws a plain TypeError (a bug, not bad input) for an invalid today', () => {
    expect(() => parseResidentId('11010519491231002X', new Date(Number.NaN))).toThrow(TypeError);
  });
});

describe('isValidResidentId', () => {
  it('is true for valid numbers and false for every coded rejection', () => {
    expect(isValidResidentId('11010519491231002X', TODAY)).toBe(true);
    expect(isValidResidentId('１１０１０５１９４９１２３１００２ｘ', TODAY)).toBe(true);
    expect(isValidResidentId('110105194912310021', TODAY)).toBe(false);
    expect(isValidResidentId(withCheckDigit('11010520240602002'), TODAY)).toBe(false);
    expect(isValidResidentId('not a number', TODAY)).toBe(false);
  });

  it('still throws for programming errors', () => {
    expect(() => isValidResidentId('11010519491231002X', new Date(Number.NaN))).toThrow(TypeError);
  });
});

describe('ageOn', () => {
  it('counts whole years, turning on the birthday itself', () => {
    expect(ageOn('1964-06-01', '2024-05-31')).toBe(59);
    expect(ageOn('1964-06-01', '2024-06-01')).toBe(60);
    expect(ageOn('1964-06-01', '2024-12-31')).toBe(60);
    expect(ageOn('2006-12-31', '2024-12-30')).toBe(17);
    expect(ageOn('2006-12-31', '2024-12-31')).toBe(18);
  });

  it('is 0 on the day of birth', () => {
    expect(ageOn('2024-06-01', '2024-06-01')).toBe(0);
  });

  it('counts a 29 February birthday on 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('2000-02-29', '2003-02-28')).toBe(2);
    expect(ageOn('2000-02-29', '2003-03-01')).toBe(3);
  });

  it('counts a 29 February birthday on 29 February in leap years', () => {
    expect(ageOn('2000-02-29', '2004-02-28')).toBe(3);
    expect(ageOn('2000-02-29', '2004-02-29')).toBe(4);
    expect(ageOn('1964-02-29', '2024-02-29')).toBe(60);
    // 2100 is not a leap year (divisible by 100, not by 400).
    expect(ageOn('2096-02-29', '2100-02-28')).toBe(3);
    expect(ageOn('2096-02-29', '2100-03-01')).toBe(4);
  });

  it('does not move a 28 February or 1 March birthday', () => {
    expect(ageOn('2000-02-28', '2001-02-28')).toBe(1);
    expect(ageOn('2000-03-01', '2001-02-28')).toBe(0);
    expect(ageOn('2000-03-01', '2001-03-01')).toBe(1);
  });

  it('rejects dates that are not real YYYY-MM-DD dates with DATE_INVALID naming the argument', () => {
    const badBirth = thrownBy(IdentityError, () => ageOn('2001-02-29', '2024-01-01'));
    expect(badBirth.code).toBe('DATE_INVALID');
    expect(badBirth.details?.field).toBe('birthDate');
    for (const bad of ['2024-1-01', '20240101', '2024-13-01', '2024-04-31', '']) {
      const error = thrownBy(IdentityError, () => ageOn('2000-01-01', bad));
      expect(isIdentityError(error, 'DATE_INVALID'), bad).toBe(true);
      expect(error.details?.field).toBe('on');
    }
  });

  it('rejects a day before the birth date', () => {
    const error = thrownBy(IdentityError, () => ageOn('2000-01-02', '2000-01-01'));
    expect(error.code).toBe('DATE_INVALID');
    expect(error.details?.rule).toMatch(/before birthDate/u);
  });

  it('works with the birth date from parseResidentId', () => {
    expect(ageOn(parseResidentId('11010519491231002X', TODAY).birthDate, '2024-06-01')).toBe(74);
  });
});
