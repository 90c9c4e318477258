import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReceiptSigner, canonicalJson, parseReceiptKeys } from './receipt-signer.js';

const spec = (keyId: string) => `${keyId}:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
const body = { receiptId: 'RCT-1', kind: 'EVENT' as const, clientId: 'c', department: 'WATER', eventType: 'water.meter-anomaly-detected', accepted: 1, duplicates: 0, rejected: 0, contentHash: 'ab', eventIds: ['e1'], receivedAt: '2026-11-23T00:00:00.000Z' };

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined, so equal content gives equal bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe('ReceiptSigner', () => {
  it('signs with the last key, verifies with any published key, and rejects a changed field or an unknown key', () => {
    const older = new ReceiptSigner(parseReceiptKeys(spec('r1')));
    const keys = parseReceiptKeys(`${spec('r1')},${spec('r2')}`);
    const signer = new ReceiptSigner(keys);
    const receipt = signer.sign(body);
    expect(receipt.keyId).toBe('r2');
    expect(signer.verify(receipt)).toBe(true);
    expect(signer.verify({ ...receipt, accepted: 2 })).toBe(false);
    expect(signer.verify({ ...receipt, keyId: 'r9' })).toBe(false);
    // Another gateway's key r1 is not this gateway's r1.
    expect(signer.verify(older.sign(body))).toBe(false);
    expect(signer.publicKeys().map((key) => [key.keyId, key.jwk.crv])).toEqual([['r1', 'Ed25519'], ['r2', 'Ed25519']]);
  });

  it('refuses a key that is not an Ed25519 PKCS#8 key, naming the variable', () => {
    expect(() => parseReceiptKeys('r1:bm90IGEga2V5')).toThrow(/MZ_RECEIPT_KEYS: key r1/u);
    expect(() => parseReceiptKeys('nokeyid')).toThrow(/kid:base64/u);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(() => parseReceiptKeys(`r1:${rsa}`)).toThrow(/not ed25519/u);
  });
});
