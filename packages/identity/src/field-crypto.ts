/**
 * Encryption of personal fields (names, ID numbers, phone numbers, addresses) on the wire and at
 * rest: AES-256-GCM, one random 12-byte IV per value, and associated data that ties each
 * ciphertext to where it belongs (e.g. event id + field path), so a ciphertext copied into
 * another field or event does not decrypt.
 *
 * A token names the key that made it (`v1.<keyId>.<payload>`), which is what makes rotation
 * cheap: add a new key at the end of the keyring, and new values use it while old values still
 * decrypt for as long as their key stays in the keyring. A consumer that was never given a key
 * gets `CRYPTO_KEY_UNKNOWN`, not garbage.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64.js';
import { IdentityError } from './errors.js';

/** AES-256 keys are 32 bytes. */
export const FIELD_KEY_BYTES = 32;
/** The configuration variable a service reads its keyring from, by convention. */
export const DEFAULT_KEYRING_VARIABLE = 'MZ_FIELD_KEYS';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/u;
const TOKEN_PATTERN = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)$/u;
const VERSIONED_PATTERN = /^v\d+\./u;

/**
 * The keys a service holds. `key(id)` returns `undefined` for an id it does not hold; the active
 * key is the one new values are encrypted with.
 */
export interface Keyring {
  readonly activeKeyId: string;
  key(id: string): Uint8Array | undefined;
  readonly keyIds: readonly string[];
}

/**
 * Reads a keyring from configuration: `id1:base64key,id2:base64key` (base64 or base64url,
 * 32-byte keys, ids matching `[A-Za-z0-9_-]{1,32}`, whitespace around entries ignored). The active
 * key is `activeKeyId` when given, otherwise the LAST entry, so rotation is "append a key".
 * Errors (`KEYRING_FORMAT`) name the variable and the entry by position (and by key id once the
 * id is known to be well-formed); they never repeat key material.
 */
export function parseKeyring(spec: string, activeKeyId?: string, variableName = DEFAULT_KEYRING_VARIABLE): Keyring {
  const fail = (rule: string, extra: { entry?: number; keyId?: string } = {}): IdentityError =>
    new IdentityError('KEYRING_FORMAT', `字段加密密钥环配置错误 (${variableName}: ${rule})`, {
      field: variableName,
      rule,
      ...extra,
    });

  if (spec.trim() === '') {
    throw fail('is empty; expected id:base64key[,id:base64key...]');
  }
  const keys = new Map<string, Uint8Array>();
  spec.split(',').forEach((rawEntry, index) => {
    const entry = index + 1;
    const text = rawEntry.trim();
    if (text === '') {
      throw fail(`entry ${entry} is empty; expected id:base64key[,id:base64key...]`, { entry });
    }
    const colon = text.indexOf(':');
    if (colon < 0) {
      throw fail(`entry ${entry} is not id:base64key`, { entry });
    }
    const keyId = text.slice(0, colon).trim();
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw fail(`entry ${entry}: the key id must match ${KEY_ID_PATTERN.source}`, { entry });
    }
    if (keys.has(keyId)) {
      throw fail(`entry ${entry}: key id "${keyId}" appears more than once`, { entry, keyId });
    }
    const key = decodeBase64Strict(text.slice(colon + 1).trim());
    if (key === undefined) {
      throw fail(`entry ${entry} (key id "${keyId}"): the key is not valid base64 or base64url`, { entry, keyId });
    }
    if (key.length !== FIELD_KEY_BYTES) {
      throw fail(`entry ${entry} (key id "${keyId}"): the key must be ${FIELD_KEY_BYTES} bytes (got ${key.length})`, {
        entry,
        keyId,
      });
    }
    keys.set(keyId, key);
  });

  const active = activeKeyId ?? [...keys.keys()].at(-1) ?? '';
  if (!keys.has(active)) {
    const shown = KEY_ID_PATTERN.test(active) ? `"${active}"` : 'given';
    throw fail(`the active key id ${shown} is not among the key ids (${[...keys.keys()].join(', ')})`);
  }
  return freezeKeyring(keys, active);
}

