import { describe, expect, it } from 'vitest';
import { thrown } from '../test-support/thrown.js';
import { isCharityError } from './errors.js';
import { parseUscc, usccCheckCharacter } from './uscc.js';

describe('unified social credit code (GB 32100)', () => {
  it('computes the check character of published codes', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(usccCheckCharacter('91110000600037341')).toBe('L');
  });

  it('accepts a valid code, upper-casing it, and reads its parts', () => {
    const info = parseUscc(' 53442000mjl0000018 ');
    expect(info).toEqual({ code: '53442000MJL0000018', registrationAuthority: '5', organisationKind: '3', regionCode: '442000' });
  });

  it('refuses a wrong check character with a code naming the field', () => {
    try {
      parseUscc('53442000MJL0000019', 'organiserId');
      expect.unreachable();
    } catch (error) {
      expect(isCharityError(error, 'CHARITY_USCC_CHECK_CHARACTER')).toBe(true);
      expect(isCharityError(error) && error.details.field).toBe('organiserId');
    }
  });

  it.each([
    ['too short', '5344200MJL000001'],
    ['a letter outside the alphabet (I)', '53442000MJI0000018'],
    ['letters where the region code goes', '5344A000MJL0000018'],
  ])('refuses a malformed code: %s', (_case, code) => {
    expect(thrown(() => parseUscc(code))).toMatchObject({ code: 'CHARITY_USCC_FORMAT', details: { field: 'creditCode' } });
  });
});
