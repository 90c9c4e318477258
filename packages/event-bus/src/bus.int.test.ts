/**
 * The event bus on the real broker: typed publishing with wire protection, decoding any
 * published version, dead letters with reasons, retries, idempotency by event id, graceful
 * stop, pause/resume and metrics. The crash test (10,000 events, consumer killed) is in
 * exactly-once.int.test.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ContractError, type ContractRegistry } from '@minzheng/contracts';
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { testKafkaBrokers, uniqueName, waitFor } from '@minzheng/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteTopics, ensureTopics } from './admin.js';
import { createKafka } from './client.js';
import { EventConsumer, NonRetriableError, type ConsumedEvent, type ConsumerOptions } from './consumer.js';
import { HEADERS, readHeaders } from './headers.js';
import { EventPublisher } from './publisher.js';
import { fixtureValue, registryOnTopic, testKeyring } from './test-support/bus.js';

const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('bus-test') });
const keyring = testKeyring('k1');
const created: string[] = [];
const running: { stop(): Promise<void> }[] = [];

afterAll(async () => {
  for (const client of running) await client.stop().catch(() => undefined);
  await deleteTopics(kafka, created);
});

async function freshTopic(partitions = 3): Promise<string> {
  const name = uniqueName('bus');
  created.push(name, `${name}.dlq`);
  await ensureTopics(kafka, [{ name, description: 'test', partitions, retentionMs: -1, compacted: false, deadLetter: true }]);
  return name;
}

async function publisherFor(registry: ContractRegistry, withKeyring = keyring, encodingThreads = 0): Promise<EventPublisher<Record<string, unknown>>> {
  const publisher = new EventPublisher<Record<string, unknown>>({ kafka, registry, keyring: withKeyring, source: 'bus-test', encodingThreads });
  await publisher.connect();
  running.push({ stop: () => publisher.disconnect() });
  return publisher;
}

/** Starts a consumer that records what it handles. */
async function consumerFor(options: Omit<ConsumerOptions, 'kafka' | 'groupId' | 'handler'> & { handler?: ConsumerOptions['handler']; groupId?: string }) {
  const handled: ConsumedEvent[] = [];
  const consumer = new EventConsumer({
    kafka,
    groupId: uniqueName('group'),
    maxWaitTimeInMs: 100,
    retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
    ...options,
    handler: async (event) => {
      await options.handler?.(event);
      handled.push(event);
    },
  });
  await consumer.start();
  running.push(consumer);
  return { consumer, handled };
}

interface RawRecord {
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly offset: string;
}

/** Reads `count` raw records of a topic from the beginning (no decoding). */
async function readRaw(topic: string, count: number): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('raw'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        records.push({ value: message.value, headers: readHeaders(message.headers), offset: message.offset });
        return Promise.resolve();
      },
    });
    await waitFor(() => records.length >= count, { timeoutMs: 30_000, description: `${count} records on ${topic}` });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

describe('publishing and consuming contract events', () => {
  it('encrypts personal data on the wire, keys by household, and hands the handler the decrypted value', async () => {
    const topic = await freshTopic();
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const value = fixtureValue(registry, 'assistance.household-composition-recorded');
    const idNumbers = JSON.stringify(value).match(/\d{17}[\dX]/g) ?? [];
    expect(idNumbers.length).toBeGreaterThan(1);

    const receipt = await publisher.publish('assistance.household-composition-recorded', value);
    expect(receipt.key).toBe((value.envelope.household as { householdId: string }).householdId);

    const [raw] = await readRaw(topic, 1);
    const bytes = raw!.value!.toString('latin1');
    for (const idNumber of idNumbers) expect(bytes).not.toContain(idNumber);
    expect(raw!.headers).toMatchObject({
      [HEADERS.eventId]: receipt.eventId,
      [HEADERS.eventType]: 'assistance.household-composition-recorded',
      [HEADERS.schemaFingerprint]: registry.event('assistance.household-composition-recorded').fingerprintHex,
      [HEADERS.keyId]: 'k1',
      [HEADERS.source]: 'bus-test',
    });

    const { handled } = await consumerFor({ registry, keyring, topics: [topic] });
    await waitFor(() => handled.length === 1, { description: 'the event handled' });
    expect(handled[0]).toMatchObject({ eventId: receipt.eventId, eventType: 'assistance.household-composition-recorded', writerVersion: 1, decrypted: true });
    expect(handled[0]!.value).toEqual(value);
  });

  it('refuses an invalid event at publish time with a coded error, sending nothing', async () => {
    const topic = await freshTopic(1);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const value = fixtureValue(registry, 'public-security.death-registered');
    (value.envelope.region as Record<string, unknown>).countyCode = 442_000;
    const error: unknown = await publisher.publish('public-security.death-registered', value).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('AVRO_INVALID_VALUE');
    expect((error as ContractError).problems).toEqual([{ path: 'envelope.region.countyCode', rule: 'must be a value of type string' }]);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.map((partition) => partition.high)).toEqual(['0']);
  });
});