/**
 * A keyring from keys already in memory (tests, or keys from a secret store). Same rules as
 * `parseKeyring`; the keys are copied.
 */
export function createKeyring(keys: Record<string, Uint8Array>, activeKeyId: string): Keyring {
  const copies = new Map<string, Uint8Array>();
  for (const [keyId, key] of Object.entries(keys)) {
    if (!KEY_ID_PATTERN.test(keyId)) {
      const rule = `key ids must match ${KEY_ID_PATTERN.source}`;
      throw new IdentityError('KEYRING_FORMAT', `字段加密密钥环配置错误 (${rule})`, { rule });
    }
    if (key.length !== FIELD_KEY_BYTES) {
      const rule = `key "${keyId}" must be ${FIELD_KEY_BYTES} bytes (got ${key.length})`;
      throw new IdentityError('KEYRING_FORMAT', `字段加密密钥环配置错误 (${rule})`, { rule, keyId });
    }
    copies.set(keyId, Uint8Array.from(key));
  }
  if (!copies.has(activeKeyId)) {
    const rule = 'the active key id is not among the key ids';
    throw new IdentityError('KEYRING_FORMAT', `字段加密密钥环配置错误 (${rule})`, { rule });
  }
  return freezeKeyring(copies, activeKeyId);
}

/**
 * Encrypts `plaintext` with the keyring's active key, binding it to `aad` (authenticated, not
 * encrypted, not stored in the token: the reader must supply the same value). Returns
 * `v1.<keyId>.<base64url(iv | ciphertext | tag)>`. Each call draws a fresh random IV, so the
 * same value encrypts differently every time; the birthday bound of random 96-bit IVs means a
 * key should be rotated well before 2^32 encryptions.
 */
export function encryptField(keyring: Keyring, plaintext: string, aad: string): string {
  requireWellFormed(plaintext, 'plaintext');
  requireWellFormed(aad, 'aad');
  const keyId = keyring.activeKeyId;
  const key = usableKey(keyring, keyId);
  const iv = nextIv();
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const payload = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
  return `v1.${keyId}.${payload.toString('base64url')}`;
}

/**
 * Decrypts a token made by `encryptField` with the same `aad`. Throws `CRYPTO_TOKEN_FORMAT` for
 * anything that is not a v1 token, `CRYPTO_KEY_UNKNOWN` when this keyring lacks the token's key,
 * and `CRYPTO_DECRYPT_FAILED` when authentication fails (wrong key bytes, wrong `aad`, tampered).
 * Error messages never repeat the token: a plaintext passed by mistake must not reach the logs.
 */
export function decryptField(keyring: Keyring, token: string, aad: string): string {
  const parsed = parseToken(token);
  if (parsed === undefined) {
    const rule = VERSIONED_PATTERN.test(token) && !token.startsWith('v1.')
      ? 'unsupported token version; this reader understands v1'
      : 'must be a field token v1.<keyId>.<base64url payload>';
    throw new IdentityError('CRYPTO_TOKEN_FORMAT', `密文格式错误 (${rule})`, { rule });
  }
  requireWellFormed(aad, 'aad');
  const key = usableKey(keyring, parsed.keyId);
  const { payload } = parsed;
  const decipher = createDecipheriv(ALGORITHM, key, payload.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    const rule = 'authentication failed: wrong key, wrong associated data, or a tampered token';
    throw new IdentityError('CRYPTO_DECRYPT_FAILED', `解密失败 (${rule})`, { rule, keyId: parsed.keyId }, { cause });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch (cause) {
    const rule = 'the decrypted value is not UTF-8 text';
    throw new IdentityError('CRYPTO_DECRYPT_FAILED', `解密失败 (${rule})`, { rule, keyId: parsed.keyId }, { cause });
  }
}

/** The key id a token was made with, or `undefined` if `token` is not a well-formed v1 token. */
export function keyIdOf(token: string): string | undefined {
  return parseToken(token)?.keyId;
}

/**
 * True when `value` is shaped like a v1 field token (checked without a key, so it says nothing
 * about whether it decrypts). Useful to refuse storing a personal field that is still plaintext.
 */
export function isEncryptedField(value: string): boolean {
  return parseToken(value) !== undefined;
}

function parseToken(token: string): { keyId: string; payload: Buffer } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  const keyId = match?.[1];
  const encoded = match?.[2];
  if (keyId === undefined || encoded === undefined) return undefined;
  const payload = Buffer.from(encoded, 'base64url');
  // Canonical encoding only, and room for at least the IV and the tag (empty plaintext).
  if (payload.toString('base64url') !== encoded || payload.length < IV_BYTES + TAG_BYTES) return undefined;
  return { keyId, payload };
}

