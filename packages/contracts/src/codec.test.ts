import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { crc64Avro } from './avro/fingerprint.js';
import { canonicalForm } from './avro/logical-types.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { ContractError } from './errors.js';
import { evolvedRegistries } from './test-support/registry.js';
import { testValue } from './test-support/temp-tree.js';

const EVENT = 'assistance.thing-happened';
const { v1, v2 } = evolvedRegistries();

const codeOf = (action: () => unknown): string => thrownBy(ContractError, action).code;

describe('single-object encoding', () => {
  it('starts with C3 01 and the little-endian CRC-64-AVRO of the canonical form', () => {
    const bytes = encodeEvent(v2, EVENT, { ...testValue(), note: null });
    const event = v2.event(EVENT);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(bytes.readBigUInt64LE(2)).toBe(crc64Avro(canonicalForm(event.type)));
  });

  it('round-trips a value, logical types included', () => {
    const value = { ...testValue(), note: '补充材料' };
    const decoded = decodeEvent(v2, encodeEvent(v2, EVENT, value));
    expect(decoded).toMatchObject({ eventType: EVENT, writerVersion: 2 });
    expect(decoded.value).toEqual(value);
    const envelope = (decoded.value as { envelope: { occurredAt: Date } }).envelope;
    expect(envelope.occurredAt).toBeInstanceOf(Date);
    expect((decoded.value as { decidedOn: string }).decidedOn).toBe('2026-03-02');
  });

  it('reads a message written with an older published version, filling the new field with its default', () => {
    const old = encodeEvent(v1, EVENT, testValue());
    const decoded = decodeEvent(v2, old);
    expect(decoded.writerVersion).toBe(1);
    expect(decoded.value).toEqual({ ...testValue(), note: null });
  });

  it('refuses an invalid value with the path and the rule of every problem', () => {
    let error: unknown;
    try {
      encodeEvent(v2, EVENT, { ...testValue({ amountFen: 1.5, decidedOn: '2026-02-30' }), note: null });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('AVRO_INVALID_VALUE');
    expect((error as ContractError).problems).toEqual([
      { path: 'amountFen', rule: 'must be a value of type long' },
      { path: 'decidedOn', rule: 'null or a value of the field type'.replace(/^/, 'must be ') },
    ]);
  });

  it('names the path inside arrays', () => {
    const value = testValue();
    (value.members as { phone: unknown }[])[1]!.phone = 42;
    let error: ContractError | undefined;
    try {
      encodeEvent(v2, EVENT, { ...value, note: null });
    } catch (caught) {
      error = caught as ContractError;
    }
    expect(error?.problems.map((problem) => problem.path)).toEqual(['members[1].phone']);
  });

  it('carries UUIDs as 16 bytes and pseudonyms as 32 bytes, and refuses malformed ones', () => {
    const value = { ...testValue(), note: null };
    const decoded = decodeEvent(v2, encodeEvent(v2, EVENT, value)).value as { envelope: { eventId: string; person: { personKey: string } } };
    expect(decoded.envelope.eventId).toBe('0b8f2a52-4c1e-4f7e-9d8a-2f1c3b4a5d6e');
    expect(decoded.envelope.person.personKey).toBe('a'.repeat(64));
    const bad = testValue();
    (bad.envelope as { person: { personKey: string } }).person.personKey = 'A'.repeat(64);
    const error = thrownBy(ContractError, () => encodeEvent(v2, EVENT, { ...bad, note: null }));
    expect(error.problems.map((problem) => problem.path)).toEqual(['envelope.person.personKey']);
  });

  it('gives coded errors, never a crash, for bytes that are not a message of ours', () => {
    const good = encodeEvent(v2, EVENT, { ...testValue(), note: null });
    expect(codeOf(() => decodeEvent(v2, Buffer.from('{"json": true}')))).toBe('AVRO_NOT_SINGLE_OBJECT');
    expect(codeOf(() => decodeEvent(v2, Buffer.alloc(0)))).toBe('AVRO_NOT_SINGLE_OBJECT');
    const unknown = Buffer.from(good);
    unknown.writeBigUInt64LE(0x0123456789abcdefn, 2);
    expect(codeOf(() => decodeEvent(v2, unknown))).toBe('AVRO_UNKNOWN_FINGERPRINT');
    expect(codeOf(() => decodeEvent(v2, good.subarray(0, good.length - 5)))).toBe('AVRO_CORRUPT_BODY');
    expect(codeOf(() => decodeEvent(v2, Buffer.concat([good, Buffer.from([1, 2, 3])])))).toBe('AVRO_CORRUPT_BODY');
  });

  it('refuses an unknown event type with a coded error', () => {
    expect(codeOf(() => encodeEvent(v2, 'assistance.nothing-happened', {}))).toBe('AVRO_UNKNOWN_EVENT_TYPE');
  });
});