describe('encoding on worker threads', () => {
  it('publishes what the inline path publishes, in call order per key, and rejects invalid events with the same coded error', async () => {
    const topic = await freshTopic(3);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry, keyring, 2);
    const households = ['HH-A', 'HH-B', 'HH-C', 'HH-D'];
    const values = Array.from({ length: 400 }, (_, index) =>
      fixtureValue(registry, 'assistance.household-composition-recorded', { household: { householdId: households[index % households.length] } }),
    );
    const invalid = fixtureValue(registry, 'public-security.death-registered');
    (invalid.envelope.region as Record<string, unknown>).countyCode = 442_000;

    const published = values.map((value) => publisher.publish('assistance.household-composition-recorded', value));
    const refused: unknown = await publisher.publish('public-security.death-registered', invalid).catch((reason: unknown) => reason);
    const receipts = await Promise.all(published);
    expect(refused).toBeInstanceOf(ContractError);
    expect((refused as ContractError).code).toBe('AVRO_INVALID_VALUE');
    expect((refused as ContractError).problems).toEqual([{ path: 'envelope.region.countyCode', rule: 'must be a value of type string' }]);
    expect(receipts.map((receipt) => receipt.eventId)).toEqual(values.map((value) => value.envelope.eventId));

    // The raw records carry no ID number; decoded, they equal what was published, and each
    // household's events arrive in the order publish() was called.
    const raw = await readRaw(topic, values.length);
    for (const record of raw) expect(record.value!.toString('latin1')).not.toMatch(/\d{17}[\dX]/);
    const { handled } = await consumerFor({ registry, keyring, topics: [topic] });
    await waitFor(() => handled.length === values.length, { timeoutMs: 30_000, description: `${values.length} events handled` });
    const byId = new Map(values.map((value) => [value.envelope.eventId as string, value]));
    for (const event of handled) expect(event.value).toEqual(byId.get(event.eventId));
    for (const household of households) {
      const sent = values.filter((value) => (value.envelope.household as { householdId: string }).householdId === household).map((value) => value.envelope.eventId);
      const received = handled.filter((event) => event.key === household).map((event) => event.eventId);
      expect(received).toEqual(sent);
    }
  });
});

