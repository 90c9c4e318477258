/**
 * Device events on the real store and broker: a batch is one document whose outbox holds all its
 * events; each platform event id is published once (within a batch, across batches, and after a
 * claim was left by a writer that died); per-item rejections for unknown devices and elders;
 * whole-batch rejections naming `events.<i>.<field>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventUuid } from '../domain/device-ids.js';
import { elderBody, registerElder, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
let elder: { id: string; personKey: string };
let faraway: { id: string; personKey: string };
const PLATFORM = 'smart-elderly-platform';

beforeAll(async () => {
  service = await startTestService();
  elder = await registerElder(service, elderBody('1941-07-19', { regionCode: '442000006001' }), '442000006');
  faraway = await registerElder(service, elderBody('1942-01-01', { regionCode: '442000005001' }), '442000005');
  const bind = async (elderId: string, deviceId: string, deviceKind: string) => {
    const response = await service.app.inject({ method: 'POST', url: `/elders/${elderId}/devices`, payload: { deviceId, deviceKind }, headers: { authorization: `Bearer ${await service.token(['department-system'], '442000')}` } });
    expect(response.statusCode).toBe(201);
  };
  await bind(elder.id, 'SOS-8-4-17', 'EMERGENCY_CALL');
  await bind(elder.id, 'SMJC-8-4-17', 'VITAL_SIGN_MONITOR');
  await bind(faraway.id, 'SOS-9-1-1', 'EMERGENCY_CALL');
  await service.relay.drain();
});
afterAll(() => service.close());

const send = async (events: unknown[], jurisdiction = '442000006', roles: Parameters<TestService['token']>[0] = ['department-system']) =>
  service.app.inject({ method: 'POST', url: '/device-events', payload: { events }, headers: { authorization: `Bearer ${await service.token(roles, jurisdiction, PLATFORM)}` } });
const sos = (id: string, overrides: Record<string, unknown> = {}) => ({ platformEventId: id, kind: 'EMERGENCY_CALL', deviceId: 'SOS-8-4-17', occurredAt: '2026-03-05T13:47:12.000Z', emergencyCall: { pressCount: 3, lastPressedAt: '2026-03-05T13:47:20.000Z', callConnected: true }, ...overrides });
const vital = (id: string) => ({ platformEventId: id, kind: 'VITAL_SIGN_ALARM', deviceId: 'SMJC-8-4-17', occurredAt: '2026-03-05T14:02:00.000Z', vitalSign: { metric: 'HEART_RATE', measuredValue: 132, unit: 'BEATS_PER_MINUTE', thresholdValue: 120, direction: 'ABOVE' } });
const offline = (id: string) => ({ platformEventId: id, kind: 'DEVICE_OFFLINE', deviceId: 'SMJC-8-4-17', occurredAt: '2026-03-08T02:00:00.000Z', offline: { lastSeenAt: '2026-03-07T14:12:48.000Z', lastBatteryPercent: 7 } });
const batches = () => service.connection.collection('device_signal_batches').countDocuments();

describe('POST /device-events', () => {
  it('accepts a batch of the three kinds as ONE document and publishes each event once, decodable, in order', async () => {
    const before = await batches();
    const response = await send([sos('A-1'), vital('A-2'), offline('A-3')]);
    expect(response.statusCode).toBe(200);
    const result = response.json<{ batchId: string; accepted: number; results: { status: string; eventId: string }[] }>();
    expect(result).toMatchObject({ received: 3, accepted: 3, duplicates: 0, rejected: 0 });
    expect(result.results.map((item) => item.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    expect(result.results[0]?.eventId).toBe(deviceEventUuid(PLATFORM, 'A-1'));
    expect(await batches()).toBe(before + 1);
    const stored = await service.connection.collection('device_signal_batches').findOne({ _id: result.batchId as never });
    expect(stored?.outbox).toHaveLength(3);

    // The elder's registration and two bindings come first (written before), then the batch's three.
    const all = await service.events(elder.personKey, 6);
    expect(all.slice(0, 3).map((event) => event.eventType)).toEqual(['elderly-care.elder-registered', 'elderly-care.device-bound', 'elderly-care.device-bound']);
    const events = all.slice(2);
    expect(events.slice(1).map((event) => event.eventType)).toEqual(['elderly-care.emergency-call-triggered', 'elderly-care.vital-sign-alarm-raised', 'elderly-care.device-went-offline']);
    expect(events[1]?.value).toMatchObject({
      deviceId: 'SOS-8-4-17',
      pressCount: 3,
      lastPressedAt: new Date('2026-03-05T13:47:20.000Z'),
      callConnected: true,
      envelope: { eventId: deviceEventUuid(PLATFORM, 'A-1'), occurredAt: new Date('2026-03-05T13:47:12.000Z'), source: { system: PLATFORM, recordId: 'A-1' }, person: { personKey: elder.personKey }, region: { villageCode: '442000006001' } },
    });
    expect(events[2]?.value).toMatchObject({ metric: 'HEART_RATE', measuredValue: 132, unit: 'BEATS_PER_MINUTE', thresholdValue: 120, direction: 'ABOVE' });
    expect(events[3]?.value).toMatchObject({ deviceKind: 'VITAL_SIGN_MONITOR', lastSeenAt: new Date('2026-03-07T14:12:48.000Z'), lastBatteryPercent: 7 });
  });

  it('publishes a repeated platform id once: within the batch and in a later batch (DUPLICATE, nothing written)', async () => {
    const first = await send([sos('B-1'), sos('B-1'), vital('B-2')]);
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 1, results: [{ status: 'ACCEPTED' }, { status: 'DUPLICATE', message: 'repeats events.0', eventId: deviceEventUuid(PLATFORM, 'B-1') }, { status: 'ACCEPTED' }] });
    const before = await batches();
    const again = await send([sos('B-1'), vital('B-2')]);
    expect(again.json()).toMatchObject({ batchId: null, accepted: 0, duplicates: 2, results: [{ status: 'DUPLICATE', eventId: deviceEventUuid(PLATFORM, 'B-1') }, { status: 'DUPLICATE' }] });
    expect(await batches()).toBe(before);
    const mixed = await send([sos('B-1'), sos('B-3')]);
    expect(mixed.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    await service.relay.drain();
    const published = (await service.events(elder.personKey, 9)).filter((event) => (event.value as { envelope: { source: { recordId: string } } }).envelope.source.recordId.startsWith('B-'));
    expect(published.map((event) => (event.value as { envelope: { source: { recordId: string } } }).envelope.source.recordId)).toEqual(['B-1', 'B-2', 'B-3']);
  });

  it('takes over a claim left by a writer that died before its batch was written, but not a recent one', async () => {
    const claims = service.connection.collection('device_event_claims');
    await claims.insertOne({ _id: `${PLATFORM}|C-old` as never, batchId: 'DSB-never-written', at: new Date(Date.now() - 10 * 60_000) });
    await claims.insertOne({ _id: `${PLATFORM}|C-new` as never, batchId: 'DSB-in-flight', at: new Date() });
    const response = await send([sos('C-old'), sos('C-new')]);
    expect(response.json()).toMatchObject({ accepted: 1, duplicates: 1, results: [{ status: 'ACCEPTED' }, { status: 'DUPLICATE' }] });
    const batchId = response.json<{ batchId: string }>().batchId;
    expect(await claims.findOne({ _id: `${PLATFORM}|C-old` as never })).toMatchObject({ batchId });
  });

  it('rejects only the items whose device is unknown or whose elder is outside the caller\'s jurisdiction, and accepts the rest', async () => {
    const response = await send([sos('D-1'), sos('D-2', { deviceId: 'NO-SUCH-DEVICE' }), sos('D-3', { deviceId: 'SOS-9-1-1' })]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      accepted: 1,
      rejected: 2,
      results: [
        { status: 'ACCEPTED' },
        { status: 'REJECTED', code: 'ELDER_UNKNOWN_DEVICE', field: 'events.1.deviceId', eventId: null },
        { status: 'REJECTED', code: 'ELDER_UNKNOWN_ELDER', field: 'events.2.deviceId' },
      ],
    });
    // The same device is accepted for a platform whose jurisdiction covers its elder.
    expect((await send([sos('D-3', { deviceId: 'SOS-9-1-1' })], '442000')).json()).toMatchObject({ accepted: 1 });
    const all = await send([sos('D-4', { deviceId: 'NO-SUCH-DEVICE' })]);
    expect(all.json()).toMatchObject({ batchId: null, accepted: 0, rejected: 1 });
  });

  it('refuses the whole batch, writing nothing, for what the request alone shows wrong, naming events.<i>.<field>', async () => {
    const before = await batches();
    const missing = await send([sos('E-1'), { platformEventId: 'E-2', kind: 'VITAL_SIGN_ALARM', deviceId: 'SMJC-8-4-17', occurredAt: '2026-03-05T14:02:00.000Z' }]);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'events.1.vitalSign', rule: 'is required when kind is VITAL_SIGN_ALARM' } });
    const foreign = await send([sos('E-1', { offline: { lastSeenAt: '2026-03-05T13:00:00.000Z' } })]);
    expect(foreign.json()).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'events.0.offline' } });
    const future = await send([sos('E-1', { occurredAt: '2999-01-01T00:00:00.000Z', emergencyCall: { pressCount: 1, lastPressedAt: '2999-01-01T00:00:00.000Z' } })]);
    expect(future.json()).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'events.0.occurredAt', rule: 'must not be in the future' } });
    const order = await send([sos('E-1', { emergencyCall: { pressCount: 1, lastPressedAt: '2026-03-05T13:00:00.000Z' } })]);
    expect(order.json()).toMatchObject({ details: { field: 'events.0.emergencyCall.lastPressedAt' } });
    const shape = await send([sos('E-1'), sos('E-2', { emergencyCall: { pressCount: 0, lastPressedAt: '2026-03-05T13:47:20.000Z' } })]);
    expect(shape.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.events.1.emergencyCall.pressCount' }] });
    const tooMany = await send(Array.from({ length: 501 }, (_, index) => sos(`E-many-${index}`)));
    expect(tooMany.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.events' }] });
    expect((await send([sos('E-1')], '442000006', ['caseworker'])).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect(await batches()).toBe(before);
    // Nothing was claimed either: the same ids are accepted once the batch is right.
    expect((await send([sos('E-1'), vital('E-2')])).json()).toMatchObject({ accepted: 2 });
  });
});
