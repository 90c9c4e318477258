/**
 * The alerting service's outcomes recorded on the flags, on the real stack: a caseworker's outcome
 * (alerting.alert-outcome-recorded) closes the open flag as RESOLVED with the outcome code, and the
 * flag-closed event goes out; the same event again, or an outcome for a flag since closed, changes
 * nothing.
 */
import { fixtureValue } from '@minzheng/event-bus/test-support';
import { uniqueName, waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionConsumer } from '../projection/projection-consumer.js';
import { SUMMARIES } from '../projection/projector.js';
import { eventFor, idNumber, startTestService, type TestService } from '../test-support/service.js';
import { FlagRepository } from './flag.repository.js';
import type { FlagDocument } from './flag.schema.js';
import { OutcomeConsumer } from './outcome-consumer.js';

let service: TestService;
let projection: ProjectionConsumer;
let outcomes: OutcomeConsumer;
beforeAll(async () => {
  service = await startTestService();
  projection = await service.projection(undefined, { rules: true });
  outcomes = new OutcomeConsumer({ kafka: service.kafka, registry: service.registry, keyring: service.keyring, connection: service.connection, topics: [service.topic], groupId: uniqueName('outcomes'), flags: new FlagRepository(service.connection, service.servicePublisher), persons: service.connection.collection(SUMMARIES.person), now: () => service.now(), attempts: 2 });
  await outcomes.start();
});
afterAll(async () => {
  await outcomes.stop();
  await service.close();
});

const VILLAGE = '442000101002';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describe('outcomes from the alerting service', () => {
  it('close the flag as RESOLVED with the caseworker’s outcome, once', async () => {
    const id = idNumber('1942-03-04', 'F');
    const elder = { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
    for (const [eventType, department, at, body] of [
      ['elderly-care.elder-registered', 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 30), { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' }],
      ['water.meter-anomaly-detected', 'WATER', hoursAgo(1), { anomalyKind: 'NO_CONSUMPTION', hours: 30, since: new Date(Date.now() - 31 * 3_600_000) }],
    ] as const) await service.publisher.publish(eventType, eventFor(service, eventType, { person: elder, department, occurredAt: at, villageCode: VILLAGE, body }));
    await service.publisher.flush();
    const flags = service.connection.collection<FlagDocument>('flags');
    const slot = `WATER_METER_SILENCE|p:${elder.personKey}`;
    const flag = await waitFor(() => flags.findOne({ _id: slot }), { timeoutMs: 60_000, description: 'the water-meter flag' });
    expect(flag.status).toBe('OPEN');

    const alertId = '0d9c7f1e-3a52-8b1c-9d4e-5f6a7b8c9d0e';
    const outcome = { ...fixtureValue(service.registry, 'alerting.alert-outcome-recorded', { person: { personKey: elder.personKey, idNumber: id, name: null }, household: null }), alertId, flagId: flag.flagId, outcome: 'HELP_GIVEN', recordedById: 'gw-101002', recordedByRole: 'GRID_WORKER', program: null, note: '已上门' };
    await service.publisher.publish('alerting.alert-outcome-recorded', outcome);
    await service.publisher.publish('alerting.alert-outcome-recorded', outcome);
    await service.publisher.publish('alerting.alert-outcome-recorded', { ...outcome, envelope: { ...(outcome.envelope as object), eventId: crypto.randomUUID() }, outcome: 'FALSE_ALARM' });
    await service.publisher.flush();
    await waitFor(() => outcomes.metrics().recorded + outcomes.metrics().alreadyClosed + outcomes.metrics().duplicatesSkipped >= 3, { timeoutMs: 30_000, description: 'the three outcome deliveries handled' });

    expect(await flags.findOne({ _id: slot })).toMatchObject({ flagId: flag.flagId, status: 'RESOLVED', outcome: 'HELP_GIVEN', closedBy: 'alerting:gw-101002' });
    expect(outcomes.metrics()).toMatchObject({ recorded: 1, alreadyClosed: 1, duplicatesSkipped: 1 });
    const events = await service.flagEvents(elder.personKey, (found) => found.some((item) => item.eventType === 'data-sharing.flag-closed'));
    expect(events.find((item) => item.eventType === 'data-sharing.flag-closed')?.value).toMatchObject({ flagId: flag.flagId, closeReason: 'RESOLVED', closedById: 'alerting:gw-101002' });
    expect(projection.metrics().deadLettered).toBe(0);
  });
});
