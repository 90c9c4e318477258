import { randomBytes } from 'node:crypto';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from './codec.js';
import { ContractError } from './errors.js';
import { protectEvent, redactEvent, unprotectEvent } from './protection.js';
import { evolvedRegistries } from './test-support/registry.js';
import { testValue } from './test-support/temp-tree.js';

const EVENT = 'assistance.thing-happened';
const { v2: registry } = evolvedRegistries();
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const keyring = createKeyring({ k1 }, 'k1');
interface TestEvent {
  envelope: { eventId: string; person: { idNumber: string } };
  members: { phone: string | null }[];
  applicantName: string;
  amountFen: number;
  [field: string]: unknown;
}
const value: TestEvent = { ...(testValue() as TestEvent), note: null };

describe('wire protection of personal fields', () => {
  it('encrypts every pii field, so no plaintext is in the encoded bytes, and keeps pseudonyms in clear', () => {
    const { value: protectedValue, keyId } = protectEvent(registry, EVENT, value, keyring);
    expect(keyId).toBe('k1');
    const bytes = encodeEvent(registry, EVENT, protectedValue);
    const raw = bytes.toString('latin1') + bytes.toString('utf8');
    for (const secret of ['44200019460101123X', '442000201001011234', '13812345678', '张三', '李四']) expect(raw).not.toContain(secret);
    expect(bytes.includes(Buffer.from('a'.repeat(64), 'hex'))).toBe(true); // the person key (32 bytes) joins without decrypting
    const members = (protectedValue as TestEvent).members;
    expect(members[1]?.phone).toBeNull(); // absent stays absent
  });

  it('decrypts after decoding to exactly the original value', () => {
    const bytes = encodeEvent(registry, EVENT, protectEvent(registry, EVENT, value, keyring).value);
    const decoded = decodeEvent(registry, bytes);
    expect(unprotectEvent(registry, EVENT, decoded.value, keyring)).toEqual(value);
  });

  it('gives a consumer without the key a coded error naming each field, not garbage', () => {
    const bytes = encodeEvent(registry, EVENT, protectEvent(registry, EVENT, value, keyring).value);
    const decoded = decodeEvent(registry, bytes);
    let error: unknown;
    try {
      unprotectEvent(registry, EVENT, decoded.value, createKeyring({ k2 }, 'k2'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('AVRO_PII_PROTECTION');
    expect((error as ContractError).problems.map((problem) => problem.path)).toEqual([
      'envelope.person.idNumber',
      'envelope.person.name',
      'applicantName',
      'members[0].person.idNumber',
      'members[0].person.name',
      'members[0].phone',
      'members[1].person.idNumber',
    ]);
    expect((error as ContractError).problems[0]?.rule).toBe('cannot be decrypted (CRYPTO_KEY_UNKNOWN)');
  });

  it('keeps decrypting old events after the key rotates', () => {
    const old = protectEvent(registry, EVENT, value, keyring).value;
    const rotated = createKeyring({ k1, k2 }, 'k2');
    expect(protectEvent(registry, EVENT, value, rotated).keyId).toBe('k2');
    expect(unprotectEvent(registry, EVENT, old, rotated)).toEqual(value);
  });

  it('binds each token to its event and field: a token moved elsewhere does not decrypt', () => {
    const protectedValue = protectEvent(registry, EVENT, value, keyring).value as TestEvent;
    const swapped = { ...protectedValue, applicantName: protectedValue.envelope.person.idNumber };
    expect(() => unprotectEvent(registry, EVENT, swapped, keyring)).toThrow(/applicantName cannot be decrypted \(CRYPTO_DECRYPT_FAILED\)/);
    const otherEvent = { ...protectedValue, envelope: { ...protectedValue.envelope, eventId: '1b8f2a52-4c1e-4f7e-9d8a-2f1c3b4a5d6e' } };
    expect(() => unprotectEvent(registry, EVENT, otherEvent, keyring)).toThrow(ContractError);
  });

  it('redacts personal fields for logs', () => {
    const redacted = redactEvent(registry, EVENT, value) as TestEvent;
    expect(redacted.applicantName).toBe('[PII]');
    expect(JSON.stringify(redacted)).not.toContain('13812345678');
    expect(redacted.amountFen).toBe(112_000);
  });
});