/**
 * Random IVs, cut from a pool refilled from the CSPRNG every 1,024 IVs: one randomFillSync per
 * 12 KB instead of an allocation and a fill per field. Each IV is used once; createCipheriv
 * copies it before the pool is refilled.
 */
const IV_POOL = Buffer.alloc(IV_BYTES * 1_024);
let ivOffset = IV_POOL.length;

function nextIv(): Buffer {
  if (ivOffset >= IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivOffset = 0;
  }
  const iv = IV_POOL.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/**
 * Imported keys, per keyring and key id. `createCipheriv` with raw key bytes imports the key on
 * every call (about 50 µs); with a KeyObject it takes about 10 µs, which matters at event rates.
 */
const imported = new WeakMap<Keyring, Map<string, KeyObject>>();

function usableKey(keyring: Keyring, keyId: string): KeyObject {
  let keys = imported.get(keyring);
  const cached = keys?.get(keyId);
  if (cached) return cached;
  const keyObject = createSecretKey(rawKey(keyring, keyId));
  if (!keys) {
    keys = new Map();
    imported.set(keyring, keys);
  }
  keys.set(keyId, keyObject);
  return keyObject;
}

function rawKey(keyring: Keyring, keyId: string): Uint8Array {
  const key = keyring.key(keyId);
  if (key === undefined) {
    const rule = `key id "${keyId}" is not in this keyring`;
    throw new IdentityError('CRYPTO_KEY_UNKNOWN', `缺少解密密钥 (${rule})`, { rule, keyId });
  }
  if (key.length !== FIELD_KEY_BYTES) {
    const rule = `key "${keyId}" must be ${FIELD_KEY_BYTES} bytes (got ${key.length})`;
    throw new IdentityError('KEYRING_FORMAT', `字段加密密钥环配置错误 (${rule})`, { rule, keyId });
  }
  return key;
}

function requireWellFormed(value: string, field: 'plaintext' | 'aad'): void {
  if (!value.isWellFormed()) {
    const rule = `${field} must be well-formed Unicode (no lone surrogates), or it would not round-trip through UTF-8`;
    throw new IdentityError('CRYPTO_INPUT_INVALID', `加密输入无效 (${rule})`, { field, rule });
  }
}

/**
 * The keyring object: frozen, keys held in a closure so that logging or serialising a keyring
 * (`JSON.stringify`, `util.inspect`, pino) never prints key material, and `key()` hands out
 * copies so no caller can change the keyring's keys.
 */
function freezeKeyring(keys: ReadonlyMap<string, Uint8Array>, activeKeyId: string): Keyring {
  return Object.freeze({
    activeKeyId,
    keyIds: Object.freeze([...keys.keys()]),
    key(id: string): Uint8Array | undefined {
      const key = keys.get(id);
      return key === undefined ? undefined : Uint8Array.from(key);
    },
  });
}
