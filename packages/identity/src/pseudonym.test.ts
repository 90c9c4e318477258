import { createHmac, KeyObject, randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { createPseudonymizer, isPersonKey, MIN_PSEUDONYM_KEY_BYTES, parseKey, pseudonymizerKey } from './pseudonym.js';
import { residentIdCheckDigit } from './resident-id.js';

const KEY = new Uint8Array(32).map((_, index) => index + 1);
const ID = '11010519491231002X';
const OTHER_FIRST_17 = '44200019460101123';
const OTHER_ID = OTHER_FIRST_17 + residentIdCheckDigit(OTHER_FIRST_17);

describe('createPseudonymizer', () => {
  it('is the lowercase hex HMAC-SHA256 of the normalised number', () => {
    const expected = createHmac('sha256', KEY).update(ID).digest('hex');
    const personKey = createPseudonymizer(KEY).personKey(ID);
    expect(personKey).toBe(expected);
    expect(personKey).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('is deterministic across calls and across pseudonymizers with the same key', () => {
    const a = createPseudonymizer(KEY);
    const b = createPseudonymizer(Uint8Array.from(KEY));
    expect(a.personKey(ID)).toBe(a.personKey(ID));
    expect(a.personKey(ID)).toBe(b.personKey(ID));
  });

  it('hands its key across threads as a KeyObject that gives the same pseudonyms', () => {
    const original = createPseudonymizer(KEY);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(pseudonymizerKey(original));
    const received: unknown = receiveMessageOnPort(port2)?.message;
    port1.close();
    expect(received).toBeInstanceOf(KeyObject);
    if (!(received instanceof KeyObject)) return;
    expect(createPseudonymizer(received).personKey(ID)).toBe(original.personKey(ID));
    expect(() => pseudonymizerKey({ personKey: () => '', valueKey: () => '' })).toThrow(/not a pseudonymizer/u);
  });

  it('digests other personal values per domain, apart from person keys', () => {
    const { valueKey, personKey } = createPseudonymizer(KEY);
    expect(valueKey('name', '何国强')).toBe(createHmac('sha256', KEY).update('name\u001f何国强').digest('hex'));
    expect(valueKey('name', '何国强')).not.toBe(valueKey('phone', '何国强'));
    expect(valueKey('idNumber', ID)).not.toBe(personKey(ID));
  });

  it('gives the same key however the number was typed', () => {
    const { personKey } = createPseudonymizer(KEY);
    const canonical = personKey(ID);
    expect(personKey('11010519491231002x')).toBe(canonical);
    expect(personKey(' １１０１０５ １９４９１２３１ ００２Ｘ ')).toBe(canonical);
  });

  it('gives different people different keys', () => {
    const { personKey } = createPseudonymizer(KEY);
    expect(personKey(OTHER_ID)).not.toBe(personKey(ID));
  });

  it('depends on the key: a one-bit change gives an unrelated pseudonym', () => {
    const flipped = Uint8Array.from(KEY);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const original = createPseudonymizer(KEY).personKey(ID);
    const other = createPseudonymizer(flipped).personKey(ID);
    expect(other).not.toBe(original);
    // Not a plain hash of the number either.
    expect(original).not.toBe(createHmac('sha256', '').update(ID).digest('hex'));
  });

  it('copies the key, so changing the caller array later changes nothing', () => {
    const key = Uint8Array.from(KEY);
    const pseudonymizer = createPseudonymizer(key);
    const before = pseudonymizer.personKey(ID);
    key.fill(0);
    expect(pseudonymizer.personKey(ID)).toBe(before);
  });

  it('accepts keys longer than 32 bytes', () => {
    expect(isPersonKey(createPseudonymizer(randomBytes(64)).personKey(ID))).toBe(true);
  });

  it('rejects keys shorter than 32 bytes with PSEUDONYM_KEY_TOO_SHORT', () => {
    for (const length of [0, 16, MIN_PSEUDONYM_KEY_BYTES - 1]) {
      const error = thrownBy(IdentityError, () => createPseudonymizer(new Uint8Array(length)));
      expect(error.code).toBe('PSEUDONYM_KEY_TOO_SHORT');
      expect(error.details?.rule).toContain(`got ${length}`);
    }
  });

  it('refuses invalid numbers with the resident-id error codes, so a typo never gets a pseudonym', () => {
    const { personKey } = createPseudonymizer(KEY);
    expect(thrownBy(IdentityError, () => personKey('110105194912310021')).code).toBe('ID_CHECK_DIGIT');
    expect(thrownBy(IdentityError, () => personKey('1101051949123100')).code).toBe('ID_FORMAT');
    const abroad = '99010519491231002';
    expect(thrownBy(IdentityError, () => personKey(abroad + residentIdCheckDigit(abroad))).code).toBe('ID_REGION');
    const future = '11010529990101002';
    expect(thrownBy(IdentityError, () => personKey(future + residentIdCheckDigit(future))).code).toBe('ID_BIRTH_DATE');
  });
});

describe('parseKey', () => {
  const raw = randomBytes(32);

  it('decodes standard base64, base64url, padded or not, and trims whitespace', () => {
    const forms = [
      raw.toString('base64'),
      raw.toString('base64url'),
      raw.toString('base64').replace(/=+$/u, ''),
      `  ${raw.toString('base64')}\n`,
    ];
    for (const form of forms) {
      expect(Buffer.from(parseKey(form, 'MZ_PSEUDONYM_KEY')).equals(raw), form).toBe(true);
    }
  });

  it('returns a fresh Uint8Array that works with createPseudonymizer', () => {
    const key = parseKey(raw.toString('base64'), 'MZ_PSEUDONYM_KEY');
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.byteLength).toBe(32);
    expect(key.buffer.byteLength).toBe(32);
    expect(isPersonKey(createPseudonymizer(key).personKey(ID))).toBe(true);
  });

  it('rejects empty, non-base64 and short values with KEY_FORMAT naming the variable', () => {
    const secretLooking = `${raw.toString('base64').slice(0, 20)}!!${raw.toString('base64').slice(22)}`;
    const cases: [string, RegExp][] = [
      ['', /is empty/u],
      ['   ', /is empty/u],
      [secretLooking, /not valid base64/u],
      [`${raw.toString('base64')} ${raw.toString('base64')}`, /not valid base64/u],
      ['AB+/CD-_'.repeat(6), /not valid base64/u],
      ['QUJD=', /not valid base64/u],
      ['A', /not valid base64/u],
      [randomBytes(31).toString('base64'), /at least 32 bytes \(got 31\)/u],
    ];
    for (const [value, rule] of cases) {
      const error = thrownBy(IdentityError, () => parseKey(value, 'MZ_PSEUDONYM_KEY'));
      expect(error.code).toBe('KEY_FORMAT');
      expect(error.details?.field).toBe('MZ_PSEUDONYM_KEY');
      expect(error.details?.rule).toMatch(rule);
      expect(error.message).toContain('MZ_PSEUDONYM_KEY');
      if (value.trim() !== '') {
        expect(error.message).not.toContain(value.trim().slice(0, 8));
        expect(JSON.stringify(error.details)).not.toContain(value.trim().slice(0, 8));
      }
    }
  });
});

describe('isPersonKey', () => {
  it('accepts 64 lowercase hex characters only', () => {
    expect(isPersonKey(createPseudonymizer(KEY).personKey(ID))).toBe(true);
    expect(isPersonKey('a'.repeat(64))).toBe(true);
    expect(isPersonKey('A'.repeat(64))).toBe(false);
    expect(isPersonKey('a'.repeat(63))).toBe(false);
    expect(isPersonKey('a'.repeat(65))).toBe(false);
    expect(isPersonKey('g'.repeat(64))).toBe(false);
    expect(isPersonKey(`${'a'.repeat(64)}\n`)).toBe(false);
    expect(isPersonKey(ID)).toBe(false);
  });
});