describe('dead letters', () => {
  it('sends malformed, unknown-schema and corrupt messages to <topic>.dlq with the reason, and keeps going', async () => {
    const topic = await freshTopic(1);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const good = fixtureValue(registry, 'water.meter-anomaly-detected');
    const valid = registry.event('water.meter-anomaly-detected');
    const producer = kafka.producer();
    await producer.connect();
    const unknownFingerprint = Buffer.concat([Buffer.from([0xc3, 0x01]), randomBytes(8), Buffer.from('body')]);
    const corrupt = Buffer.concat([valid.header, Buffer.from([0x02])]);
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: Buffer.from('{"not": "avro"}'), headers: { 'x-origin': 'test-malformed' } },
        { key: 'b', value: unknownFingerprint, headers: { 'x-origin': 'test-unknown' } },
        { key: 'c', value: corrupt, headers: { 'x-origin': 'test-corrupt' } },
      ],
    });
    await producer.disconnect();
    await publisher.publish('water.meter-anomaly-detected', good);

    const { consumer, handled } = await consumerFor({ registry, keyring, topics: [topic] });
    await waitFor(() => handled.length === 1 && consumer.metrics().deadLettered === 3, { description: 'one handled, three dead letters' });
    expect(handled[0]!.eventId).toBe(good.envelope.eventId);

    const letters = await readRaw(`${topic}.dlq`, 3);
    expect(letters.map((letter) => [letter.headers['x-origin'], letter.headers[HEADERS.deadLetter.code]])).toEqual([
      ['test-malformed', 'AVRO_NOT_SINGLE_OBJECT'],
      ['test-unknown', 'AVRO_UNKNOWN_FINGERPRINT'],
      ['test-corrupt', 'AVRO_CORRUPT_BODY'],
    ]);
    for (const [i, letter] of letters.entries()) {
      expect(letter.headers[HEADERS.deadLetter.reason]).toMatch(/\w/);
      expect(letter.headers[HEADERS.deadLetter.topic]).toBe(topic);
      expect(letter.headers[HEADERS.deadLetter.offset]).toBe(String(i));
    }
    expect(letters[2]!.value).toEqual(corrupt);
  });

  it('retries a failing handler with backoff, then dead-letters it; a non-retriable failure goes at once', async () => {
    const topic = await freshTopic(1);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const flaky = fixtureValue(registry, 'elderly-care.emergency-call-triggered');
    const broken = fixtureValue(registry, 'elderly-care.emergency-call-triggered');
    const refused = fixtureValue(registry, 'elderly-care.emergency-call-triggered');
    const fine = fixtureValue(registry, 'elderly-care.emergency-call-triggered');
    const attempts = new Map<string, number>();
    for (const value of [flaky, broken, refused, fine]) await publisher.publish('elderly-care.emergency-call-triggered', value);

    const { consumer, handled } = await consumerFor({
      registry,
      keyring,
      topics: [topic],
      handler: (event) => {
        const n = (attempts.get(event.eventId) ?? 0) + 1;
        attempts.set(event.eventId, n);
        if (event.eventId === flaky.envelope.eventId && n < 2) return Promise.reject(new Error('dispatch centre busy'));
        if (event.eventId === broken.envelope.eventId) return Promise.reject(new Error('dispatch centre down'));
        if (event.eventId === refused.envelope.eventId) return Promise.reject(new NonRetriableError('TEST_REFUSED', 'not ours'));
        return Promise.resolve();
      },
    });
    await waitFor(() => handled.length === 2 && consumer.metrics().deadLettered === 2, { description: 'two handled, two dead letters' });
    expect(handled.map((event) => event.eventId)).toEqual([flaky.envelope.eventId, fine.envelope.eventId]);
    expect(attempts.get(flaky.envelope.eventId as string)).toBe(2);
    expect(attempts.get(broken.envelope.eventId as string)).toBe(3);
    expect(attempts.get(refused.envelope.eventId as string)).toBe(1);
    const letters = await readRaw(`${topic}.dlq`, 2);
    expect(letters.map((letter) => [letter.headers[HEADERS.eventId], letter.headers[HEADERS.deadLetter.code], letter.headers[HEADERS.deadLetter.attempts]])).toEqual([
      [broken.envelope.eventId, 'BUS_HANDLER_FAILED', '3'],
      [refused.envelope.eventId, 'TEST_REFUSED', '1'],
    ]);
    expect(letters[0]!.headers[HEADERS.deadLetter.reason]).toBe('dispatch centre down');
  });

  it('hands a batch handler whole batches; a failing batch is retried, then split so only the event that fails alone is dead-lettered', async () => {
    const topic = await freshTopic(1);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const values = Array.from({ length: 6 }, () => fixtureValue(registry, 'elderly-care.emergency-call-triggered'));
    const poison = values[3];
    if (poison === undefined) throw new Error('no poison');
    for (const value of values) await publisher.publish('elderly-care.emergency-call-triggered', value);
    await publisher.flush();

    const calls: string[][] = [];
    const handled: string[] = [];
    const consumer = new EventConsumer({
      kafka,
      registry,
      keyring,
      groupId: uniqueName('group'),
      topics: [topic],
      maxWaitTimeInMs: 100,
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      batchSize: 4,
      batchHandler: (events) => {
        calls.push(events.map((event) => event.eventId));
        if (events.some((event) => event.eventId === poison.envelope.eventId)) return Promise.reject(new Error('cannot project this one'));
        handled.push(...events.map((event) => event.eventId));
        return Promise.resolve();
      },
    });
    await consumer.start();
    running.push(consumer);
    await waitFor(() => handled.length === 5 && consumer.metrics().deadLettered === 1, { description: 'five handled, one dead letter' });
    expect(new Set(handled)).toEqual(new Set(values.filter((value) => value !== poison).map((value) => value.envelope.eventId)));
    // Batches of at most 4; the failing one twice whole (the retry), then one by one.
    expect(calls.every((call) => call.length <= 4)).toBe(true);
    expect(calls.filter((call) => call.length > 1 && call.includes(poison.envelope.eventId as string))).toHaveLength(2);
    expect(consumer.metrics().handled).toBe(5);
    const [letter] = await readRaw(`${topic}.dlq`, 1);
    expect(letter?.headers[HEADERS.eventId]).toBe(poison.envelope.eventId);
    expect(letter?.headers[HEADERS.deadLetter.reason]).toBe('cannot project this one');
    expect(() => new EventConsumer({ kafka, registry, groupId: 'g', topics: [topic] })).toThrow(/exactly one of handler and batchHandler/u);
  });

  it('gives a consumer without the key a dead letter coded AVRO_PII_PROTECTION, never garbage', async () => {
    const topic = await freshTopic(1);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const personal = fixtureValue(registry, 'public-security.death-registered');
    const anonymous = fixtureValue(registry, 'water.meter-reading-recorded', { person: null });
    expect(registry.event('water.meter-reading-recorded').piiPaths).toEqual(['envelope.person.idNumber', 'envelope.person.name']);
    await publisher.publish('public-security.death-registered', personal);
    await publisher.publish('water.meter-reading-recorded', anonymous);

    const { consumer, handled } = await consumerFor({ registry, keyring: testKeyring('k2'), topics: [topic] });
    await waitFor(() => handled.length === 1 && consumer.metrics().deadLettered === 1, { description: 'one handled, one dead letter' });
    expect(handled[0]!.eventId).toBe(anonymous.envelope.eventId);
    const [letter] = await readRaw(`${topic}.dlq`, 1);
    expect(letter!.headers[HEADERS.deadLetter.code]).toBe('AVRO_PII_PROTECTION');
    expect(letter!.headers[HEADERS.deadLetter.reason]).toContain('envelope.person.idNumber cannot be decrypted (CRYPTO_KEY_UNKNOWN)');
  });
});

