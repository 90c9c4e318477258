/**
 * Test support for the exchange gateway: the kit's harness around this service's app, with a
 * fresh Ed25519 receipt key, and the JSON form of a death registration as a department sends it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { OUTBOX_COLLECTIONS, buildExchangeApp, ensureIndexes } from '../app.js';
import { parseReceiptKeys } from '../receipts/receipt-signer.js';

export { idNumber, withWrongCheckDigit } from '@minzheng/service-kit/test-support';

export type TestService = ServiceHarness;

/** A fresh receipt key in the form `MZ_RECEIPT_KEYS` takes. */
export function receiptKeySpec(keyId = 'r1'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return `${keyId}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
}

export function startTestService(): Promise<TestService> {
  const receiptKeys = parseReceiptKeys(receiptKeySpec());
  return startServiceHarness({ service: 'exchange', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: (deps) => buildExchangeApp({ ...deps, receiptKeys, uploadThreads: 2 }) });
}

/** `public-security.death-registered` in its JSON form, as the 公安 system sends it (no event id, no pseudonym). */
export function deathRegistered(idNumber: string, recordId: string, overrides: { envelope?: Record<string, unknown>; [field: string]: unknown } = {}) {
  const { envelope = {}, ...fields } = overrides;
  return {
    envelope: {
      occurredAt: '2026-01-27T10:20:00.000Z',
      source: { system: 'gongan-hukou', recordId },
      region: { countyCode: '442000', townCode: '442000101', villageCode: '442000101002' },
      person: { idNumber, name: '何国强' },
      household: null,
      correlationId: null,
      causationId: null,
      ...envelope,
    },
    dateOfDeath: '2026-01-27',
    deathCategory: 'ACCIDENT',
    hukouCancelled: true,
    ...fields,
  };
}
