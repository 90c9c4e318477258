import { describe, expect, it } from 'vitest';
import { crc64Avro, fingerprintBytes, fingerprintHex, fingerprintSigned } from './fingerprint.js';

describe('CRC-64-AVRO', () => {
  // Test vectors from the Avro specification's test suite (share/test/data/schema-tests.txt).
  it.each([
    ['"null"', 7195948357588979594n],
    ['"boolean"', -6970731678124411036n],
    ['"int"', 8247732601305521295n],
    ['"long"', -3434872931120570953n],
    ['"string"', -8142146995180207161n],
  ])('fingerprints %s like the reference implementation', (canonical, expected) => {
    expect(fingerprintSigned(crc64Avro(canonical))).toBe(expected);
  });

  it('writes the fingerprint little-endian and names it in hex', () => {
    const fp = crc64Avro('"int"');
    expect(fingerprintBytes(fp).readBigUInt64LE()).toBe(fp);
    expect(fingerprintHex(fp)).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(`0x${fingerprintHex(fp)}`)).toBe(fp);
  });
});
