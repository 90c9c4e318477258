/**
 * The acceptance scenario of the alerting service, across the platform on the real stack: 养老
 * registers an elder living alone, 水务 reports the meter silent for 30 hours; data-sharing (its
 * projection, the 政策找人 screener and its outbox relay, on its own database) raises the
 * WATER_METER_SILENCE flag; this service routes it to the village's grid worker, whose console is
 * connected to the live stream over HTTP — a P1 alert arrives there; nobody acknowledges it, and at
 * the (short, test) deadline it escalates to the town's supervisor, on their stream too.
 *
 * The time from the 水务 event to the stream is printed (speed is measured by the benchmark, not
 * asserted here).
 */
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue } from '@minzheng/event-bus/test-support';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import { OUTBOX_COLLECTIONS as DATA_SHARING_OUTBOX, createScreener, ensureIndexes as dataSharingIndexes } from '@minzheng/data-sharing/dist/app.js';
import { foldCrypto } from '@minzheng/data-sharing/dist/projection/crypto.js';
import { DEFAULT_PRECEDENCE } from '@minzheng/data-sharing/dist/projection/precedence.js';
import { ProjectionConsumer } from '@minzheng/data-sharing/dist/projection/projection-consumer.js';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, openStream, startTestService, type StreamClient, type TestService } from './test-support/service.js';

let service: TestService;
let baseUrl: string;
let dataSharing: Connection;
let relay: OutboxRelay;
let projection: ProjectionConsumer;
let departments: EventPublisher<Record<string, unknown>>;
const clients: StreamClient[] = [];

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
  // data-sharing as it runs: its own database, the projection and the screener on the same topic, its outbox relayed.
  dataSharing = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('data-sharing')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await dataSharingIndexes(dataSharing);
  const dataSharingPublisher = new EventPublisher({ kafka: service.kafka, registry: service.registry, keyring: service.keyring, source: 'data-sharing-service' });
  await dataSharingPublisher.connect();
  relay = new OutboxRelay({ connection: dataSharing, collections: DATA_SHARING_OUTBOX, publisher: dataSharingPublisher, intervalMs: 100 });
  relay.start();
  projection = new ProjectionConsumer({
    kafka: service.kafka,
    registry: service.registry,
    keyring: service.keyring,
    connection: dataSharing,
    precedence: DEFAULT_PRECEDENCE,
    crypto: foldCrypto(service.keyring, service.pseudonymizer),
    groupId: uniqueName('projection'),
    topics: [service.topic],
    attempts: 2,
    screener: createScreener({ connection: dataSharing, publisher: dataSharingPublisher, keyring: service.keyring, nudge: (hint) => { relay.nudge(hint); } }),
  });
  await projection.start();
  departments = new EventPublisher({ kafka: service.kafka, registry: service.registry, keyring: service.keyring, source: 'department-under-test' });
  await departments.connect();
  afterAll(async () => {
    for (const client of clients) client.close();
    await projection.stop();
    await relay.stop();
    await departments.disconnect();
    await dataSharingPublisher.disconnect();
    await dataSharing.dropDatabase();
    await dataSharing.close();
    await service.close();
  });
}, 120_000);

const VILLAGE = '442000101002';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

function event(eventType: string, person: { personKey: string; idNumber: string; name: string }, department: string, occurredAt: Date, body: Record<string, unknown>): Record<string, unknown> {
  const value = fixtureValue(service.registry, eventType, {
    occurredAt: occurredAt.toISOString(),
    recordedAt: occurredAt.toISOString(),
    source: { department, system: 'test', recordId: uniqueName('record') },
    region: { countyCode: VILLAGE.slice(0, 6), townCode: VILLAGE.slice(0, 9), villageCode: VILLAGE },
    person,
    household: null,
  });
  return { ...value, ...body };
}

describe('an elder living alone whose water meter goes silent', () => {
  it('reaches the village grid worker’s live stream as a P1 alert, and escalates to the town supervisor at the deadline', async () => {
    const id = idNumber('1941-02-03', 'M');
    const elder = { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
    const worker = await openStream(baseUrl, await service.token(['caseworker'], VILLAGE, 'gw-101002'));
    const supervisor = await openStream(baseUrl, await service.token(['supervisor'], '442000101', 'sup-101'));
    clients.push(worker, supervisor);

    await departments.publish('elderly-care.elder-registered', event('elderly-care.elder-registered', elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 60), { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' }));
    await departments.flush();
    await waitFor(() => projection.metrics().handled >= 1, { timeoutMs: 30_000, description: 'the registration projected' });
    await projection.idle(30_000);
    const published = Date.now();
    await departments.publish('water.meter-anomaly-detected', event('water.meter-anomaly-detected', elder, 'WATER', hoursAgo(1), { anomalyKind: 'NO_CONSUMPTION', hours: 30, since: hoursAgo(31) }));

    const arrived = await waitFor(() => worker.events.find((item) => item.event === 'ALERT' && item.data.ruleId === 'WATER_METER_SILENCE'), { timeoutMs: 30_000, description: 'the P1 alert on the grid worker’s stream' });
    // eslint-disable-next-line no-console -- the figure this scenario is about (not asserted: the benchmark measures it)
    console.log(`water-meter silence: 水务 event → grid worker's stream in ${String(arrived.receivedAt - published)} ms`);
    expect(arrived.data).toMatchObject({ urgency: 'P1', flagCode: 'RISK_WELLBEING_CHECK', assigneeRole: 'GRID_WORKER', caseworkerId: 'gw-101002', regionCode: VILLAGE, status: 'OPEN' });
    expect(arrived.data.explanation).toContain('独居老人（85岁）的智能水表已连续30小时无用水');
    expect(supervisor.events.filter((item) => item.data.alertId === arrived.data.alertId)).toEqual([]);

    // Nobody acknowledges: at the deadline (2 s in the test table) the escalator hands it to the town's supervisor.
    const alert = await service.deps.alerts.byId(String(arrived.data.alertId));
    if (alert === null) throw new Error('the alert is not stored');
    await waitFor(() => Date.now() > alert.ackDueAt.getTime(), { timeoutMs: 10_000, intervalMs: 100, description: 'the acknowledgement deadline' });
    expect(await service.escalator.runOnce()).toBeGreaterThanOrEqual(1);
    const escalated = await waitFor(() => supervisor.events.find((item) => item.event === 'ESCALATED' && item.data.alertId === arrived.data.alertId), { timeoutMs: 20_000, description: 'the escalation on the supervisor’s stream' });
    expect(escalated.data).toMatchObject({ assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-101', escalationLevel: 1, previous: { role: 'GRID_WORKER', caseworkerId: 'gw-101002' } });
  });
});
