import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import {
  createKeyring,
  decryptField,
  encryptField,
  isEncryptedField,
  keyIdOf,
  parseKeyring,
} from './field-crypto.js';

const KEY_1 = randomBytes(32);
const KEY_2 = randomBytes(32);
const AAD = 'evt-0b6c2f0e/members[0].person.idNumber';
const PLAINTEXT = '11010519491231002X';

/** Re-encodes a token's payload after `change` edits its bytes. */
function tamper(token: string, change: (payload: Buffer) => void): string {
  const [version, keyId, encoded] = token.split('.');
  const payload = Buffer.from(encoded!, 'base64url');
  change(payload);
  return `${version!}.${keyId!}.${payload.toString('base64url')}`;
}

describe('encryptField / decryptField', () => {
  const keyring = createKeyring({ k1: KEY_1 }, 'k1');

  it('round-trips text, including empty, Chinese and astral characters', () => {
    for (const plaintext of [PLAINTEXT, '', '张三丰', '广东省东莞市南城街道宏图路1号', '𠇔 emoji 😀', 'x'.repeat(10_000)]) {
      expect(decryptField(keyring, encryptField(keyring, plaintext, AAD), AAD)).toBe(plaintext);
    }
  });

  it('makes a self-describing v1 token with the active key id and iv | ciphertext | tag', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    expect(token).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+$/u);
    const payload = Buffer.from(token.split('.')[2]!, 'base64url');
    expect(payload.length).toBe(12 + Buffer.byteLength(PLAINTEXT) + 16);
    expect(token).not.toContain(PLAINTEXT);
  });

  it('uses a fresh IV each time, so equal values do not give equal tokens', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => encryptField(keyring, PLAINTEXT, AAD)));
    expect(tokens.size).toBe(50);
    const ivs = new Set([...tokens].map((token) => Buffer.from(token.split('.')[2]!, 'base64url').subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(50);
  });

  it('binds the token to its associated data: another field or event does not decrypt', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    for (const otherAad of ['evt-0b6c2f0e/guardian.idNumber', 'evt-ffffffff/members[0].person.idNumber', '', `${AAD} `]) {
      const error = thrownBy(IdentityError, () => decryptField(keyring, token, otherAad));
      expect(error.code).toBe('CRYPTO_DECRYPT_FAILED');
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('detects tampering with the IV, the ciphertext or the tag', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const length = Buffer.from(token.split('.')[2]!, 'base64url').length;
    for (const index of [0, 11, 12, 12 + 5, length - 16, length - 1]) {
      const tampered = tamper(token, (payload) => {
        payload[index] = (payload[index] ?? 0) ^ 0x01;
      });
      expect(thrownBy(IdentityError, () => decryptField(keyring, tampered, AAD)).code, `byte ${index}`).toBe('CRYPTO_DECRYPT_FAILED');
    }
  });

  it('detects a truncated ciphertext or tag', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const [version, keyId, encoded] = token.split('.');
    const payload = Buffer.from(encoded!, 'base64url');
    const shorter = `${version!}.${keyId!}.${payload.subarray(0, payload.length - 1).toString('base64url')}`;
    expect(thrownBy(IdentityError, () => decryptField(keyring, shorter, AAD)).code).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('fails with CRYPTO_DECRYPT_FAILED when the key id matches but the key bytes differ', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const impostor = createKeyring({ k1: KEY_2 }, 'k1');
    const error = thrownBy(IdentityError, () => decryptField(impostor, token, AAD));
    expect(error.code).toBe('CRYPTO_DECRYPT_FAILED');
    expect(error.details?.keyId).toBe('k1');
  });

  it('fails with CRYPTO_KEY_UNKNOWN when the keyring lacks the key (a consumer without the key)', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const consumer = createKeyring({ other: KEY_2 }, 'other');
    const error = thrownBy(IdentityError, () => decryptField(consumer, token, AAD));
    expect(error.code).toBe('CRYPTO_KEY_UNKNOWN');
    expect(error.details?.keyId).toBe('k1');
    expect(error.message).toContain('k1');
  });

  it('moving a token to another key id is caught (unknown key or failed authentication)', () => {
    const both = createKeyring({ k1: KEY_1, k2: KEY_2 }, 'k1');
    const relabelled = encryptField(both, PLAINTEXT, AAD).replace(/^v1\.k1\./u, 'v1.k2.');
    expect(thrownBy(IdentityError, () => decryptField(both, relabelled, AAD)).code).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('rejects what is not a v1 token with CRYPTO_TOKEN_FORMAT, never echoing the value', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const encoded = token.split('.')[2]!;
    const bad = [
      PLAINTEXT,
      '',
      'v1.k1.',
      `v1..${encoded}`,
      `v1.k1.${encoded}.extra`,
      `v1.k 1.${encoded}`,
      `v1.${'k'.repeat(33)}.${encoded}`,
      `V1.k1.${encoded}`,
      `v1.k1.${encoded}=`,
      `v1.k1.${encoded.slice(0, 20)}+/${encoded.slice(22)}`,
      `v1.k1.${Buffer.alloc(27).toString('base64url')}`,
      ` ${token}`,
    ];
    for (const value of bad) {
      const error = thrownBy(IdentityError, () => decryptField(keyring, value, AAD));
      expect(error.code, value).toBe('CRYPTO_TOKEN_FORMAT');
      if (value !== '') expect(error.message).not.toContain(value);
    }
    expect(thrownBy(IdentityError, () => decryptField(keyring, PLAINTEXT, AAD)).message).not.toContain(PLAINTEXT);
  });

  it('rejects non-canonical base64url (trailing bits changed), which would otherwise decode the same', () => {
    const token = encryptField(keyring, 'a', AAD);
    // 12 + 1 + 16 = 29 bytes → 39 characters; the last one carries 2 unused bits.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    const variant = token.slice(0, -1) + sibling;
    expect(Buffer.from(variant.split('.')[2]!, 'base64url').equals(Buffer.from(token.split('.')[2]!, 'base64url'))).toBe(true);
    expect(thrownBy(IdentityError, () => decryptField(keyring, variant, AAD)).code).toBe('CRYPTO_TOKEN_FORMAT');
  });

  it('names an unsupported version as such', () => {
    const token = encryptField(keyring, PLAINTEXT, AAD);
    const error = thrownBy(IdentityError, () => decryptField(keyring, token.replace(/^v1\./u, 'v2.'), AAD));
    expect(error.code).toBe('CRYPTO_TOKEN_FORMAT');
    expect(error.details?.rule).toMatch(/unsupported token version/u);
  });

  it('refuses input with lone surrogates, which could not round-trip', () => {
    expect(thrownBy(IdentityError, () => encryptField(keyring, 'a\uD800b', AAD)).details?.field).toBe('plaintext');
    expect(thrownBy(IdentityError, () => encryptField(keyring, 'ok', 'evt\uDC00')).code).toBe('CRYPTO_INPUT_INVALID');
    const token = encryptField(keyring, 'ok', AAD);
    expect(thrownBy(IdentityError, () => decryptField(keyring, token, '\uD800')).code).toBe('CRYPTO_INPUT_INVALID');
  });
});

