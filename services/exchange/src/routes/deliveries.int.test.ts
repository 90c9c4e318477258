/**
 * The gateway on the real store and broker: department clients and allow-lists, every validation
 * rule with its code, duplicates recognised, signed receipts that verify (and fail when tampered),
 * refusals recorded, and the accepted event published once, decodable, with the pseudonym the
 * gateway computed.
 */
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../receipts/receipt-signer.js';
import { deathRegistered, idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
  const created = await service.app.inject({
    method: 'POST',
    url: '/clients',
    payload: { id: 'gongan-hukou', name: '公安户籍系统', department: 'PUBLIC_SECURITY', allowedEventTypes: ['public-security.death-registered'] },
    headers: await admin(),
  });
  expect(created.statusCode, created.body).toBe(201);
});
afterAll(() => service.close());

async function admin() {
  return { authorization: `Bearer ${await service.token(['admin'], '442000', 'admin-1')}` };
}
async function department(subject = 'gongan-hukou') {
  return { authorization: `Bearer ${await service.token(['department-system'], '442000', subject)}` };
}
const deliver = async (eventType: string, payload: object, subject?: string) => service.app.inject({ method: 'POST', url: `/events/${eventType}`, payload, headers: await department(subject) });

interface Receipt { receiptId: string; accepted: number; eventIds: string[]; keyId: string; signature: string; [field: string]: unknown }

