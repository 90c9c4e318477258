/**
 * Proof that the integration tests talk to a real Apache Kafka broker: its identity and
 * protocol, keyed delivery in order, and consumer-group offsets that survive a restart.
 */
import { testKafkaBrokers, testServers, uniqueName, waitFor } from '@minzheng/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteTopics, describeCluster, ensureTopics } from './admin.js';
import { API_KEYS, probeApiVersions } from './broker-probe.js';
import { createKafka } from './client.js';

const brokers = testKafkaBrokers();
const kafka = createKafka({ brokers, clientId: uniqueName('proof-of-life') });
const created: string[] = [];

async function createTopic(partitions: number): Promise<string> {
  const name = uniqueName('test');
  created.push(name);
  await ensureTopics(kafka, [{ name, description: 'test topic', partitions, retentionMs: -1, compacted: false, deadLetter: false }]);
  return name;
}

async function produce(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

interface Received {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
}

/** Consumes `topic` with `groupId` until `count` messages arrived; returns them and disconnects. */
async function consume(topic: string, groupId: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  // A short fetch long-poll: kafkajs' disconnect waits for the fetch in flight (5 s by default).
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', partition });
        return Promise.resolve();
      },
    });
    await waitFor(() => received.length >= count, { timeoutMs: 30_000, description: `${count} messages on ${topic}` });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

afterAll(async () => {
  await deleteTopics(kafka, created);
});

describe('the Kafka broker of the integration tests', () => {
  it('is a real Apache Kafka 3.9+ broker in KRaft mode with the expected cluster id', async () => {
    const cluster = await describeCluster(brokers);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const expected = testServers().expectedKafkaClusterId;
    if (expected !== null) expect(cluster.clusterId).toBe(expected);
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controllerId).not.toBeNull();

    const apis = new Map((await probeApiVersions(brokers[0]!)).map((api) => [api.apiKey, api]));
    expect(apis.has(API_KEYS.DescribeQuorum)).toBe(true); // answered by KRaft clusters
    expect(apis.has(API_KEYS.AddRaftVoter)).toBe(true); // KIP-853, new in Apache Kafka 3.9
    expect(apis.get(API_KEYS.ApiVersions)?.maxVersion).toBeGreaterThanOrEqual(3);
  });

  it('delivers keyed messages in order per key, each key on a single partition', async () => {
    const topic = await createTopic(3);
    const keys = ['household-a', 'household-b', 'household-c', 'household-d'];
    const sent = keys.flatMap((key) => Array.from({ length: 25 }, (_, i) => ({ key, value: `${key}#${i}` })));
    await produce(topic, sent);

    const received = await consume(topic, uniqueName('group'), sent.length);

    expect(received).toHaveLength(sent.length);
    for (const key of keys) {
      const ofKey = received.filter((message) => message.key === key);
      expect(ofKey.map((message) => message.value)).toEqual(Array.from({ length: 25 }, (_, i) => `${key}#${i}`));
      expect(new Set(ofKey.map((message) => message.partition)).size).toBe(1);
    }
    expect(new Set(received.map((message) => message.partition)).size).toBeGreaterThan(1);
  });

  it('resumes a restarted consumer group from its committed offset', async () => {
    const topic = await createTopic(1);
    const groupId = uniqueName('group');
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ key: 'k', value: `m${from + i}` }));
    await produce(topic, batch(0, 10));

    const first = await consume(topic, groupId, 10);
    expect(first.map((message) => message.value)).toEqual(batch(0, 10).map((message) => message.value));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed?.partitions).toEqual([{ partition: 0, offset: '10', metadata: null }]);
    } finally {
      await admin.disconnect();
    }

    await produce(topic, batch(10, 15));
    const second = await consume(topic, groupId, 5);
    expect(second.map((message) => message.value)).toEqual(['m10', 'm11', 'm12', 'm13', 'm14']);
  });
});

describe('ensureTopics on the real broker', () => {
  it('is idempotent, raises partitions and resets drifted configs', async () => {
    const name = uniqueName('test');
    created.push(name, `${name}.dlq`);
    const spec = { name, description: 'test', partitions: 2, retentionMs: -1, compacted: false, deadLetter: true };

    const first = await ensureTopics(kafka, [spec]);
    expect(first.map((action) => [action.topic, action.action])).toEqual([
      [name, 'created'],
      [`${name}.dlq`, 'created'],
    ]);
    const second = await ensureTopics(kafka, [spec]);
    expect(second.map((action) => action.action)).toEqual(['unchanged', 'unchanged']);

    const third = await ensureTopics(kafka, [{ ...spec, partitions: 4, retentionMs: 86_400_000 }]);
    expect(third).toContainEqual({ topic: name, action: 'partitions-raised', from: 2, to: 4 });
    expect(third).toContainEqual({ topic: name, action: 'config-updated', changed: ['retention.ms'] });
    const fourth = await ensureTopics(kafka, [{ ...spec, partitions: 4, retentionMs: 86_400_000 }]);
    expect(fourth.map((action) => action.action)).toEqual(['unchanged', 'unchanged']);

    const shrunk = await ensureTopics(kafka, [{ ...spec, partitions: 1, retentionMs: 86_400_000 }]);
    expect(shrunk[0]).toMatchObject({ topic: name, action: 'warning' });
  });
});
