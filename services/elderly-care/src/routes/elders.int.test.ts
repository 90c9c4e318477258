/**
 * The elders registry on the real store and broker (through `app.inject`): registration with every
 * coded failure, masking by role, the access audit, idempotency, lists with filters, device
 * binding, and the registration event through the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elderBody, idNumber, registerElder, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const VILLAGE = '442000001001';
const auth = async (roles: Parameters<TestService['token']>[0] = ['caseworker'], jurisdiction = '442000001') => ({ authorization: `Bearer ${await service.token(roles, jurisdiction)}` });
const post = async (payload: unknown, headers?: Record<string, string>) => service.app.inject({ method: 'POST', url: '/elders', payload: payload as object, headers: headers ?? (await auth()) });

describe('POST /elders', () => {
  it('registers an elder, shows the caseworker personal fields in clear, audits it, stores them encrypted, and publishes elder-registered', async () => {
    const body = elderBody('1946-03-12', { emergencyContactPhone: '13712345678' });
    const response = await post(body);
    expect(response.statusCode).toBe(201);
    const view = response.json<{ id: string; personKey: string; idNumber: string; name: string; masked: boolean; priorityGroups: string[]; age: number; sex: string }>();
    expect(view).toMatchObject({ idNumber: body.idNumber, name: '郑子轩', masked: false, priorityGroups: ['LIVING_ALONE'] });
    expect(view.id).toBe(`ELD-${view.personKey.slice(0, 32)}`);
    expect(response.headers.location).toBe(`/elders/${view.id}`);

    const stored = await service.connection.collection('elders').findOne({ _id: view.id as never });
    expect(JSON.stringify(stored)).not.toContain(String(body.idNumber));
    expect(JSON.stringify(stored)).not.toContain('郑子轩');
    expect(JSON.stringify(stored)).not.toContain('13712345678');

    const [event] = await service.events(view.personKey, 1);
    expect(event?.eventType).toBe('elderly-care.elder-registered');
    expect(event?.value).toMatchObject({
      elderRecordId: view.id,
      livingArrangement: 'ALONE',
      hukouResident: true,
      economicStatus: 'ORDINARY',
      leftBehind: false,
      lostOnlyChildFamily: false,
      assignedVisitorId: 'SW-001-0001',
      assignedVisitorRole: 'SOCIAL_WORKER',
      emergencyContactPhone: '13712345678',
      envelope: { person: { personKey: view.personKey, idNumber: body.idNumber, name: '郑子轩' }, region: { countyCode: '442000', townCode: '442000001', villageCode: VILLAGE }, source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE', recordId: view.id } },
    });
    const audit = await service.connection.collection('access_audit').find({ resourceId: view.id }).toArray();
    expect(audit).toEqual([expect.objectContaining({ action: 'write', resource: 'elder', personKeys: [view.personKey] })]);
  });

  it('names the field and the rule: bad check digit, unknown region, town-level region, too young, a registered person, a visitor role without id', async () => {
    const badDigit = await post(elderBody('1946-01-01', { idNumber: withWrongCheckDigit(idNumber('1946-01-01')) }));
    expect(badDigit.statusCode).toBe(400);
    expect(badDigit.json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'idNumber' } });

    const unknownRegion = await post(elderBody('1946-01-01', { regionCode: '442000001999' }));
    expect(unknownRegion.json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });

    const townLevel = await post(elderBody('1946-01-01', { regionCode: '442000001' }));
    expect(townLevel.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.regionCode' }] });

    const young = await post(elderBody('1990-05-05'));
    expect(young.statusCode).toBe(422);
    expect(young.json()).toMatchObject({ code: 'ELDER_TOO_YOUNG', details: { field: 'idNumber', minimumAge: 60 } });

    const body = elderBody('1944-02-02');
    const first = (await post(body)).json<{ id: string }>();
    const again = await post({ ...body, name: '别名' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ELDER_ALREADY_REGISTERED', details: { field: 'idNumber', elderId: first.id } });

    const roleOnly = await post(elderBody('1944-03-03', { assignedVisitorId: undefined }));
    expect(roleOnly.statusCode).toBe(400);
    expect(roleOnly.json()).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'assignedVisitorId' } });

    const badEnum = await post(elderBody('1944-03-03', { livingArrangement: 'NOMAD' }));
    expect(badEnum.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.livingArrangement' }] });
  });

  it('refuses a missing token, a role without write access, and a village outside the caller\'s jurisdiction', async () => {
    const body = elderBody('1945-01-01');
    expect((await service.app.inject({ method: 'POST', url: '/elders', payload: body })).json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await post(body, await auth(['analyst']))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    const elsewhere = await post(body, await auth(['caseworker'], '442000100'));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION', details: { regionCode: VILLAGE, jurisdiction: '442000100' } });
  });

  it('replays the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const body = elderBody('1945-06-06');
    const headers = { ...(await auth()), 'idempotency-key': 'elder-1' };
    const first = await post(body, headers);
    const again = await post(body, headers);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await post({ ...body, name: '另一人' }, headers)).json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('GET /elders', () => {
  it('masks personal fields for analysts, shows them to caseworkers (audited), and hides other jurisdictions', async () => {
    const created = await registerElder(service, elderBody('1940-07-08', { name: '陈美华' }));
    const asAnalyst = await service.app.inject({ url: `/elders/${created.id}`, headers: await auth(['analyst'], '442000') });
    expect(asAnalyst.statusCode).toBe(200);
    const masked = asAnalyst.json<{ masked: boolean; idNumber: string; name: string; phone: string; birthDate: string }>();
    expect(masked).toMatchObject({ masked: true, name: '陈**', phone: '135****1234', birthDate: '1940' });
    expect(masked.idNumber).toMatch(/^442000\*{8}\d{3}[\dX]$/u);
    expect(await service.connection.collection('access_audit').countDocuments({ resourceId: created.id, action: 'read' })).toBe(0);

    const asCaseworker = await service.app.inject({ url: `/elders/${created.id}`, headers: { ...(await auth()), 'x-access-purpose': encodeURIComponent('月度巡访') } });
    expect(asCaseworker.json()).toMatchObject({ masked: false, name: '陈美华', birthDate: '1940-07-08' });
    expect(await service.connection.collection('access_audit').findOne({ resourceId: created.id, action: 'read' })).toMatchObject({ purpose: '月度巡访', personKeys: [created.personKey] });

    const elsewhere = await service.app.inject({ url: `/elders/${created.id}`, headers: await auth(['caseworker'], '442000100') });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toMatchObject({ code: 'ELDER_NOT_FOUND' });
  });

  it('lists with filters and pagination, names masked', async () => {
    await registerElder(service, elderBody('1939-01-01', { regionCode: '442000002001', livingArrangement: 'EMPTY_NEST', economicStatus: 'DIBAO' }), '442000002');
    await registerElder(service, elderBody('1938-01-01', { regionCode: '442000002001', livingArrangement: 'WITH_FAMILY', economicStatus: 'DIBAO', hukouResident: false }), '442000002');
    await registerElder(service, elderBody('1937-01-01', { regionCode: '442000002001', livingArrangement: 'WITH_FAMILY', economicStatus: 'ORDINARY', lostOnlyChildFamily: true }), '442000002');
    const list = async (query: string) => (await service.app.inject({ url: `/elders?${query}`, headers: await auth(['supervisor'], '442000002') })).json<{ items: { name: string; economicStatus: string; priorityGroups: string[] }[]; total: number }>();
    expect((await list('')).total).toBe(3);
    expect((await list('economicStatus=DIBAO')).total).toBe(2);
    expect((await list('hukouResident=false')).total).toBe(1);
    expect((await list('priorityGroup=LOST_ONLY_CHILD')).items.map((item) => item.priorityGroups)).toEqual([['LOST_ONLY_CHILD']]);
    expect((await list('livingArrangement=EMPTY_NEST')).items[0]?.priorityGroups).toEqual(['EMPTY_NEST']);
    const page = await list('page=2&pageSize=2');
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.name).toBe('郑**');
    expect((await list('regionCode=442000001')).total).toBe(0);
    const bad = await service.app.inject({ url: '/elders?priorityGroup=RICH', headers: await auth() });
    expect(bad.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'querystring.priorityGroup' }] });
  });
});

describe('POST /elders/:id/devices', () => {
  it('binds a device once, answers the same binding again, refuses it for another elder, and 404s an unknown elder', async () => {
    const elder = await registerElder(service, elderBody('1941-01-01'));
    const other = await registerElder(service, elderBody('1941-02-02'));
    const bind = async (elderId: string, deviceId: string) => service.app.inject({ method: 'POST', url: `/elders/${elderId}/devices`, payload: { deviceId, deviceKind: 'EMERGENCY_CALL' }, headers: await auth(['department-system'], '442000') });
    const created = await bind(elder.id, 'SOS-TEST-1');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ deviceId: 'SOS-TEST-1', elderId: elder.id, deviceKind: 'EMERGENCY_CALL' });
    expect((await bind(elder.id, 'SOS-TEST-1')).statusCode).toBe(200);
    const taken = await bind(other.id, 'SOS-TEST-1');
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'ELDER_DEVICE_BOUND_ELSEWHERE', details: { field: 'deviceId' } });
    expect((await bind('ELD-nope', 'SOS-TEST-2')).json()).toMatchObject({ code: 'ELDER_NOT_FOUND' });
    const listed = await service.app.inject({ url: `/elders/${elder.id}/devices`, headers: await auth() });
    expect(listed.json<{ items: { deviceId: string }[] }>().items.map((device) => device.deviceId)).toEqual(['SOS-TEST-1']);

    // The binding is published once, keyed like the elder's events; the repeat and the refusal publish nothing.
    const events = await service.events(elder.personKey, 2);
    expect(events.map((event) => event.eventType)).toEqual(['elderly-care.elder-registered', 'elderly-care.device-bound']);
    expect(events[1]?.value).toMatchObject({ elderRecordId: elder.id, deviceId: 'SOS-TEST-1', deviceKind: 'EMERGENCY_CALL', boundById: 'u-1', envelope: { source: { recordId: 'SOS-TEST-1' }, person: { personKey: elder.personKey } } });
    expect(await service.events(other.personKey, 1)).toEqual([expect.objectContaining({ eventType: 'elderly-care.elder-registered' })]);
  });
});