describe('POST /events/:eventType', () => {
  it('accepts an allowed event, computes the pseudonym, signs a receipt that verifies, and publishes it once even when delivered again', async () => {
    const id = idNumber('1986-02-14', 'M');
    const first = await deliver('public-security.death-registered', deathRegistered(id, 'SWDJ-442000-2026-000001'));
    expect(first.statusCode, first.body).toBe(202);
    const { receipt } = first.json<{ duplicate: boolean; receipt: Receipt }>();
    expect(receipt).toMatchObject({ kind: 'EVENT', clientId: 'gongan-hukou', department: 'PUBLIC_SECURITY', accepted: 1, duplicates: 0, algorithm: 'Ed25519', keyId: 'r1' });

    // Anyone can verify with the published key; a changed receipt fails.
    const keys = (await service.app.inject({ url: '/receipt-keys' })).json<{ keys: { keyId: string; jwk: Record<string, string> }[] }>();
    const key = createPublicKey({ key: keys.keys[0]?.jwk ?? {}, format: 'jwk' });
    const { signature, ...unsigned } = receipt;
    expect(verify(null, Buffer.from(canonicalJson(unsigned)), key, Buffer.from(signature, 'base64'))).toBe(true);
    expect((await service.app.inject({ method: 'POST', url: '/receipts/verification', payload: receipt })).json()).toEqual({ valid: true, keyId: 'r1' });
    expect((await service.app.inject({ method: 'POST', url: '/receipts/verification', payload: { ...receipt, accepted: 2 } })).json()).toEqual({ valid: false, keyId: 'r1' });

    const again = await deliver('public-security.death-registered', deathRegistered(id, 'SWDJ-442000-2026-000001'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, receipt: { receiptId: receipt.receiptId } });
    expect((await service.app.inject({ url: `/receipts/${receipt.receiptId}`, headers: await department() })).json()).toMatchObject({ receiptId: receipt.receiptId });

    const personKey = service.pseudonymizer.personKey(id);
    const events = await service.events(personKey, 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'public-security.death-registered', value: { envelope: { eventId: receipt.eventIds[0], source: { department: 'PUBLIC_SECURITY', recordId: 'SWDJ-442000-2026-000001' }, person: { personKey, idNumber: id, name: '何国强' } }, dateOfDeath: '2026-01-27' } });
  });

  it('names the field and the rule: check digit, region, nesting, future date, contract, source department', async () => {
    const id = idNumber('1950-05-05', 'F');
    const cases: [object, number, string, string][] = [
      [deathRegistered(withWrongCheckDigit(id), 'R-1'), 400, 'ID_CHECK_DIGIT', 'envelope.person.idNumber'],
      [deathRegistered(id, 'R-2', { envelope: { region: { countyCode: '442000', townCode: '442000101', villageCode: '442000101999' } } }), 400, 'REGION_UNKNOWN', 'envelope.region.villageCode'],
      [deathRegistered(id, 'R-3', { envelope: { region: { countyCode: '442000', townCode: '442000101', villageCode: '442000102001' } } }), 400, 'EXCH_REGION_MISMATCH', 'envelope.region.villageCode'],
      [deathRegistered(id, 'R-4', { envelope: { occurredAt: '2099-01-01T00:00:00.000Z' } }), 400, 'EXCH_DATE_IN_FUTURE', 'envelope.occurredAt'],
      [deathRegistered(id, 'R-5', { deathCategory: 'SOMETHING' }), 400, 'EXCH_INVALID_EVENT', 'deathCategory'],
      [deathRegistered(id, 'R-6', { envelope: { source: { department: 'MEDICAL_INSURANCE', system: 'x', recordId: 'R-6' } } }), 403, 'EXCH_SOURCE_MISMATCH', 'envelope.source.department'],
    ];
    for (const [payload, status, code, field] of cases) {
      const response = await deliver('public-security.death-registered', payload);
      expect([response.statusCode, response.json()], code).toMatchObject([status, { code, details: { field } }]);
    }
    const missing = deathRegistered(id, 'R-7') as Record<string, unknown>;
    delete missing.dateOfDeath;
    const incomplete = await deliver('public-security.death-registered', missing);
    expect(incomplete.json()).toMatchObject({ code: 'EXCH_INVALID_EVENT', details: { problems: [expect.objectContaining({ path: 'dateOfDeath' }) as unknown] } });
  });

  it('refuses unregistered, disallowed, unknown and disabled, and records each refusal', async () => {
    const id = idNumber('1949-09-09', 'M');
    expect((await deliver('public-security.death-registered', deathRegistered(id, 'R-10'), 'stranger')).json()).toMatchObject({ code: 'EXCH_UNKNOWN_CLIENT' });
    expect((await deliver('public-security.birth-registered', {})).json()).toMatchObject({ code: 'EXCH_EVENT_TYPE_NOT_ALLOWED', details: { field: 'eventType' } });
    expect((await deliver('no-such.event', {})).statusCode).toBe(404);
    const refusals = (await service.app.inject({ url: '/refusals?clientId=gongan-hukou', headers: await admin() })).json<{ items: { code: string }[] }>();
    expect(refusals.items.map((refusal) => refusal.code)).toEqual(expect.arrayContaining(['EXCH_EVENT_TYPE_NOT_ALLOWED', 'EXCH_UNKNOWN_EVENT_TYPE']));

    await service.app.inject({ method: 'POST', url: '/clients', payload: { id: 'yibao', name: '医保结算', department: 'MEDICAL_INSURANCE', allowedEventTypes: ['medical-insurance.medical-settlement-completed'] }, headers: await admin() });
    const disabled = await service.app.inject({ method: 'PUT', url: '/clients/yibao', payload: { active: false, version: 1 }, headers: await admin() });
    expect(disabled.json()).toMatchObject({ active: false, version: 2 });
    expect((await deliver('medical-insurance.medical-settlement-completed', {}, 'yibao')).json()).toMatchObject({ code: 'EXCH_CLIENT_DISABLED' });
    expect((await service.app.inject({ method: 'PUT', url: '/clients/yibao', payload: { active: true, version: 1 }, headers: await admin() })).json()).toMatchObject({ code: 'EXCH_CONCURRENT_CHANGE' });
    expect((await service.app.inject({ method: 'POST', url: '/clients', payload: { id: 'yibao', name: '医保结算', department: 'MEDICAL_INSURANCE', allowedEventTypes: [] }, headers: await admin() })).json()).toMatchObject({ code: 'EXCH_CLIENT_EXISTS' });
    expect((await service.app.inject({ method: 'POST', url: '/clients', payload: { id: 'x-sys', name: '某系统', department: 'WATER', allowedEventTypes: ['water.no-such'] }, headers: await admin() })).json()).toMatchObject({ code: 'EXCH_UNKNOWN_EVENT_TYPE', details: { field: 'allowedEventTypes.0' } });
    expect((await service.app.inject({ method: 'POST', url: '/clients', payload: { id: 'x-sys', name: '某系统', department: 'WATER', allowedEventTypes: [] }, headers: await department() })).statusCode).toBe(403);
  });
});

describe('schemas and the audit', () => {
  it('serves every event type with its versions and fingerprints, and shows a department only its own deliveries', async () => {
    const schemas = (await service.app.inject({ url: '/schemas', headers: await department() })).json<{ items: { eventType: string; versions: { fingerprint: string }[] }[] }>();
    const death = schemas.items.find((item) => item.eventType === 'public-security.death-registered');
    expect(death?.versions[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/u);
    const one = (await service.app.inject({ url: '/schemas/public-security.death-registered', headers: await department() })).json<{ piiPaths: string[]; versions: { schema: { name: string } }[] }>();
    expect(one.piiPaths).toContain('envelope.person.idNumber');
    expect(one.versions[0]?.schema.name).toBe('DeathRegistered');
    expect((await service.app.inject({ url: '/schemas/no-such', headers: await department() })).json()).toMatchObject({ code: 'EXCH_UNKNOWN_EVENT_TYPE' });

    const own = (await service.app.inject({ url: '/deliveries', headers: await department() })).json<{ total: number; items: { clientId: string }[] }>();
    expect(own.total).toBeGreaterThan(0);
    expect(own.items.every((item) => item.clientId === 'gongan-hukou')).toBe(true);
    expect((await service.app.inject({ url: '/deliveries', headers: await department('yibao') })).json()).toMatchObject({ total: 0 });
  });
});
