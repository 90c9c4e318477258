/**
 * The acceptance test of the outbox with a real process: the service (dist/server.js) is killed
 * with SIGKILL after its writes and before any publish; a restarted service publishes each event
 * exactly once, with the ids the first process wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createKafka } from '@minzheng/event-bus/client';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { idNumber } from './test-support/service.js';

const SERVER = new URL('../dist/server.js', import.meta.url).pathname;
const database = uniqueDatabaseName('assistance-crash');
const jwtKeys = `k1:${randomBytes(32).toString('base64')}`;
const env = {
  ...process.env,
  MZ_PORT: '0',
  MZ_HOST: '127.0.0.1',
  MZ_LOG_LEVEL: 'info',
  MZ_MONGO_URL: testMongoUrl(database),
  KAFKA_BROKERS: testKafkaBrokers().join(','),
  MZ_JWT_KEYS: jwtKeys,
  MZ_FIELD_KEYS: `f1:${randomBytes(32).toString('base64')}`,
  MZ_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
};
const running: ChildProcess[] = [];
afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

/** Starts dist/server.js and resolves with its base URL once it listens. */
async function startServer(extra: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the service did not start:\n${output}`)); }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/u.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${String(code)}:\n${output}`));
    });
  });
  return { child, url };
}

describe('killed between the write and the publish', () => {
  it('publishes each written event exactly once after a restart', async () => {
    const token = await signToken(parseJwtKeys(jwtKeys), { subject: 'clerk', roles: ['caseworker'], jurisdiction: '442000001' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // First life: writes, but this instance does not relay (as if it died before its relay ran).
    const first = await startServer({ MZ_OUTBOX_RELAY: 'false' });
    const household = await fetch(`${first.url}/households`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ regionCode: '442000001003', address: '中山市石岐街道', reason: 'APPLICATION', members: [{ idNumber: idNumber('1955-06-01'), name: '罗美玲', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 30_000, financialAssetsFen: 0 }] }),
    });
    expect(household.status).toBe(201);
    const { id: householdId } = (await household.json()) as { id: string };
    const application = await fetch(`${first.url}/applications`, { method: 'POST', headers, body: JSON.stringify({ householdId, program: 'DIBAO', channel: 'WINDOW' }) });
    expect(application.status).toBe(201);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

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
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    await consumer.disconnect();
    await connection.close();
    expect([...seen].sort()).toEqual([...pending].sort());
  });
});
