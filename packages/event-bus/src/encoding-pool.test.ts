import { ContractError, decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { thrownBy } from '@minzheng/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EncodingPool } from './encoding-pool.js';
import { fixtureValue, registryOnTopic, testKeyring } from './test-support/bus.js';

const registry = registryOnTopic('pool-test');
const keyring = testKeyring('k7');
const pool = new EncodingPool(registry, keyring, 2);
afterAll(() => pool.close());

describe('EncodingPool', () => {
  it('encrypts and encodes on worker threads; the calling thread decodes and decrypts the same value', async () => {
    const values = Array.from({ length: 50 }, () => fixtureValue(registry, 'assistance.household-composition-recorded'));
    const encoded = await Promise.all(values.map((value) => pool.encode('assistance.household-composition-recorded', value)));
    encoded.forEach(({ bytes, keyId }, index) => {
      expect(keyId).toBe('k7');
      expect(bytes.toString('latin1')).not.toMatch(/\d{17}[\dX]/);
      const decoded = decodeEvent(registry, bytes);
      expect(unprotectEvent(registry, decoded.eventType, decoded.value, keyring)).toEqual(values[index]);
    });
  });

  it('rejects an invalid value with the coded error the inline path gives, naming the field', async () => {
    const value = fixtureValue(registry, 'public-security.death-registered');
    (value.envelope.region as Record<string, unknown>).countyCode = 442_000;
    const error = await pool.encode('public-security.death-registered', value).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'AVRO_INVALID_VALUE', problems: [{ path: 'envelope.region.countyCode', rule: 'must be a value of type string' }] });
  });

  it('refuses a pool without threads, and work after close', async () => {
    expect(thrownBy(RangeError, () => new EncodingPool(registry, keyring, 0)).message).toMatch(/at least 1/);
    const closing = new EncodingPool(registry, keyring, 1);
    await closing.close();
    await expect(closing.encode('public-security.death-registered', {})).rejects.toThrow(/after close/);
  });
});
