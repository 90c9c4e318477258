/**
 * The acceptance test of the outbox with a real process: the service (dist/server.js) is killed
 * with SIGKILL after its writes and before any publish; a restarted service publishes each event
 * exactly once, with the ids the first process wrote (the organisation's registration, the
 * campaign's opened event on its document, the donation's event on its ledger entry).
 */
import { once } from 'node:events';
import { createKafka } from '@minzheng/event-bus/client';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { serviceProcessEnv, startServiceProcess, type ServiceProcess } from '@minzheng/service-kit/test-support';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_COLLECTION } from './campaigns/ledger.schema.js';

const SERVER = new URL('../dist/server.js', import.meta.url).pathname;
const database = uniqueDatabaseName('charity-crash');
const env = serviceProcessEnv(database);
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
    const admin = { authorization: `Bearer ${await signToken(keys, { subject: 'admin', roles: ['admin', 'supervisor', 'caseworker'], jurisdiction: '442000' })}`, 'content-type': 'application/json' };

    // First life: writes, but this instance does not relay (as if it died before its relay ran).
    const first = await startServer({ MZ_OUTBOX_RELAY: 'false' });
    const organisation = await fetch(`${first.url}/organisations`, { method: 'POST', headers: admin, body: JSON.stringify({ creditCode: '53442000MJL0000018', name: '中山市慈善总会', form: 'SOCIAL_GROUP', regionCode: '442000', publicFundraising: true }) });
    expect(organisation.status).toBe(201);
    const campaign = await fetch(`${first.url}/campaigns`, { method: 'POST', headers: admin, body: JSON.stringify({ title: '微基金项目', kind: 'MICRO_FUND', organiserId: '53442000MJL0000018', regionCode: '442000' }) });
    expect(campaign.status).toBe(201);
    const { id: campaignId } = (await campaign.json()) as { id: string };
    const donation = await fetch(`${first.url}/campaigns/${campaignId}/donations`, { method: 'POST', headers: admin, body: JSON.stringify({ donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen: 10_000, channel: 'ON_SITE' }) });
    expect(donation.status).toBe(201);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
    const pending = [
      ...((await connection.collection('campaigns').findOne({ _id: campaignId as never }))?.outbox as { eventId: string }[]),
      ...((await connection.collection(LEDGER_COLLECTION).findOne({ chainId: campaignId }))?.outbox as { eventId: string }[]),
    ].map((entry) => entry.eventId);
    expect(pending).toHaveLength(2);
    // The registration's event, keyed by the credit code (the same code in every run, so matched by event id).
    const [registration] = ((await connection.collection('organisations').findOne({ _id: '53442000MJL0000018' as never }))?.outbox as { eventId: string }[]).map((entry) => entry.eventId);
    expect(registration).toEqual(expect.any(String));

    // Second life: the relay publishes what the first one wrote.
    const second = await startServer({});
    const seen: string[] = [];
    const seenRegistrations: string[] = [];
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('crash-test') });
    const consumer = kafka.consumer({ groupId: uniqueName('crash-read'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'mz.charity.events', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === campaignId) seen.push(message.headers?.['mz-event-id']?.toString() ?? '');
        if (message.key?.toString() === '53442000MJL0000018') seenRegistrations.push(message.headers?.['mz-event-id']?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(async () => (await connection.collection(LEDGER_COLLECTION).findOne({ chainId: campaignId }))?.outboxPending === false && seen.length >= 2 && seenRegistrations.includes(registration ?? ''), { timeoutMs: 30_000, description: 'the restarted service to relay all three events' });
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    await consumer.disconnect();
    await connection.close();
    expect([...seen].sort()).toEqual([...pending].sort());
    expect(seenRegistrations.filter((id) => id === registration)).toHaveLength(1);
  });
});
