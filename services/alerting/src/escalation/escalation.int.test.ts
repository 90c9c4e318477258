/**
 * Deadlines and escalation on the real stack, with the service's clock moved: unacknowledged at the
 * deadline, the alert goes to the town's supervisor, then the city's, and stops at `maxLevel`;
 * acknowledged but unresolved, it escalates again; acknowledged in time, nothing happens. The
 * deadlines live in the store: an instance started after a deadline passed (a restart) escalates
 * it once, even with two instances at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@minzheng/testing';
import { AlertRepository } from '../alerts/alert.repository.js';
import { alertIdOf, type StoredAlert } from '../alerts/alert.schema.js';
import type { AlertingDeps } from '../deps.js';
import { StreamHub } from '../stream/hub.js';
import { StreamLog } from '../stream/stream-log.js';
import { flagRaised, idNumber, startTestService, type TestService } from '../test-support/service.js';
import { DeadlineQueue } from './deadlines.js';
import { Escalator } from './escalator.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

async function raise(): Promise<{ alert: StoredAlert; personKey: string }> {
  const id = idNumber('1939-09-09', 'M');
  const personKey = service.pseudonymizer.personKey(id);
  const value = flagRaised(service, { person: { personKey, idNumber: id, name: null } });
  await service.flags.publish('data-sharing.flag-raised', value);
  const alertId = alertIdOf(value.flagId as string);
  const found: StoredAlert[] = [];
  await waitFor(async () => {
    const alert = await service.deps.alerts.byId(alertId);
    if (alert !== null) found.push(alert);
    return alert !== null;
  }, { timeoutMs: 20_000, description: 'the alert' });
  const [alert] = found;
  if (alert === undefined) throw new Error('no alert');
  return { alert, personKey };
}

/** Runs `escalator` (default the service's) with the clock `ms` after `at`. */
async function at(instant: Date, ms: number, escalator = service.escalator): Promise<number> {
  service.setNow(new Date(instant.getTime() + ms).toISOString());
  try {
    return await escalator.runOnce();
  } finally {
    service.setNow(undefined);
  }
}

const current = async (id: string) => {
  const alert = await service.deps.alerts.byId(id);
  if (alert === null) throw new Error(`alert ${id} missing`);
  return alert;
};

const escalations = async (personKey: string, alertId: string, count: number) =>
  (await service.events(personKey, count + 2)).filter((event) => event.eventType === 'alerting.alert-escalated' && event.value.alertId === alertId);

describe('escalation', () => {
  it('unacknowledged: to the town supervisor at the deadline, then the city’s, then no further (maxLevel 2)', async () => {
    const { alert, personKey } = await raise();
    expect(await at(alert.ackDueAt, -500)).toBe(0);
    expect(await current(alert._id)).toMatchObject({ assigneeRole: 'GRID_WORKER', escalationLevel: 0 });

    expect(await at(alert.ackDueAt, 1)).toBe(1);
    const first = await current(alert._id);
    expect(first).toMatchObject({ assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-101', escalationLevel: 1, status: 'OPEN' });
    expect(first.ackDueAt.getTime()).toBe(alert.ackDueAt.getTime() + 1 + 2_000);
    const events = await escalations(personKey, alert._id, 1);
    expect(events[0]?.value).toMatchObject({ reason: 'ACK_OVERDUE', escalationLevel: 1, fromRole: 'GRID_WORKER', toRole: 'SUPERVISOR', toCaseworkerId: 'sup-101', escalatedById: null });

    expect(await at(first.ackDueAt, 1)).toBe(1);
    const second = await current(alert._id);
    expect(second).toMatchObject({ assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-city', escalationLevel: 2 });
    expect(await at(second.ackDueAt, 1)).toBe(0);
    expect(await current(alert._id)).toMatchObject({ caseworkerId: 'sup-city', escalationLevel: 2 });
  });

  it('acknowledged in time: no escalation at the acknowledgement deadline; unresolved: escalated at the resolve deadline', async () => {
    const { alert } = await raise();
    const token = await service.token(['caseworker'], '442000101002', 'gw-101002');
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect(await at(alert.ackDueAt, 1)).toBe(0);
    expect(await current(alert._id)).toMatchObject({ assigneeRole: 'GRID_WORKER', escalationLevel: 0, status: 'ACKNOWLEDGED' });
    expect(await at(alert.resolveDueAt, 1)).toBe(1);
    const escalated = await current(alert._id);
    expect(escalated).toMatchObject({ assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-101', escalationLevel: 1, status: 'ACKNOWLEDGED' });
    expect(escalated.resolveDueAt.getTime()).toBe(alert.resolveDueAt.getTime() + 1 + 60_000);
  });

  it('survives a restart: a deadline passed while down is escalated once by the instances that start, even two at once', async () => {
    const { alert, personKey } = await raise();
    // "Restarted" instances: new objects over the same database, nothing kept in memory.
    const restarted = (): Escalator => {
      const stream = new StreamLog(service.connection);
      const deps: AlertingDeps = { ...service.deps, alerts: new AlertRepository(service.connection), deadlines: new DeadlineQueue(service.connection), stream, hub: new StreamHub({ log: stream }) };
      return new Escalator(deps, { intervalMs: 60_000 });
    };
    const [a, b] = [restarted(), restarted()];
    service.setNow(new Date(alert.ackDueAt.getTime() + 10_000).toISOString());
    try {
      await Promise.all([a.runOnce(), b.runOnce()]);
    } finally {
      service.setNow(undefined);
    }
    expect(a.metrics().escalated + b.metrics().escalated).toBe(1);
    expect(await current(alert._id)).toMatchObject({ escalationLevel: 1, caseworkerId: 'sup-101' });
    await service.relay.drain();
    expect(await escalations(personKey, alert._id, 1)).toHaveLength(1);
  });
});