describe('key rotation', () => {
  it('encrypts with the active key and still decrypts tokens made with an older key', () => {
    const before = parseKeyring(`k1:${KEY_1.toString('base64')}`);
    const oldToken = encryptField(before, PLAINTEXT, AAD);
    expect(keyIdOf(oldToken)).toBe('k1');

    const after = parseKeyring(`k1:${KEY_1.toString('base64')},k2:${KEY_2.toString('base64')}`);
    expect(after.activeKeyId).toBe('k2');
    const newToken = encryptField(after, PLAINTEXT, AAD);
    expect(keyIdOf(newToken)).toBe('k2');
    expect(decryptField(after, oldToken, AAD)).toBe(PLAINTEXT);
    expect(decryptField(after, newToken, AAD)).toBe(PLAINTEXT);

    // A consumer still on the old keyring cannot read the new token, and says why.
    expect(thrownBy(IdentityError, () => decryptField(before, newToken, AAD)).code).toBe('CRYPTO_KEY_UNKNOWN');

    // Once k1 is retired, its tokens no longer decrypt.
    const retired = parseKeyring(`k2:${KEY_2.toString('base64')}`);
    expect(thrownBy(IdentityError, () => decryptField(retired, oldToken, AAD)).details?.keyId).toBe('k1');
  });

  it('lets an explicit active key id override "last entry wins"', () => {
    const keyring = parseKeyring(`k1:${KEY_1.toString('base64')},k2:${KEY_2.toString('base64')}`, 'k1');
    expect(keyring.activeKeyId).toBe('k1');
    expect(keyIdOf(encryptField(keyring, PLAINTEXT, AAD))).toBe('k1');
  });
});

