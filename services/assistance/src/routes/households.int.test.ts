/**
 * The household routes on the real store and broker (service tests through `app.inject`): every
 * success and coded failure, masking by role, the access audit, idempotency, and the event
 * through the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const VILLAGE = '442000001001';
const member = (overrides: Record<string, unknown> = {}) => ({
  idNumber: idNumber('1968-03-02', 'M'),
  name: '陈志强',
  relationToHead: 'HEAD',
  localHukou: true,
  livingTogether: true,
  labourCapacity: 'PARTIAL',
  monthlyIncomeFen: 80_000,
  financialAssetsFen: 0,
  ...overrides,
});
const body = (overrides: Record<string, unknown> = {}) => ({
  regionCode: VILLAGE,
  address: '中山市石岐街道某路12号',
  reason: 'APPLICATION',
  members: [member(), member({ idNumber: idNumber('1970-05-06', 'F'), name: '李秀英', relationToHead: 'SPOUSE', monthlyIncomeFen: 0, labourCapacity: 'NONE', seriouslyIll: true })],
  ...overrides,
});

async function post(payload: unknown, token?: string, headers: Record<string, string> = {}) {
  return service.app.inject({ method: 'POST', url: '/households', payload: payload as object, headers: { authorization: `Bearer ${token ?? (await service.token(['caseworker'], '442000001'))}`, ...headers } });
}

describe('POST /households', () => {
  it('registers a household, shows the caseworker its members in clear, audits it, and publishes the composition event through the outbox', async () => {
    const response = await post(body());
    expect(response.statusCode).toBe(201);
    const view = response.json<{ id: string; masked: boolean; members: { idNumber: string; name: string; personKey: string; sex: string }[] }>();
    expect(view.masked).toBe(false);
    expect(view.members.map((m) => m.name)).toEqual(['陈志强', '李秀英']);
    expect(view.members[0]?.sex).toBe('M');
    expect(response.headers.location).toBe(`/households/${view.id}`);

    // At rest: no ID number or name in clear.
    const stored = await service.connection.collection('households').findOne({ _id: view.id as never });
    expect(JSON.stringify(stored)).not.toContain(view.members[0]?.idNumber);
    expect(JSON.stringify(stored)).not.toContain('陈志强');

    expect(await service.relay.drain()).toBe(1);
    const [published] = await service.events(view.id, 1);
    expect(published?.eventType).toBe('assistance.household-composition-recorded');
    const event = published?.value as { envelope: { household: { householdId: string }; region: { villageCode: string } }; members: { person: { name: string; personKey: string } }[] };
    expect(event.envelope.household.householdId).toBe(view.id);
    expect(event.envelope.region.villageCode).toBe(VILLAGE);
    expect(event.members.map((m) => m.person.personKey)).toEqual(view.members.map((m) => m.personKey));

    const audit = await service.connection.collection('access_audit').find({ resourceId: view.id }).toArray();
    expect(audit).toEqual([expect.objectContaining({ action: 'write', subject: 'u-1', personKeys: view.members.map((m) => m.personKey) })]);
  });

  it('names the field and the rule: bad check digit, future birth date, unknown region, town-level region, negative income, two heads', async () => {
    const badDigit = await post(body({ members: [member({ idNumber: withWrongCheckDigit(idNumber('1968-03-02')) })] }));
    expect(badDigit.statusCode).toBe(400);
    expect(badDigit.json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'members.0.idNumber' } });

    const future = await post(body({ members: [member({ idNumber: idNumber('2099-01-01') })] }));
    expect(future.json()).toMatchObject({ code: 'ID_BIRTH_DATE', details: { field: 'members.0.idNumber', rule: 'the birth date must not be in the future' } });

    const unknownRegion = await post(body({ regionCode: '442000001999' }));
    expect(unknownRegion.statusCode).toBe(400);
    expect(unknownRegion.json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });

    const townLevel = await post(body({ regionCode: '442000001' }));
    expect(townLevel.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.regionCode' }] });

    const negative = await post(body({ members: [member({ monthlyIncomeFen: -5 })] }));
    expect(negative.statusCode).toBe(400);
    expect(negative.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.members.0.monthlyIncomeFen' }] });

    const twoHeads = await post(body({ members: [member(), member({ idNumber: idNumber('1990-01-01') })] }));
    expect(twoHeads.statusCode).toBe(400);
    expect(twoHeads.json<{ code: string }>().code).toMatch(/^ASSIST_/);
  });

  it('refuses a missing or expired token, a role without write access, and a village outside the caller\'s jurisdiction', async () => {
    const missing = await service.app.inject({ method: 'POST', url: '/households', payload: body() });
    expect(missing.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await post(body(), await service.token(['caseworker'], '442000001', 'u-1', -5))).json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    expect((await post(body(), await service.token(['analyst']))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    const elsewhere = await post(body(), await service.token(['caseworker'], '442000100'));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION', details: { regionCode: VILLAGE, jurisdiction: '442000100' } });
  });

  it('replays the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const payload = body();
    const first = await post(payload, undefined, { 'idempotency-key': 'register-1' });
    const again = await post(payload, undefined, { 'idempotency-key': 'register-1' });
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const conflict = await post(body({ address: '别处' }), undefined, { 'idempotency-key': 'register-1' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('GET /households', () => {
  it('masks personal fields for analysts, shows them to caseworkers (audited), hides other jurisdictions, and paginates', async () => {
    const created = (await post(body())).json<{ id: string }>();
    const asAnalyst = await service.app.inject({ url: `/households/${created.id}`, headers: { authorization: `Bearer ${await service.token(['analyst'])}` } });
    const masked = asAnalyst.json<{ masked: boolean; address: string; members: { idNumber: string; name: string; birthDate: string }[] }>();
    expect(masked.masked).toBe(true);
    expect(masked.members[0]?.idNumber).toMatch(/^442000\*{8}\d{3}[\dX]$/);
    expect(masked.members[0]?.name).toBe('陈**');
    expect(masked.members[0]?.birthDate).toBe('1968');
    expect(masked.address).toMatch(/\*{4}$/);

    const reads = async () => (await service.connection.collection('access_audit').find({ resourceId: created.id, action: 'read' }).toArray()).length;
    expect(await reads()).toBe(0);
    const asCaseworker = await service.app.inject({ url: `/households/${created.id}`, headers: { authorization: `Bearer ${await service.token(['caseworker'], '442000001')}`, 'x-access-purpose': encodeURIComponent('低保复核') } });
    expect(asCaseworker.json<{ members: { name: string }[] }>().members[0]?.name).toBe('陈志强');
    expect(await reads()).toBe(1);
    expect(await service.connection.collection('access_audit').findOne({ resourceId: created.id, action: 'read' })).toMatchObject({ purpose: '低保复核' });

    const outside = await service.app.inject({ url: `/households/${created.id}`, headers: { authorization: `Bearer ${await service.token(['caseworker'], '442000100')}` } });
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ code: 'ASSIST_NOT_FOUND' });

    const list = await service.app.inject({ url: '/households?page=1&pageSize=2', headers: { authorization: `Bearer ${await service.token(['supervisor'], '442000001')}` } });
    const page = list.json<{ items: { headName: string; memberCount: number }[]; total: number; pageSize: number }>();
    expect(page.pageSize).toBe(2);
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items[0]?.headName).toBe('陈**');
    const none = await service.app.inject({ url: '/households', headers: { authorization: `Bearer ${await service.token(['supervisor'], '442000117')}` } });
    expect(none.json()).toMatchObject({ items: [], total: 0 });
    const badPage = await service.app.inject({ url: '/households?pageSize=1000', headers: { authorization: `Bearer ${await service.token(['supervisor'])}` } });
    expect(badPage.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'querystring.pageSize' }] });
  });
});
