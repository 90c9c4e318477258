/**
 * The harness every service's integration tests use: the service's app on the real store and
 * broker, with its own database, one test topic for every event (and its dead-letter topic),
 * fresh keys, tokens, a clock the test can move, and a reader of the published events.
 *
 * Tests only: it needs `@minzheng/testing` (the servers the global setup started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { deleteTopics, ensureTopics } from '@minzheng/event-bus/admin';
import { createKafka } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { registryOnTopic, testKeyring } from '@minzheng/event-bus/test-support';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer, type Pseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { testKafkaBrokers, testMongoUrl, uniqueDatabaseName, uniqueName, waitFor } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import type { App } from './app.js';
import { parseJwtKeys, signToken, type JwtKeys, type Role } from './auth.js';
import { OutboxRelay } from './outbox.js';

/** What a service's app factory gets from the harness. */
export interface HarnessDeps {
  readonly connection: Connection;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly jwtKeys: JwtKeys;
  readonly logger: false | { level: string };
  readonly now: () => Date;
}

export interface HarnessOptions {
  /** The service's name (database and topic prefixes, the publisher's source). */
  readonly service: string;
  /** The collections with an outbox (the relay's list). */
  readonly collections: readonly string[];
  /** Runs on the fresh database before the app is built (indexes). */
  readonly prepare?: (connection: Connection) => Promise<void>;
  readonly build: (deps: HarnessDeps) => Promise<App>;
}

export interface PublishedEvent {
  readonly eventType: string;
  readonly value: Record<string, unknown>;
}

export interface ServiceHarness {
  readonly app: App;
  readonly connection: Connection;
  readonly relay: OutboxRelay;
  readonly topic: string;
  readonly registry: ReturnType<typeof registryOnTopic>;
  readonly keyring: Keyring;
  readonly kafka: ReturnType<typeof createKafka>;
  readonly pseudonymizer: Pseudonymizer;
  /** The publisher the service's app was given (its outbox events go through it). */
  readonly servicePublisher: EventPublisher;
  /** The service's clock (what `setNow` set, else the real time). */
  now(): Date;
  token(roles: Role[], jurisdiction?: string, subject?: string, expiresInSeconds?: number): Promise<string>;
  /** Sets the service's clock (`undefined`: the real time again). Tokens keep the real time. */
  setNow(instant: string | undefined): void;
  /** Relays the outbox, then reads the first `count` events keyed `key` from the test topic, decoded and decrypted, in order. */
  events(key: string, count: number): Promise<PublishedEvent[]>;
  close(): Promise<void>;
}