describe('parseKeyring', () => {
  it('reads ids and 32-byte keys in base64 or base64url, ignoring whitespace around entries', () => {
    const keyring = parseKeyring(` 2024-01 : ${KEY_1.toString('base64')} ,\n2024_07:${KEY_2.toString('base64url')} `);
    expect(keyring.keyIds).toEqual(['2024-01', '2024_07']);
    expect(keyring.activeKeyId).toBe('2024_07');
    expect(Buffer.from(keyring.key('2024-01')!).equals(KEY_1)).toBe(true);
    expect(Buffer.from(keyring.key('2024_07')!).equals(KEY_2)).toBe(true);
    expect(keyring.key('nope')).toBeUndefined();
  });

  it('is frozen, hands out copies of keys, and does not print key material', () => {
    const keyring = parseKeyring(`k1:${KEY_1.toString('base64')}`);
    expect(Object.isFrozen(keyring)).toBe(true);
    expect(Object.isFrozen(keyring.keyIds)).toBe(true);
    keyring.key('k1')!.fill(0);
    expect(Buffer.from(keyring.key('k1')!).equals(KEY_1)).toBe(true);
    const printed = `${JSON.stringify(keyring)} ${inspect(keyring, { depth: 10, showHidden: true })}`;
    expect(printed).not.toContain(KEY_1.toString('base64'));
    expect(printed).not.toContain(KEY_1.toString('hex'));
    expect(printed).not.toContain(String(KEY_1[0]) + ', ' + String(KEY_1[1]));
  });

  const good = KEY_1.toString('base64');
  const short = randomBytes(16).toString('base64');
  const long = randomBytes(48).toString('base64');
  const cases: { spec: string; rule: RegExp; entry?: number; keyId?: string; secrets: string[] }[] = [
    { spec: '', rule: /is empty/u, secrets: [] },
    { spec: '  ', rule: /is empty/u, secrets: [] },
    { spec: good, rule: /entry 1 is not id:base64key/u, entry: 1, secrets: [good] },
    { spec: `k1:${good},`, rule: /entry 2 is empty/u, entry: 2, secrets: [good] },
    { spec: `k1:${good},,k2:${good}`, rule: /entry 2 is empty/u, entry: 2, secrets: [good] },
    { spec: `bad id:${good}`, rule: /entry 1: the key id must match/u, entry: 1, secrets: [good, 'bad id'] },
    { spec: `:${good}`, rule: /entry 1: the key id must match/u, entry: 1, secrets: [good] },
    { spec: `${'k'.repeat(33)}:${good}`, rule: /entry 1: the key id must match/u, entry: 1, secrets: [good, 'k'.repeat(33)] },
    { spec: `k1:${good},k1:${good}`, rule: /entry 2: key id "k1" appears more than once/u, entry: 2, keyId: 'k1', secrets: [good] },
    { spec: `k1:${good},k2:${good.slice(0, 20)}!${good.slice(21)}`, rule: /entry 2 \(key id "k2"\): the key is not valid base64/u, entry: 2, keyId: 'k2', secrets: [good.slice(0, 20)] },
    { spec: `k1:`, rule: /entry 1 \(key id "k1"\): the key is not valid base64/u, entry: 1, keyId: 'k1', secrets: [] },
    { spec: `k1:${short}`, rule: /entry 1 \(key id "k1"\): the key must be 32 bytes \(got 16\)/u, entry: 1, keyId: 'k1', secrets: [short] },
    { spec: `k1:${long}`, rule: /the key must be 32 bytes \(got 48\)/u, entry: 1, keyId: 'k1', secrets: [long] },
  ];

  for (const { spec, rule, entry, keyId, secrets } of cases) {
    it(`rejects ${JSON.stringify(spec.replace(/[A-Za-z0-9+/=]{16,}/gu, '<key>'))} with KEYRING_FORMAT`, () => {
      const error = thrownBy(IdentityError, () => parseKeyring(spec));
      expect(error.code).toBe('KEYRING_FORMAT');
      expect(error.details?.field).toBe('MZ_FIELD_KEYS');
      expect(error.details?.rule).toMatch(rule);
      expect(error.details?.entry).toBe(entry);
      expect(error.details?.keyId).toBe(keyId);
      expect(error.message).toContain('MZ_FIELD_KEYS');
      const shown = `${error.message} ${JSON.stringify(error.details)}`;
      for (const secret of secrets) {
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(secret.slice(0, 12));
      }
    });
  }

  it('names the variable it was given', () => {
    const error = thrownBy(IdentityError, () => parseKeyring('nonsense', undefined, 'MZ_EXCHANGE_FIELD_KEYS'));
    expect(error.details?.field).toBe('MZ_EXCHANGE_FIELD_KEYS');
    expect(error.message).toContain('MZ_EXCHANGE_FIELD_KEYS');
    expect(error.message).not.toContain('nonsense');
  });

  it('rejects an active key id that is not in the keyring, listing the ids it has', () => {
    const error = thrownBy(IdentityError, () => parseKeyring(`k1:${good},k2:${KEY_2.toString('base64')}`, 'k3'));
    expect(error.code).toBe('KEYRING_FORMAT');
    expect(error.details?.rule).toBe('the active key id "k3" is not among the key ids (k1, k2)');
    expect(error.message).not.toContain(good);
    // An active "id" that is not a well-formed id (maybe a key pasted in the wrong variable) is not repeated.
    const pasted = thrownBy(IdentityError, () => parseKeyring(`k1:${good}`, KEY_2.toString('base64')));
    expect(pasted.message).not.toContain(KEY_2.toString('base64').slice(0, 12));
  });
});

