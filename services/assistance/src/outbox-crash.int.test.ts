/**
 * The acceptance test of the outbox with a real process: the service (dist/server.js) is killed
 * with SIGKILL after its writes and before any publish; a restarted service publishes each event
 * exactly once, with the ids the first process wrote.
 */
import { createKafka } from '@minzheng/event-bus/client';
import { serviceProcessEnv, startServiceProcess, type ServiceProcess } from '@minzheng/service-kit/test-support';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { idNumber } from './test-support/service.js';

const SERVER = new URL('../dist/server.js', import.meta.url).pathname;
const database = uniqueDatabaseName('assistance-crash');
const env = serviceProcessEnv(database);
const running: ServiceProcess[] = [];
afterAll(async () => {
  for (const service of running) await service.stop('SIGKILL');
  const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

async function startServer(extra: Record<string, string>): Promise<ServiceProcess> {
  const service = await startServiceProcess(SERVER, { ...env, ...extra });
  running.push(service);
  return service;
}

describe('killed between the write and the publish', () => {
  it('publishes each written event exactly once after a restart', async () => {
    // First life: writes, but this instance does not relay (as if it died before its relay ran).
    const first = await startServer({ MZ_OUTBOX_RELAY: 'false' });
    const headers = { authorization: `Bearer ${await first.token(['caseworker'], '442000001', 'clerk')}`, 'content-type': 'application/json' };
    const household = await fetch(`${first.url}/households`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ regionCode: '442000001003', address: '中山市石岐街道', reason: 'APPLICATION', members: [{ idNumber: idNumber('1955-06-01'), name: '罗美玲', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 30_000, financialAssetsFen: 0 }] }),
    });
    expect(household.status).toBe(201);
    const { id: householdId } = (await household.json()) as { id: string };
    const application = await fetch(`${first.url}/applications`, { method: 'POST', headers, body: JSON.stringify({ householdId, program: 'DIBAO', channel: 'WINDOW' }) });
    expect(application.status).toBe(201);
    await first.stop('SIGKILL');

    const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
    const pending = [
      ...((await connection.collection('households').findOne({ _id: householdId as never }))?.outbox as { eventId: string }[]),
      ...((await connection.collection('applications').findOne({ householdId }))?.outbox as { eventId: string }[]),
    ].map((entry) => entry.eventId);
    expect(pending).toHaveLength(2);

    // Second life: the relay publishes what the first one wrote.
    const second = await startServer({});
    const seen: string[] = [];
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('crash-test') });
    const consumer = kafka.consumer({ groupId: uniqueName('crash-read'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'mz.assistance.events', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === householdId) seen.push(message.headers?.['mz-event-id']?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(async () => (await connection.collection('applications').findOne({ householdId }))?.outboxPending === false && seen.length >= 2, { timeoutMs: 30_000, description: 'the restarted service to relay both events' });
    await second.stop('SIGTERM');
    await consumer.disconnect();
    await connection.close();
    expect([...seen].sort()).toEqual([...pending].sort());
  });
});
