/**
 * Every code this package throws. The table in the package README says what each one means and
 * what to do about it; services map them to their own 4xx codes or to a dead-letter reason.
 */
export type IdentityErrorCode =
  /** Not 17 digits followed by a digit or X after normalisation (includes 15-digit legacy numbers). */
  | 'ID_FORMAT'
  /** The first two digits of the ID number are not a province-level division code. */
  | 'ID_REGION'
  /** The birth date inside the ID number is not a real date, is before 1900-01-01, or is in the future. */
  | 'ID_BIRTH_DATE'
  /** The 18th character does not match the GB 11643 check digit of the first 17. */
  | 'ID_CHECK_DIGIT'
  /** A date argument is not a real `YYYY-MM-DD` date, or the dates are out of order. */
  | 'DATE_INVALID'
  /** The HMAC key given to `createPseudonymizer` is shorter than 32 bytes. */
  | 'PSEUDONYM_KEY_TOO_SHORT'
  /** A key read from configuration is empty, not base64/base64url, or too short. */
  | 'KEY_FORMAT'
  /** A keyring specification (or `createKeyring` input) is malformed. */
  | 'KEYRING_FORMAT'
  /** The value to decrypt is not a `v1.<keyId>.<payload>` field token. */
  | 'CRYPTO_TOKEN_FORMAT'
  /** The token's key id is not in this keyring (e.g. a consumer that was not given that key). */
  | 'CRYPTO_KEY_UNKNOWN'
  /** Authentication failed: wrong key, wrong associated data, or a tampered token. */
  | 'CRYPTO_DECRYPT_FAILED'
  /** Plaintext or associated data is not well-formed Unicode (lone surrogates), so it cannot round-trip. */
  | 'CRYPTO_INPUT_INVALID'
  /** A region code is not 6 (city), 9 (town) or 12 (village/community) digits, or not the level the function needs. */
  | 'REGION_FORMAT'
  /** A well-formed region code that names no unit in the region table on the given date. */
  | 'REGION_UNKNOWN';

/**
 * What went wrong, in a form a service can return as `details` or log. Never carries personal
 * data or key material: an ID number, a key or a token is never copied in here.
 */
export interface IdentityErrorDetails {
  /** The argument or configuration variable at fault, e.g. `MZ_FIELD_KEYS`, `birthDate`, `aad`. */
  readonly field?: string;
  /** The rule that was broken, in English words. */
  readonly rule: string;
  /** The value that would have been right, where showing it leaks nothing (e.g. the check digit). */
  readonly expected?: string;
  /** The key id involved, for key-lookup and keyring errors. Key ids are not secret. */
  readonly keyId?: string;
  /** 1-based position of the bad entry in a comma-separated keyring specification. */
  readonly entry?: number;
}

/**
 * The one error type of `@minzheng/identity`. `code` is stable and documented; `message` is for
 * people (Chinese, then English in parentheses). Programming bugs (e.g. an invalid `Date` passed
 * as "today") stay plain errors, so they are never mistaken for bad input.
 */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly details?: IdentityErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True when `error` is an `IdentityError`, optionally with the given code. */
export function isIdentityError(error: unknown, code?: IdentityErrorCode): error is IdentityError {
  return error instanceof IdentityError && (code === undefined || error.code === code);
}