describe('createKeyring', () => {
  it('builds a keyring from keys in memory and copies them', () => {
    const key = Uint8Array.from(KEY_1);
    const keyring = createKeyring({ a: key, b: KEY_2 }, 'a');
    expect(keyring.keyIds).toEqual(['a', 'b']);
    expect(keyring.activeKeyId).toBe('a');
    const token = encryptField(keyring, PLAINTEXT, AAD);
    key.fill(0);
    expect(decryptField(keyring, token, AAD)).toBe(PLAINTEXT);
  });

  it('rejects bad ids, wrong key lengths and a missing active key with KEYRING_FORMAT', () => {
    expect(thrownBy(IdentityError, () => createKeyring({ 'a.b': KEY_1 }, 'a.b')).code).toBe('KEYRING_FORMAT');
    const short = thrownBy(IdentityError, () => createKeyring({ a: new Uint8Array(31) }, 'a'));
    expect(short.code).toBe('KEYRING_FORMAT');
    expect(short.details?.keyId).toBe('a');
    expect(thrownBy(IdentityError, () => createKeyring({ a: KEY_1 }, 'b')).code).toBe('KEYRING_FORMAT');
    expect(thrownBy(IdentityError, () => createKeyring({}, 'a')).code).toBe('KEYRING_FORMAT');
  });
});

describe('a hand-written Keyring', () => {
  it('fails cleanly when its active key is missing or has the wrong length', () => {
    const missing = { activeKeyId: 'x', keyIds: [], key: (): Uint8Array | undefined => undefined };
    expect(thrownBy(IdentityError, () => encryptField(missing, PLAINTEXT, AAD)).code).toBe('CRYPTO_KEY_UNKNOWN');
    const wrong = { activeKeyId: 'x', keyIds: ['x'], key: (): Uint8Array | undefined => new Uint8Array(16) };
    expect(thrownBy(IdentityError, () => encryptField(wrong, PLAINTEXT, AAD)).code).toBe('KEYRING_FORMAT');
  });
});

describe('keyIdOf / isEncryptedField', () => {
  const keyring = createKeyring({ 'key-2024_07': KEY_1 }, 'key-2024_07');
  const token = encryptField(keyring, PLAINTEXT, AAD);

  it('reads the key id of a well-formed token without a key', () => {
    expect(keyIdOf(token)).toBe('key-2024_07');
    expect(isEncryptedField(token)).toBe(true);
  });

  it('says no for plaintext and malformed tokens', () => {
    for (const value of [PLAINTEXT, '', 'v1.k1', 'v1.k1.', 'v2.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `v1.k1.${'A'.repeat(36)}`]) {
      expect(keyIdOf(value), value).toBeUndefined();
      expect(isEncryptedField(value), value).toBe(false);
    }
  });
});

describe('IV pool (regression: IVs cut from a shared random pool)', () => {
  it('never repeats an IV, across pool refills, and every token still decrypts', () => {
    const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
    const tokens = Array.from({ length: 3_000 }, () => encryptField(keyring, '44200019460101123X', 'aad'));
    const ivs = new Set(tokens.map((token) => Buffer.from(token.split('.')[2] ?? '', 'base64url').subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(3_000);
    for (const token of tokens.slice(1_020, 1_030)) expect(decryptField(keyring, token, 'aad')).toBe('44200019460101123X');
  });
});
