/**
 * The acceptance test of the outbox with a real process: the service (dist/server.js) is killed
 * with SIGKILL after its writes and before any publish; a restarted service publishes each event
 * exactly once, with the ids the first process wrote — an elder's registration, a device binding and
 * a device batch.
 */
import { once } from 'node:events';
import { createKafka } from '@minzheng/event-bus/client';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { serviceProcessEnv, startServiceProcess, type ServiceProcess } from '@minzheng/service-kit/test-support';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { elderBody } from './test-support/service.js';

const SERVER = new URL('../dist/server.js', import.meta.url).pathname;
const database = uniqueDatabaseName('elderly-care-crash');
const env = serviceProcessEnv(database, { MZ_AGE_ALLOWANCE_JOB_INTERVAL_MS: '0' });
const jwtKeys = env.MZ_JWT_KEYS ?? '';
const running: ServiceProcess[] = [];
afterAll(async () => {
  for (const service of running) await service.stop('SIGKILL');
  const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

/** Starts dist/server.js and resolves with its base URL once it listens. */
async function startServer(extra: Record<string, string>): Promise<ServiceProcess> {
  const service = await startServiceProcess(SERVER, { ...env, ...extra });
  running.push(service);
  return service;
}

describe('killed between the write and the publish', () => {
  it('publishes each written event exactly once after a restart', async () => {
    const keys = parseJwtKeys(jwtKeys);
    const clerk = { authorization: `Bearer ${await signToken(keys, { subject: 'clerk', roles: ['caseworker'], jurisdiction: '442000001' })}`, 'content-type': 'application/json' };
    const platform = { authorization: `Bearer ${await signToken(keys, { subject: 'platform', roles: ['department-system'], jurisdiction: '442000' })}`, 'content-type': 'application/json' };

    // First life: writes, but this instance does not relay (as if it died before its relay ran).
    const first = await startServer({ MZ_OUTBOX_RELAY: 'false' });
    const registered = await fetch(`${first.url}/elders`, { method: 'POST', headers: clerk, body: JSON.stringify(elderBody('1944-04-04')) });
    expect(registered.status).toBe(201);
    const { id: elderId, personKey } = (await registered.json()) as { id: string; personKey: string };
    expect((await fetch(`${first.url}/elders/${elderId}/devices`, { method: 'POST', headers: platform, body: JSON.stringify({ deviceId: 'SOS-CRASH-1', deviceKind: 'EMERGENCY_CALL' }) })).status).toBe(201);
    const at = new Date(Date.now() - 60_000).toISOString();
    const batch = await fetch(`${first.url}/device-events`, {
      method: 'POST',
      headers: platform,
      body: JSON.stringify({ events: ['X-1', 'X-2'].map((platformEventId) => ({ platformEventId, kind: 'EMERGENCY_CALL', deviceId: 'SOS-CRASH-1', occurredAt: at, emergencyCall: { pressCount: 1, lastPressedAt: at } })) }),
    });
    expect(((await batch.json()) as { accepted: number }).accepted).toBe(2);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
    const pending = [
      ...((await connection.collection('elders').findOne({ _id: elderId as never }))?.outbox as { eventId: string }[]),
      ...((await connection.collection('devices').findOne({ _id: 'SOS-CRASH-1' as never }))?.outbox as { eventId: string }[]),
      ...((await connection.collection('device_signal_batches').findOne({ outboxPending: true }))?.outbox as { eventId: string }[]),
    ].map((entry) => entry.eventId);
    expect(pending).toHaveLength(4);

    // Second life: the relay publishes what the first one wrote, to both topics.
    const second = await startServer({});
    const seen: string[] = [];
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('crash-test') });
    const consumer = kafka.consumer({ groupId: uniqueName('crash-read'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['mz.elderly-care.events', 'mz.elderly-care.device-signals'], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === personKey) seen.push(message.headers?.['mz-event-id']?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(async () => (await connection.collection('device_signal_batches').countDocuments({ outboxPending: true })) === 0 && seen.length >= 4, { timeoutMs: 30_000, description: 'the restarted service to relay all four events' });
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    await consumer.disconnect();
    await connection.close();
    expect([...seen].sort()).toEqual([...pending].sort());
  });
});
