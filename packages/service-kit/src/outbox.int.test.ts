/**
 * The outbox on the real store and broker: events written with the state change are relayed in
 * order and removed; a relay that crashed after publishing (before removing) publishes the same
 * event ids again, which a consumer with the Mongo processed-events store handles once; an event
 * appended while a pass runs is not lost. Hinted nudges: the hinted documents are looked up by
 * `_id` and relayed without a full scan; what nobody hinted is found by the scans (the first pass,
 * a nudge without a hint, the periodic scan); hints survive a failed pass and are bounded.
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

  describe('hinted nudges', () => {
    const HOUR = 3_600_000;

    it('relay exactly the hinted documents, by _id and in order, without a full scan; a nudge without a hint scans for the rest', async () => {
      const Households = connection.model<Household>('HouseholdE', householdSchema, 'households_e');
      const relay = new OutboxRelay({ connection, collections: ['households_e'], publisher, scanIntervalMs: HOUR });
      // The first pass scans, whatever the hints: nothing is pending yet.
      expect(await relay.pass()).toBe(0);
      expect(relay.metrics.scans).toBe(1);

      const tag = randomUUID().slice(0, 8);
      const [a, b, c] = [`HH-a-${tag}`, `HH-b-${tag}`, `HH-c-${tag}`];
      const expected = new Map<string, string[]>();
      for (const id of [a, b, c]) {
        const created = event(id);
        await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([created]) });
        const changed = [event(id), event(id)];
        await Households.updateOne({ _id: id }, withOutbox({ $set: { status: 'changed' } }, changed));
        expected.set(id, [created, ...changed].map((prepared) => prepared.eventId));
      }
      relay.nudge({ collection: 'households_e', ids: [a, b] });
      expect(relay.metrics.hinted).toBe(2);

      expect(await relay.pass()).toBe(6);
      expect(relay.metrics).toMatchObject({ scans: 1, hinted: 0, published: 6 });
      for (const id of [a, b]) expect(await Households.findById(id).lean()).toMatchObject({ outbox: [], outboxPending: false });
      // Nobody hinted c: its events wait for a scan.
      const waiting = await Households.findById(c).lean();
      expect(waiting).toMatchObject({ outboxPending: true });
      expect(waiting?.outbox).toHaveLength(3);

      relay.nudge();
      expect(await relay.pass()).toBe(3);
      expect(relay.metrics.scans).toBe(2);
      expect(await Households.findById(c).lean()).toMatchObject({ outbox: [], outboxPending: false });

      const { handled } = await startConsumer(uniqueName('group'));
      await waitFor(() => handled.filter((consumed) => [a, b, c].some((id) => id === consumed.key)).length >= 9, { timeoutMs: 30_000, description: "the three documents' 9 events handled" });
      for (const id of [a, b, c]) expect(handled.filter((consumed) => consumed.key === id).map((consumed) => consumed.eventId)).toEqual(expected.get(id));
    });

    it('forget ids whose documents are not pending, and survive a failed pass for the retry', async () => {
      const Households = connection.model<Household>('HouseholdF', householdSchema, 'households_f');
      const flaky = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring, source: 'outbox-test' });
      await flaky.connect();
      stops.push(() => flaky.disconnect());
      const original = flaky.publishPrepared.bind(flaky);
      let failuresLeft = 1;
      flaky.publishPrepared = (prepared) => {
        if (failuresLeft === 0) return original(prepared);
        failuresLeft -= 1;
        return Promise.reject(new Error('broker unavailable'));
      };
      const relay = new OutboxRelay({ connection, collections: ['households_f'], publisher: flaky, scanIntervalMs: HOUR });
      expect(await relay.pass()).toBe(0);

      const id = `HH-retry-${randomUUID().slice(0, 8)}`;
      await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
      relay.nudge({ collection: 'households_f', ids: [id, `${id}-never-written`] });
      await expect(relay.pass()).rejects.toThrow('broker unavailable');
      expect(relay.metrics.hinted).toBe(2);
      expect(await Households.findById(id).lean()).toMatchObject({ outboxPending: true });

      // The retry relays the document; the id with no document is forgotten with it.
      expect(await relay.pass()).toBe(1);
      expect(relay.metrics.hinted).toBe(0);
      expect(await Households.findById(id).lean()).toMatchObject({ outbox: [], outboxPending: false });

      // Hinting a document that was already relayed publishes nothing.
      relay.nudge({ collection: 'households_f', ids: [id] });
      expect(await relay.pass()).toBe(0);
      expect(relay.metrics).toMatchObject({ hinted: 0, scans: 1, published: 1 });
    });

    it('keep an event appended to a hinted document while its events are published, with the id hinted again', async () => {
      const Households = connection.model<Household>('HouseholdG', householdSchema, 'households_g');
      const id = `HH-hint-race-${randomUUID().slice(0, 8)}`;
      const late = event(id);
      const racing = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring, source: 'outbox-test' });
      await racing.connect();
      stops.push(() => racing.disconnect());
      const original = racing.publishPrepared.bind(racing);
      let appended = false;
      // A concurrent request: it appends an event and nudges with the same id while the pass publishes.
      racing.publishPrepared = async (prepared) => {
        const receipts = await original(prepared);
        if (!appended) {
          appended = true;
          await Households.updateOne({ _id: id }, withOutbox({ $set: { status: 'changed' } }, [late]));
          relay.nudge({ collection: 'households_g', ids: [id] });
        }
        return receipts;
      };
      const relay = new OutboxRelay({ connection, collections: ['households_g'], publisher: racing, scanIntervalMs: HOUR });
      expect(await relay.pass()).toBe(0);

      await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
      relay.nudge({ collection: 'households_g', ids: [id] });
      expect(await relay.pass()).toBe(1);
      const between = await Households.findById(id).lean();
      expect(between).toMatchObject({ outboxPending: true });
      expect(between?.outbox).toMatchObject([{ eventId: late.eventId }]);
      expect(relay.metrics.hinted).toBe(1);

      expect(await relay.pass()).toBe(1);
      expect(await Households.findById(id).lean()).toMatchObject({ outbox: [], outboxPending: false });
      expect(relay.metrics).toMatchObject({ hinted: 0, scans: 1, published: 2 });
    });

    it('give way to one full scan when more ids are waiting than maxHintedIds', async () => {
      const Households = connection.model<Household>('HouseholdH', householdSchema, 'households_h');
      const relay = new OutboxRelay({ connection, collections: ['households_h'], publisher, scanIntervalMs: HOUR, maxHintedIds: 2 });
      expect(await relay.pass()).toBe(0);
      const ids = ['HH-x', 'HH-y', 'HH-z'].map((id) => `${id}-${randomUUID().slice(0, 8)}`);
      for (const id of ids) await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });

      relay.nudge({ collection: 'households_h', ids });
      expect(relay.metrics).toMatchObject({ hinted: 0, hintOverflows: 1 });
      expect(await relay.pass()).toBe(3);
      expect(relay.metrics.scans).toBe(2);
      for (const id of ids) expect(await Households.findById(id).lean()).toMatchObject({ outbox: [], outboxPending: false });
    });

    it('in the background: a hinted nudge wakes the relay, which relays without scanning', async () => {
      const Households = connection.model<Household>('HouseholdI', householdSchema, 'households_i');
      const relay = new OutboxRelay({ connection, collections: ['households_i'], publisher, intervalMs: 60_000, scanIntervalMs: HOUR });
      relay.start();
      stops.push(() => relay.stop());
      // The scan at start has answered: what is written from here on, only the hint can bring.
      await waitFor(() => relay.metrics.scans >= 1, { timeoutMs: 10_000, description: 'the scan at start' });
      const id = `HH-bg-hint-${randomUUID().slice(0, 8)}`;
      await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
      relay.nudge({ collection: 'households_i', ids: [id] });
      await waitFor(async () => (await Households.findById(id).lean())?.outboxPending === false && relay.metrics.published >= 1, { timeoutMs: 10_000, description: 'the hinted document relayed' });
      expect(relay.metrics).toMatchObject({ scans: 1, published: 1, hinted: 0 });
    });

    it('in the background: a write nobody nudged for is found by the periodic scan', async () => {
      const Households = connection.model<Household>('HouseholdJ', householdSchema, 'households_j');
      // The idle poll (one minute) is longer than the wait below: only the scan interval can wake the relay.
      const relay = new OutboxRelay({ connection, collections: ['households_j'], publisher, intervalMs: 60_000, scanIntervalMs: 200 });
      relay.start();
      stops.push(() => relay.stop());
      await waitFor(() => relay.metrics.scans >= 1, { timeoutMs: 10_000, description: 'the scan at start' });
      const scansBefore = relay.metrics.scans;
      const id = `HH-bg-scan-${randomUUID().slice(0, 8)}`;
      await Households.create({ _id: id, status: 'created', version: 1, ...outboxFields([event(id)]) });
      // The metric moves just after the document is cleared: wait for both.
      await waitFor(async () => (await Households.findById(id).lean())?.outboxPending === false && relay.metrics.published >= 1, { timeoutMs: 10_000, description: 'the periodic scan to relay the document' });
      expect(relay.metrics.scans).toBeGreaterThan(scansBefore);
      expect(relay.metrics.published).toBe(1);
    });
  });
});
