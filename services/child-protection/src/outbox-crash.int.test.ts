/**
 * The acceptance test of the outbox with a real process: the service (dist/server.js) is killed
 * with SIGKILL after its writes and before any publish; a restarted service publishes each event
 * exactly once, with the ids the first process wrote. The restarted service is ready only with its
 * database, Kafka and the standards consumer running.
 */
import { once } from 'node:events';
import { createKafka } from '@minzheng/event-bus/client';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { serviceProcessEnv, startServiceProcess, type ServiceProcess } from '@minzheng/service-kit/test-support';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { idNumber } from './test-support/service.js';

const SERVER = new URL('../dist/server.js', import.meta.url).pathname;
const database = uniqueDatabaseName('child-protection-crash');
const env = serviceProcessEnv(database, { MZ_STANDARDS_CONSUMER_GROUP: uniqueName('child-standards') });
const jwtKeys = env.MZ_JWT_KEYS ?? '';
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
    const worker = await signToken(parseJwtKeys(jwtKeys), { subject: 'cd-0101', roles: ['child-protection'], jurisdiction: '442000001' });
    const headers = { authorization: `Bearer ${worker}`, 'content-type': 'application/json' };

    const first = await startServer({ MZ_OUTBOX_RELAY: 'false', MZ_STANDARDS_CONSUMER: 'false' });
    const registered = await fetch(`${first.url}/children`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ idNumber: idNumber('2016-06-01', 'F'), name: '罗小美', regionCode: '442000001003', hukouResident: true, category: 'LEFT_BEHIND', guardians: [{ idNumber: idNumber('1988-02-02', 'M'), name: '罗父', relation: 'FATHER', livesWithChild: false, situation: 'WORKING_AWAY' }] }),
    });
    expect(registered.status).toBe(201);
    const { id: childId, personKey, guardians } = (await registered.json()) as { id: string; personKey: string; guardians: { personKey: string }[] };
    const changed = await fetch(`${first.url}/children/${childId}/guardianship-changes`, { method: 'POST', headers, body: JSON.stringify({ changeKind: 'DETENTION', effectiveDate: '2020-01-01', guardianPersonKey: guardians[0]?.personKey }) });
    expect(changed.status).toBe(200);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
    const pending = ((await connection.collection('children').findOne({ _id: childId as never }))?.outbox as { eventId: string }[]).map((entry) => entry.eventId);
    expect(pending).toHaveLength(2);

    const second = await startServer({});
    const ready = await waitFor(async () => {
      const response = await fetch(`${second.url}/health/ready`);
      return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    }, { timeoutMs: 30_000, description: 'the restarted service to be ready' });
    expect(JSON.stringify(ready)).toContain('standardsConsumer');

    const seen: string[] = [];
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('crash-test') });
    const consumer = kafka.consumer({ groupId: uniqueName('crash-read'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'mz.child-protection.events', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === personKey) seen.push(message.headers?.['mz-event-id']?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(async () => (await connection.collection('children').findOne({ _id: childId as never }))?.outboxPending === false && seen.length >= 2, { timeoutMs: 30_000, description: 'the restarted service to relay both events' });
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    await consumer.disconnect();
    await connection.close();
    expect(seen).toEqual(pending);
  });
});