export async function startServiceHarness(options: HarnessOptions): Promise<ServiceHarness> {
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: uniqueName(`${options.service}-test`) });
  const topic = uniqueName(options.service);
  await ensureTopics(kafka, [{ name: topic, description: 'test', partitions: 3, retentionMs: -1, compacted: false, deadLetter: true }]);
  const registry = registryOnTopic(topic);
  const keyring = testKeyring('k1');
  const connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName(options.service)), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await options.prepare?.(connection);
  const publisher = new EventPublisher({ kafka, registry, keyring, source: `${options.service}-service` });
  await publisher.connect();
  const relay = new OutboxRelay({ connection, collections: options.collections, publisher });
  const jwtKeys = parseJwtKeys(`t1:${randomBytes(32).toString('base64')}`);
  const pseudonymizer = createPseudonymizer(randomBytes(32));
  // MZ_TEST_LOG=debug shows the service's log lines (errors included) while a test runs.
  const logLevel = process.env.MZ_TEST_LOG;
  let clock: Date | undefined;
  const app = await options.build({ connection, publisher, keyring, pseudonymizer, jwtKeys, logger: logLevel === undefined ? false : { level: logLevel }, now: () => clock ?? new Date() });
  await app.ready();
  // Events written while the app started (seeded reference data): relay them now, so each test sees only its own.
  await relay.drain();
  return {
    app,
    connection,
    relay,
    topic,
    registry,
    keyring,
    kafka,
    pseudonymizer,
    servicePublisher: publisher,
    now: () => clock ?? new Date(),
    token: (roles, jurisdiction = '442000', subject = 'u-1', expiresInSeconds) => signToken(jwtKeys, { subject, roles, jurisdiction, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) }),
    setNow: (instant) => {
      clock = instant === undefined ? undefined : new Date(instant);
    },
    events: async (key, count) => {
      await relay.drain();
      const found: PublishedEvent[] = [];
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

/**
 * The environment a service's `dist/server.js` needs against the test servers, with fresh keys:
 * for the crash tests, which run the service as a real process.
 */
export function serviceProcessEnv(database: string, extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    MZ_PORT: '0',
    MZ_HOST: '127.0.0.1',
    MZ_LOG_LEVEL: 'info',
    MZ_MONGO_URL: testMongoUrl(database),
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    MZ_JWT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    MZ_FIELD_KEYS: `f1:${randomBytes(32).toString('base64')}`,
    MZ_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Signs a token with the process's `MZ_JWT_KEYS`. */
  token(roles: Role[], jurisdiction: string, subject: string): Promise<string>;
  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `server` (a service's dist/server.js) with `env` and resolves once it listens; fails with its output if it exits or takes 30 s. */
export async function startServiceProcess(server: string, env: Readonly<Record<string, string | undefined>>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [server], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start:\n${output}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/u.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${String(code)}:\n${output}`));
    });
  });
  const keys = env.MZ_JWT_KEYS;
  if (keys === undefined) throw new Error('startServiceProcess: env has no MZ_JWT_KEYS');
  const jwtKeys = parseJwtKeys(keys);
  return {
    child,
    url,
    token: (roles, jurisdiction, subject) => signToken(jwtKeys, { subject, roles, jurisdiction }),
    stop: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** An OpenAPI media object: @fastify/swagger puts one example in `example`, several in `examples`. */
interface OpenApiMedia {
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  requestBody?: { content: Record<string, OpenApiMedia> };
  responses?: Record<string, { content?: Record<string, OpenApiMedia> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const examplesOf = (media: OpenApiMedia): unknown[] => (media.examples ? Object.values(media.examples).map((example) => example.value) : media.example === undefined ? [] : [media.example]);

/**
 * What the house rule asks of a service's `/docs/json`, as a list of problems (empty when kept):
 * every operation has a summary and a tag; every request body has examples; every success answer
 * of the service's own routes (not the kit's `operations` routes) has an example.
 */
export function openApiProblems(spec: OpenApiDocument): string[] {
  const problems: string[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (typeof operation.summary !== 'string' || operation.summary === '') problems.push(`${at}: no summary`);
      if ((operation.tags ?? []).length === 0) problems.push(`${at}: no tag`);
      const body = operation.requestBody?.content['application/json'];
      if (body && examplesOf(body).length === 0) problems.push(`${at}: request body without examples`);
      if (operation.tags?.includes('operations') === true) continue;
      const successes = Object.entries(operation.responses ?? {}).filter(([code]) => code.startsWith('2'));
      if (successes.length === 0) problems.push(`${at}: no success response`);
      for (const [code, response] of successes) {
        // JSON answers, or the one media type a route produces (a CSV export).
        const media = response.content?.['application/json'] ?? Object.values(response.content ?? {})[0];
        if (!media || examplesOf(media).length === 0) problems.push(`${at}: ${code} answer without an example`);
      }
    }
  }
  return problems;
}

/** The number of documented operations. */
export const operationCount = (spec: OpenApiDocument): number => Object.values(spec.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0);

/** The first request-body example of `method path` (to send it to the API in the docs test). */
export function requestExample(spec: OpenApiDocument, path: string, method = 'post'): object {
  const media = spec.paths[path]?.[method]?.requestBody?.content['application/json'];
  const [example] = media ? examplesOf(media) : [];
  if (example === null || typeof example !== 'object') throw new Error(`${method.toUpperCase()} ${path} has no request example`);
  return example;
}
