/**
 * vitest global setup of the `integration` project: provides a REAL Kafka broker and a REAL
 * MongoDB-wire store, in this order of preference, for each of the two:
 *   1. explicit environment: KAFKA_BROKERS, MONGO_URL;
 *   2. testcontainers (Kafka in KRaft mode, MongoDB 7) when a container runtime answers
 *      (MZ_TEST_INFRA=containers insists on it, MZ_TEST_INFRA=local skips it);
 *   3. the repository's local processes (Apache Kafka from Maven Central, FerretDB built with Go),
 *      started through @minzheng/local-infra, reused when already running, and stopped at
 *      teardown only when this run started them.
 * Whatever the source, both servers must answer before any test runs. Otherwise the run fails
 * with a message saying what is missing. Integration tests are never skipped.
 */
/* eslint-disable no-console -- progress for the person running the tests */
import { describeCluster } from '@minzheng/event-bus/admin';
import { parseBrokers } from '@minzheng/event-bus/client';
import type { ServerSource, TestServers } from '@minzheng/testing';
import type { TestProject } from 'vitest/node';
import { loadInfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { pingMongo } from './ferretdb.js';
import { down, up, type Component } from './infra.js';
import { consoleReporter } from './reporter.js';

const CONTAINER_KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.2'; // Apache Kafka 3.9, like the local broker
const CONTAINER_MONGO_IMAGE = 'mongo:7';

interface Resolved {
  kafkaBrokers?: string;
  mongoUrl?: string;
  source: { kafka?: ServerSource; mongo?: ServerSource };
  expectedKafkaClusterId: string | null;
  stops: (() => Promise<void>)[];
}

type Mode = 'auto' | 'containers' | 'local';

function readMode(): Mode {
  const mode = process.env.MZ_TEST_INFRA ?? 'auto';
  if (mode === 'auto' || mode === 'containers' || mode === 'local') return mode;
  throw new Error(`MZ_TEST_INFRA="${mode}" must be auto, containers or local`);
}

async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function fromContainers(resolved: Resolved): Promise<void> {
  const report = consoleReporter('test-infra');
  if (!resolved.kafkaBrokers) {
    report.step(`starting ${CONTAINER_KAFKA_IMAGE} (KRaft) with testcontainers`);
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const kafka = await new KafkaContainer(CONTAINER_KAFKA_IMAGE).withKraft().start();
    resolved.kafkaBrokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    resolved.source.kafka = 'containers';
    resolved.stops.push(async () => {
      await kafka.stop();
    });
  }
  if (!resolved.mongoUrl) {
    report.step(`starting ${CONTAINER_MONGO_IMAGE} with testcontainers`);
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const mongo = await new MongoDBContainer(CONTAINER_MONGO_IMAGE).start();
    const url = new URL(mongo.getConnectionString());
    url.searchParams.set('directConnection', 'true');
    resolved.mongoUrl = url.toString();
    resolved.source.mongo = 'containers';
    resolved.stops.push(async () => {
      await mongo.stop();
    });
  }
}

async function fromLocalProcesses(resolved: Resolved): Promise<void> {
  const config = loadInfraConfig();
  const report = consoleReporter('test-infra');
  report.step('no container runtime (or MZ_TEST_INFRA=local): using the local Kafka and FerretDB processes from infra/');
  const result = await up(config, report);
  if (!resolved.kafkaBrokers) {
    resolved.kafkaBrokers = result.kafkaBrokers;
    resolved.source.kafka = 'local';
    resolved.expectedKafkaClusterId = result.kafka.clusterId;
  }
  if (!resolved.mongoUrl) {
    resolved.mongoUrl = result.mongoUrl;
    resolved.source.mongo = 'local';
  }
  const started: Component[] = [...result.started];
  if (started.length > 0) {
    resolved.stops.push(async () => {
      await down(config, report, started);
    });
  }
}

async function resolveServers(): Promise<Resolved> {
  const resolved: Resolved = { source: {}, expectedKafkaClusterId: null, stops: [] };
  if (process.env.KAFKA_BROKERS) {
    resolved.kafkaBrokers = process.env.KAFKA_BROKERS;
    resolved.source.kafka = 'env';
  }
  if (process.env.MONGO_URL) {
    resolved.mongoUrl = process.env.MONGO_URL;
    resolved.source.mongo = 'env';
  }
  if (resolved.kafkaBrokers && resolved.mongoUrl) return resolved;

  const mode = readMode();
  if (mode !== 'local' && (await containerRuntimeAvailable())) {
    await fromContainers(resolved);
  } else if (mode === 'containers') {
    throw new Error('MZ_TEST_INFRA=containers, but no container runtime answers (testcontainers found no Docker/Podman).');
  } else {
    await fromLocalProcesses(resolved);
  }
  return resolved;
}

/** Both servers must really answer: a describeCluster from Kafka, a ping from the store. */
async function verify(servers: TestServers): Promise<void> {
  try {
    await describeCluster(parseBrokers(servers.kafkaBrokers));
  } catch (error) {
    throw new Error(`Kafka at ${servers.kafkaBrokers} (from ${servers.source.kafka}) does not answer: ${String(error)}`, { cause: error });
  }
  try {
    await pingMongo(servers.mongoUrl, 5_000);
  } catch (error) {
    throw new Error(`the MongoDB-wire store at ${servers.mongoUrl} (from ${servers.source.mongo}) does not answer: ${String(error)}`, {
      cause: error,
    });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let resolved: Resolved | undefined;
  try {
    resolved = await resolveServers();
    const { kafkaBrokers, mongoUrl, source } = resolved;
    if (!kafkaBrokers || !mongoUrl || !source.kafka || !source.mongo) throw new Error('no Kafka broker or no store was found');
    const servers: TestServers = {
      kafkaBrokers,
      mongoUrl,
      source: { kafka: source.kafka, mongo: source.mongo },
      expectedKafkaClusterId: resolved.expectedKafkaClusterId,
    };
    await verify(servers);
    project.provide('testServers', servers);
    process.env.KAFKA_BROKERS = kafkaBrokers;
    process.env.MONGO_URL = mongoUrl;
    console.log(`[test-infra] integration tests use Kafka ${kafkaBrokers} (${source.kafka}) and MongoDB-wire ${mongoUrl} (${source.mongo})`);
  } catch (error) {
    await stopAll(resolved?.stops ?? []);
    const detail = error instanceof InfraError ? error.describe() : error instanceof Error ? error.message : String(error);
    throw new Error(
      `Integration tests need a real Kafka broker and a real MongoDB-wire store, and none could be provided:\n${detail}\n` +
        'Give KAFKA_BROKERS and MONGO_URL, run a container runtime, or fix the local infrastructure (./mz infra status).',
      { cause: error },
    );
  }
  const stops = resolved.stops;
  return () => stopAll(stops);
}

async function stopAll(stops: readonly (() => Promise<void>)[]): Promise<void> {
  for (const stop of [...stops].reverse()) await stop();
}
