import { describe, expect, it } from 'vitest';
import { IdentityError, isIdentityError } from './errors.js';

describe('IdentityError', () => {
  it('carries a code, details and a cause, and is an Error', () => {
    const cause = new Error('inner');
    const error = new IdentityError('ID_FORMAT', '公民身份号码格式错误 (x)', { rule: 'r', field: 'idNumber' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IdentityError');
    expect(error.code).toBe('ID_FORMAT');
    expect(error.message).toBe('公民身份号码格式错误 (x)');
    expect(error.details).toEqual({ rule: 'r', field: 'idNumber' });
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('IdentityError');
  });

  it('may have no details', () => {
    expect(new IdentityError('KEY_FORMAT', 'm').details).toBeUndefined();
  });
});

describe('isIdentityError', () => {
  it('recognises identity errors, optionally by code', () => {
    const error = new IdentityError('CRYPTO_KEY_UNKNOWN', 'm', { rule: 'r', keyId: 'k1' });
    expect(isIdentityError(error)).toBe(true);
    expect(isIdentityError(error, 'CRYPTO_KEY_UNKNOWN')).toBe(true);
    expect(isIdentityError(error, 'CRYPTO_DECRYPT_FAILED')).toBe(false);
    expect(isIdentityError(new Error('m'))).toBe(false);
    expect(isIdentityError({ code: 'CRYPTO_KEY_UNKNOWN' })).toBe(false);
  });

  it('tells the region codes apart', () => {
    const error = new IdentityError('REGION_UNKNOWN', 'm', { rule: 'r', field: 'regionCode' });
    expect(isIdentityError(error, 'REGION_UNKNOWN')).toBe(true);
    expect(isIdentityError(error, 'REGION_FORMAT')).toBe(false);
    expect(isIdentityError(error, 'ID_REGION')).toBe(false);
  });
});
