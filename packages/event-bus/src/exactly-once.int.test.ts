/**
 * Acceptance: 10,000 events published and consumed by a handler with a visible effect (one
 * document per event id in the real store; a redelivery is recorded separately). The consumer runs in a child
 * process that is killed with SIGKILL twice in the middle of the stream and restarted; a third
 * one finishes and stops gracefully. Every event must have its effect exactly once, whatever
 * the redeliveries, and nothing may be dead-lettered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose from 'mongoose';
import { afterAll, expect, it } from 'vitest';
import { deleteTopics, ensureTopics } from './admin.js';
import { createKafka } from './client.js';
import { EventPublisher } from './publisher.js';
import { fixtureValue, registryOnTopic, testKeyring } from './test-support/bus.js';

const EVENTS = 10_000;
const WORKER = fileURLToPath(new URL('./test-support/exactly-once-worker.mjs', import.meta.url));
const brokers = testKafkaBrokers();
const kafka = createKafka({ brokers, clientId: uniqueName('exactly-once') });
const topic = uniqueName('exactly-once');
const database = uniqueDatabaseName('exactly_once');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
  const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

/** A worker process and the number of events it reports handled (over IPC). */
function startWorker(env: Record<string, string>): { child: ChildProcess; handled: () => number } {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  let handled = 0;
  child.on('message', (message: { handled: number }) => {
    handled = message.handled;
  });
  return { child, handled: () => handled };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => { resolve(code); }));

it(`applies each of ${EVENTS} events exactly once although the consumer is killed twice mid-stream`, { timeout: 600_000 }, async () => {
  await ensureTopics(kafka, [{ name: topic, description: 'test', partitions: 6, retentionMs: -1, compacted: false, deadLetter: true }]);
  const key = randomBytes(32);
  const registry = registryOnTopic(topic);
  const publisher = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring: testKeyring('k1', key), source: 'exactly-once-test' });
  await publisher.connect();
  const eventIds = new Set<string>();
  const values = Array.from({ length: EVENTS }, (_, i) => {
    const value = fixtureValue(registry, 'water.meter-reading-recorded', { household: { householdId: `H-${i % 500}` } });
    eventIds.add(value.envelope.eventId as string);
    return value;
  });
  await Promise.all(values.map((value) => publisher.publish('water.meter-reading-recorded', value)));
  await publisher.disconnect();

  const connection = await mongoose.createConnection(testMongoUrl(database)).asPromise();
  const effects = connection.collection<{ _id: string }>('effects');
  const env = { BROKERS: brokers.join(','), TOPIC: topic, GROUP: uniqueName('group'), MONGO_URL: testMongoUrl(database), KEY_B64: key.toString('base64') };
  const count = () => effects.countDocuments();

  for (const killAfter of [EVENTS * 0.3, EVENTS * 0.3]) {
    const worker = startWorker(env);
    await waitFor(() => worker.handled() >= killAfter, { timeoutMs: 240_000, intervalMs: 20, description: `${killAfter} events handled` });
    worker.child.kill('SIGKILL');
    await exited(worker.child);
  }
  const last = startWorker(env);
  await waitFor(async () => (await count()) >= EVENTS, { timeoutMs: 300_000, intervalMs: 2_000, description: `${EVENTS} effects` });
  last.child.kill('SIGTERM');
  expect(await exited(last.child)).toBe(0);

  const documents = await effects.find({}, { projection: { _id: 1 } }).toArray();
  const redelivered = await connection.collection('redeliveries').countDocuments();
  await connection.close();
  expect(documents).toHaveLength(EVENTS);
  expect(new Set(documents.map((doc) => doc._id))).toEqual(eventIds);
  console.log(`[exactly-once] ${EVENTS} events, 2 kills: ${EVENTS + redelivered} deliveries (${redelivered} redelivered), each applied once`); // eslint-disable-line no-console -- the figure is the point

  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: env.GROUP, topics: [topic] });
  const dlq = await admin.fetchTopicOffsets(`${topic}.dlq`);
  await admin.disconnect();
  expect(committed!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0)).toBe(EVENTS);
  expect(dlq.map((partition) => partition.high)).toEqual(['0']);
});
