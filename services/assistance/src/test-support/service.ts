/**
 * Test support for the assistance service: the app on the real store and broker, with its own
 * database, a test topic for every event, fresh keys, tokens, and valid ID numbers.
 */
import { randomBytes } from 'node:crypto';
import { deleteTopics, ensureTopics } from '@minzheng/event-bus/admin';
import { createKafka } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { registryOnTopic, testKeyring } from '@minzheng/event-bus/test-support';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import type { App } from '@minzheng/service-kit/app';
import { parseJwtKeys, signToken, type Role } from '@minzheng/service-kit/auth';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { OUTBOX_COLLECTIONS, buildAssistanceApp, ensureIndexes } from '../app.js';

export interface TestService {
  readonly app: App;
  readonly connection: Connection;
  readonly relay: OutboxRelay;
  readonly topic: string;
  readonly registry: ReturnType<typeof registryOnTopic>;
  readonly keyring: ReturnType<typeof testKeyring>;
  readonly kafka: ReturnType<typeof createKafka>;
  token(roles: Role[], jurisdiction?: string, subject?: string, expiresInSeconds?: number): Promise<string>;
  /** Sets the service's clock (`undefined`: the real time again). Tokens keep the real time. */
  setNow(instant: string | undefined): void;
  /** Relays the outbox, then reads the first `count` events keyed `key` from the test topic, decoded and decrypted, in order. */
  events(key: string, count: number): Promise<{ eventType: string; value: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

export async function startTestService(): Promise<TestService> {
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName('assistance-test') });
  const topic = uniqueName('assistance');
  await ensureTopics(kafka, [{ name: topic, description: 'test', partitions: 3, retentionMs: -1, compacted: false, deadLetter: true }]);
  const registry = registryOnTopic(topic);
  const keyring = testKeyring('k1');
  const connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('assistance')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await ensureIndexes(connection);
  const publisher = new EventPublisher({ kafka, registry, keyring, source: 'assistance-service' });
  await publisher.connect();
  const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher });
  const jwtKeys = parseJwtKeys(`t1:${randomBytes(32).toString('base64')}`);
  // MZ_TEST_LOG=debug shows the service's log lines (errors included) while a test runs.
  const logLevel = process.env.MZ_TEST_LOG;
  let clock: Date | undefined;
  const app = await buildAssistanceApp({
    connection,
    publisher,
    keyring,
    pseudonymizer: createPseudonymizer(randomBytes(32)),
    jwtKeys,
    logger: logLevel === undefined ? false : { level: logLevel },
    now: () => clock ?? new Date(),
  });
  await app.ready();
  // The standards seeded at start carry their events: relay them now, so each test sees only its own.
  await relay.drain();
  return {
    app,
    connection,
    relay,
    topic,
    registry,
    keyring,
    kafka,
    token: (roles, jurisdiction = '442000', subject = 'u-1', expiresInSeconds) => signToken(jwtKeys, { subject, roles, jurisdiction, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) }),
    setNow: (instant) => {
      clock = instant === undefined ? undefined : new Date(instant);
    },
    events: async (key, count) => {
      await relay.drain();
      const found: { eventType: string; value: Record<string, unknown> }[] = [];
      const consumer = kafka.consumer({ groupId: uniqueName('read') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() !== key || !message.value) return Promise.resolve();
          const decoded = decodeEvent(registry, message.value);
          found.push({ eventType: decoded.eventType, value: unprotectEvent(registry, decoded.eventType, decoded.value, keyring) as Record<string, unknown> });
          return Promise.resolve();
        },
      });
      try {
        await waitFor(() => found.length >= count, { timeoutMs: 30_000, description: `${String(count)} events keyed ${key}` });
      } finally {
        await consumer.disconnect();
      }
      return found;
    },
    close: async () => {
      await app.close();
      await publisher.disconnect();
      await connection.dropDatabase();
      await connection.close();
      await deleteTopics(kafka, [topic, `${topic}.dlq`]);
    },
  };
}

let sequence = 100;
/** A valid resident ID number of a person born on `birthDate` (YYYY-MM-DD) in Zhongshan. */
export function idNumber(birthDate: string, sex: 'M' | 'F' = 'F'): string {
  sequence += 1;
  const seq = String(sequence % 1000).padStart(3, '0');
  const last = Number(seq.at(-1));
  const adjusted = (last % 2 === 1) === (sex === 'M') ? seq : `${seq.slice(0, 2)}${(last + 1) % 10}`;
  const first17 = `442000${birthDate.replaceAll('-', '')}${adjusted}`;
  return `${first17}${residentIdCheckDigit(first17)}`;
}

/** The same number with a wrong check digit. */
export function withWrongCheckDigit(id: string): string {
  const wrong = id.endsWith('0') ? '1' : '0';
  return `${id.slice(0, 17)}${wrong}`;
}