describe('idempotency, shutdown and flow control', () => {
  it('handles a redelivered event id once, and a graceful stop commits exactly what was processed', async () => {
    const topic = await freshTopic(3);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const values = Array.from({ length: 50 }, (_, i) =>
      fixtureValue(registry, 'human-resources.unemployment-registered', { household: { householdId: `H-${i % 7}` } }),
    );
    await Promise.all(values.map((value) => publisher.publish('human-resources.unemployment-registered', value)));
    await publisher.publish('human-resources.unemployment-registered', values[0]!); // a duplicate delivery

    const groupId = uniqueName('group');
    const { consumer, handled } = await consumerFor({ registry, keyring, topics: [topic], groupId });
    await waitFor(() => consumer.metrics().received === 51, { description: '51 messages received' });
    expect(handled).toHaveLength(50);
    expect(consumer.metrics()).toMatchObject({ handled: 50, duplicatesSkipped: 1, deadLettered: 0 });
    expect(new Set(handled.map((event) => event.eventId)).size).toBe(50);
    await consumer.stop();

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0)).toBe(51);
  });

  it('pauses and resumes fetching, and reports lag and throughput', async () => {
    const topic = await freshTopic(2);
    const registry = registryOnTopic(topic);
    const publisher = await publisherFor(registry);
    const { consumer, handled } = await consumerFor({ registry, keyring, topics: [topic] });
    consumer.pause();
    expect(consumer.metrics().paused).toBe(true);
    const values = Array.from({ length: 20 }, () => fixtureValue(registry, 'education.student-enrolled', { household: { householdId: `H-${randomUUID()}` } }));
    await Promise.all(values.map((value) => publisher.publish('education.student-enrolled', value)));
    consumer.resume();
    await waitFor(() => handled.length === 20, { description: '20 events after resume' });
    const metrics = consumer.metrics();
    expect(metrics.paused).toBe(false);
    expect(metrics.throughputPerSecond).toBeGreaterThan(0);
    expect(Object.values(metrics.lag).every((lag) => lag === 0)).toBe(true);
  });
});

describe('trace context', () => {
  it('travels from the publisher\'s active span to the handler, through the traceparent header', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const topic = await freshTopic(1);
      const registry = registryOnTopic(topic);
      const publisher = await publisherFor(registry);
      const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
      const value = fixtureValue(registry, 'hotline-12345.incident-reported');
      await context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => publisher.publish('hotline-12345.incident-reported', value));

      const [raw] = await readRaw(topic, 1);
      expect(raw!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      const seen: (string | undefined)[] = [];
      const { handled } = await consumerFor({
        registry,
        keyring,
        topics: [topic],
        handler: () => {
          seen.push(trace.getSpanContext(context.active())?.traceId);
          return Promise.resolve();
        },
      });
      await waitFor(() => handled.length === 1, { description: 'the event handled' });
      expect(seen).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});
