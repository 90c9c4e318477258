/**
 * The outbox on the real store and broker: events written with the state change are relayed in
 * order and removed; a relay that crashed after publishing (before removing) publishes the same
 * event ids again, which a consumer with the Mongo processed-events store handles once; an event
 * appended while a pass runs is not lost.
 */
import { randomUUID } from 'node:crypto';
import { deleteTopics, ensureTopics } from '@minzheng/event-bus/admin';
import { createKafka } from '@minzheng/event-bus/client';
import { EventConsumer, type ConsumedEvent } from '@minzheng/event-bus/consumer';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureValue, registryOnTopic, testKeyring } from '@minzheng/event-bus/test-support';
import { OutboxRelay, outboxFields, outboxSchemaFields, withOutbox } from './outbox.js';
import { MongoProcessedEvents } from './processed-events.js';

const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('outbox-test') });
const topic = uniqueName('outbox');
const registry = registryOnTopic(topic);
const keyring = testKeyring('k1');
const publisher = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring, source: 'outbox-test' });
let connection: Connection;
const stops: (() => Promise<unknown>)[] = [];

interface Household {
  _id: string;
  status: string;
  version: number;
  outbox: unknown[];
  outboxPending: boolean;
}
const householdSchema = new Schema<Household>({ _id: String, status: String, version: Number, ...outboxSchemaFields } as never, { collection: 'households' });

beforeAll(async () => {
  await ensureTopics(kafka, [{ name: topic, description: 'test', partitions: 3, retentionMs: -1, compacted: false, deadLetter: true }]);
  connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('outbox')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await publisher.connect();
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await publisher.disconnect();
  await connection.dropDatabase();
  await connection.close();
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
});

function event(householdId: string) {
  return publisher.prepare('assistance.household-composition-recorded', fixtureValue(registry, 'assistance.household-composition-recorded', { household: { householdId } }));
}

async function startConsumer(groupId: string): Promise<{ handled: ConsumedEvent[]; processed: MongoProcessedEvents; consumer: EventConsumer }> {
  const handled: ConsumedEvent[] = [];
  const processed = new MongoProcessedEvents({ connection, consumerGroup: groupId });
  const consumer = new EventConsumer({
    kafka,
    registry,
    keyring,
    groupId,
    topics: [topic],
    processed,
    fromBeginning: true,
    maxWaitTimeInMs: 100,
    handler: (consumed) => {
      handled.push(consumed);
      return Promise.resolve();
    },
  });
  await consumer.start();
  stops.push(() => consumer.stop());
  return { handled, processed, consumer };
}

describe('transactional outbox', () => {
  it('relays the events written with each state change, in order per document, then empties the outbox', async () => {
    const Households = connection.model<Household>('HouseholdA', householdSchema);
    const ids = ['HH-1', 'HH-2', 'HH-3'].map((id) => `${id}-${randomUUID().slice(0, 8)}`);
    const expected = new Map<string, string[]>();
    for (const id of ids) {
      const created = event(id);
      await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([created]) });
      const changed = [event(id), event(id)];
      await Households.updateOne({ _id: id }, withOutbox({ $set: { status: 'changed' }, $inc: { version: 1 } }, changed));
      expected.set(id, [created, ...changed].map((prepared) => prepared.eventId));
    }

    const relay = new OutboxRelay({ connection, collections: ['households'], publisher });
    expect(await relay.drain()).toBe(9);
    const documents = await Households.find({ _id: { $in: ids } }).lean();
    for (const document of documents) {
      expect(document).toMatchObject({ status: 'changed', version: 2, outbox: [], outboxPending: false });
    }

    const { handled } = await startConsumer(uniqueName('group'));
    await waitFor(() => handled.length >= 9, { timeoutMs: 30_000, description: '9 events handled' });
    for (const id of ids) expect(handled.filter((consumed) => consumed.key === id).map((consumed) => consumed.eventId)).toEqual(expected.get(id));
  });

  it('publishes again after a crash between publish and removal, and the consumer applies each event once', async () => {
    const Households = connection.model<Household>('HouseholdB', householdSchema, 'households_b');
    const id = `HH-crash-${randomUUID().slice(0, 8)}`;
    const events = [event(id), event(id), event(id)];
    await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields(events) });

    // The relay that crashed got as far as publishing: the events are on Kafka AND still in the outbox.
    await publisher.publishPrepared(events);
    const relay = new OutboxRelay({ connection, collections: ['households_b'], publisher });
    expect(await relay.drain()).toBe(3);

    const { handled, consumer } = await startConsumer(uniqueName('group'));
    await waitFor(() => consumer.metrics().duplicatesSkipped >= 3, { timeoutMs: 30_000, description: 'the 3 republished events skipped' });
    // The topic is shared with the other tests: this document's events are those keyed by its id.
    expect(handled.filter((consumed) => consumed.key === id).map((consumed) => consumed.eventId)).toEqual(events.map((prepared) => prepared.eventId));
  });

  it('keeps an event appended while a pass is publishing, and relays it on the next pass', async () => {
    const Households = connection.model<Household>('HouseholdC', householdSchema, 'households_c');
    const id = `HH-race-${randomUUID().slice(0, 8)}`;
    await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
    const late = event(id);
    const racing = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring, source: 'outbox-test' });
    await racing.connect();
    stops.push(() => racing.disconnect());
    // A publisher whose send appends one more event to the document before it returns, as a
    // concurrent request would.
    const original = racing.publishPrepared.bind(racing);
    let appended = false;
    racing.publishPrepared = async (prepared) => {
      const receipts = await original(prepared);
      if (!appended) {
        appended = true;
        await Households.updateOne({ _id: id }, withOutbox({ $set: { status: 'changed' } }, [late]));
      }
      return receipts;
    };
    const relay = new OutboxRelay({ connection, collections: ['households_c'], publisher: racing });
    expect(await relay.pass()).toBe(1);
    const between = await Households.findById(id).lean();
    expect(between).toMatchObject({ outboxPending: true });
    expect(between?.outbox).toHaveLength(1);
    expect(await relay.drain()).toBe(1);
    expect(await Households.findById(id).lean()).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('relays in the background after a nudge, and stops with a final drain', async () => {
    const Households = connection.model<Household>('HouseholdD', householdSchema, 'households_d');
    const relay = new OutboxRelay({ connection, collections: ['households_d'], publisher, intervalMs: 60_000 });
    relay.start();
    const id = `HH-bg-${randomUUID().slice(0, 8)}`;
    await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
    relay.nudge();
    await waitFor(async () => (await Households.findById(id).lean())?.outboxPending === false, { timeoutMs: 10_000, description: 'the nudged relay to publish' });
    await Households.create({ _id: `${id}-2`, status: 'created', version: 1, ...outboxFields([event(`${id}-2`)]) });
    await relay.stop();
    expect(await Households.findById(`${id}-2`).lean()).toMatchObject({ outboxPending: false });
    expect(relay.metrics.published).toBe(2);
  });
});
