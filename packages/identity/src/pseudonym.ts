/**
 * Keyed pseudonyms (人员假名键). Every department must be able to join records about the same
 * person, but an event that crosses a department boundary should not reveal who that is. A
 * plain hash of the ID number does not protect anything: there are only about 10^11 plausible
 * numbers (region x birth date x sequence; far fewer for one city), so a table of every hash is
 * cheap to build.
 * An HMAC under a secret key shared by the platform gives the same join key everywhere without
 * that weakness; whoever lacks the key cannot turn a pseudonym back into a number.
 *
 * Rotating the pseudonym key changes every `personKey`, so it is a data migration, not a
 * routine operation (unlike field-encryption keys).
 */
import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64.js';
import { IdentityError } from './errors.js';
import { parseResidentId } from './resident-id.js';

/** HMAC-SHA256 keys shorter than the hash output weaken it; 32 bytes is also what `openssl rand -base64 32` gives. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

const PERSON_KEY_PATTERN = /^[0-9a-f]{64}$/u;

export interface Pseudonymizer {
  /**
   * The pseudonym of a person: lowercase hex HMAC-SHA256 of the normalised ID number. The same
   * person gets the same key whatever way the number was typed (full-width, lower-case x,
   * spaces). Throws the `parseResidentId` errors for an invalid number, so a typo never becomes
   * a pseudonym of nobody. A function property rather than a method: it does not use `this`,
   * so it can be passed around on its own (`const { personKey } = pseudonymizer`).
   */
  readonly personKey: (idNumber: string) => string;
  /**
   * A keyed digest of any personal value (a name, a phone number) within a `domain` (e.g. the field
   * name): lowercase hex HMAC-SHA256 of `domain`, U+001F and the text. Equal values give equal
   * digests, so stores compare them without decrypting; nobody without the key can test a guess.
   */
  readonly valueKey: (domain: string, text: string) => string;
}

/** The imported key of each pseudonymizer, for `pseudonymizerKey`. */
const importedKeys = new WeakMap<Pseudonymizer, KeyObject>();

/**
 * A pseudonymizer bound to `key` (at least 32 bytes, else `PSEUDONYM_KEY_TOO_SHORT`). The key is
 * copied, so later changes to the caller's array do not change the pseudonyms. A `KeyObject` (from
 * `pseudonymizerKey`, e.g. on a worker thread) gives the same pseudonyms as its bytes.
 */
export function createPseudonymizer(key: Uint8Array | KeyObject): Pseudonymizer {
  const size = key instanceof KeyObject ? (key.symmetricKeySize ?? 0) : key.length;
  if (size < MIN_PSEUDONYM_KEY_BYTES) {
    const rule = `the pseudonym key must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes (got ${size})`;
    throw new IdentityError('PSEUDONYM_KEY_TOO_SHORT', `假名密钥过短 (${rule})`, { rule });
  }
  // Imported once: `createHmac` with raw key bytes imports the key on every call (about 19 µs
  // against under 3 µs with a KeyObject), which matters at bulk-upload rates.
  const secret = key instanceof KeyObject ? key : createSecretKey(Uint8Array.from(key));
  const pseudonymizer: Pseudonymizer = Object.freeze({
    personKey: (idNumber: string): string => {
      const { normalized } = parseResidentId(idNumber);
      return createHmac('sha256', secret).update(normalized, 'utf8').digest('hex');
    },
    valueKey: (domain: string, text: string): string => createHmac('sha256', secret).update(`${domain}\u001f${text}`, 'utf8').digest('hex'),
  });
  importedKeys.set(pseudonymizer, secret);
  return pseudonymizer;
}

/**
 * The key of a pseudonymizer made by `createPseudonymizer`, as a `KeyObject`: it crosses to a
 * worker thread (`workerData`, `postMessage`) without its bytes ever being a plain value, and
 * `createPseudonymizer` there gives the same pseudonyms.
 */
export function pseudonymizerKey(pseudonymizer: Pseudonymizer): KeyObject {
  const key = importedKeys.get(pseudonymizer);
  if (key === undefined) throw new Error('pseudonymizerKey: not a pseudonymizer made by createPseudonymizer');
  return key;
}

/**
 * Reads a key from configuration: base64 or base64url, padded or not, surrounding whitespace
 * ignored, at least 32 bytes once decoded. Errors (`KEY_FORMAT`) name the variable `name` and
 * never repeat its value.
 */
export function parseKey(base64: string, name: string): Uint8Array {
  const text = base64.trim();
  if (text === '') {
    throw keyFormatError(name, `${name} is empty`);
  }
  const bytes = decodeBase64Strict(text);
  if (bytes === undefined) {
    throw keyFormatError(name, `${name} is not valid base64 or base64url`);
  }
  if (bytes.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw keyFormatError(name, `${name} must decode to at least ${MIN_PSEUDONYM_KEY_BYTES} bytes (got ${bytes.length})`);
  }
  return bytes;
}

/** True for a value shaped like a `personKey`: 64 lowercase hex characters. */
export function isPersonKey(value: string): boolean {
  return PERSON_KEY_PATTERN.test(value);
}

function keyFormatError(name: string, rule: string): IdentityError {
  return new IdentityError('KEY_FORMAT', `密钥配置错误 (${rule}; generate one with: openssl rand -base64 32)`, {
    field: name,
    rule,
  });
}
