/**
 * The local infrastructure's own promises, checked on a second, isolated Kafka + FerretDB
 * (temporary data dir, free ports; the downloads and builds in .cache are shared):
 * `up` twice starts one broker, `down` stops both and keeps their data, and a half-formatted
 * Kafka data dir is refused with the fix, leaving nothing running.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@minzheng/event-bus/client';
import { describeCluster } from '@minzheng/event-bus/admin';
import { TOPICS } from '@minzheng/event-bus/topics';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { KAFKA_VERSION, loadInfraConfig, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { down, status, up } from './infra.js';
import { findFreePort, isAlive } from './processes.js';
import { silentReporter } from './reporter.js';

const shared = loadInfraConfig();
const configs: InfraConfig[] = [];

async function isolatedConfig(): Promise<InfraConfig> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await findFreePort());
  const [kafka, controller, ferretdb] = [...ports].map(String);
  const config = loadInfraConfig(
    {
      MZ_DATA_DIR: mkdtempSync(join(tmpdir(), 'mz-infra-lifecycle-')),
      MZ_CACHE_DIR: shared.cacheDir,
      MZ_KAFKA_PORT: kafka,
      MZ_KAFKA_CONTROLLER_PORT: controller,
      MZ_FERRETDB_PORT: ferretdb,
      // 256m ran out of memory at start on the 2-core build machine (2026-12-06)
      MZ_KAFKA_HEAP: '512m',
    },
    shared.root,
  );
  configs.push(config);
  return config;
}

/** Processes whose command line mentions `marker` (Linux /proc). */
function processesMentioning(marker: string): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) count += 1;
    } catch {
      // the process ended while we looked
    }
  }
  return count;
}

async function readMarker(mongoUrl: string): Promise<unknown> {
  const connection = await mongoose.createConnection(`${mongoUrl}lifecycle`).asPromise();
  try {
    const doc = await connection.collection('markers').findOne({ _id: 'kept' as never });
    return doc?.note;
  } finally {
    await connection.close();
  }
}

afterAll(async () => {
  for (const config of configs) await down(config, silentReporter);
});

describe('local infrastructure lifecycle', () => {
  it('starts one broker and one store for two concurrent ups, and keeps their data across down/up', async () => {
    const config = await isolatedConfig();
    const [first, second] = await Promise.all([up(config, silentReporter), up(config, silentReporter)]);

    expect(second.kafka.pid).toBe(first.kafka.pid);
    expect(second.ferretdb.pid).toBe(first.ferretdb.pid);
    expect([...first.started, ...second.started].sort()).toEqual(['ferretdb', 'kafka']);
    expect(processesMentioning(config.kafka.propertiesFile)).toBe(1);
    expect(processesMentioning(config.ferretdb.dataDir)).toBe(1);
    expect(first.kafka.version).toBe(KAFKA_VERSION);
    expect((await describeCluster([first.kafkaBrokers])).clusterId).toBe(first.kafka.clusterId);

    const connection = await mongoose.createConnection(`${first.mongoUrl}lifecycle`).asPromise();
    await connection.collection('markers').insertOne({ _id: 'kept' as never, note: 'survives a restart' });
    await connection.close();

    await down(config, silentReporter);
    expect(isAlive(first.kafka.pid)).toBe(false);
    expect(isAlive(first.ferretdb.pid)).toBe(false);
    expect((await status(config)).map((row) => row.status)).toEqual(['stopped', 'stopped']);

    const again = await up(config, silentReporter);
    expect([...again.started].sort()).toEqual(['ferretdb', 'kafka']);
    expect(again.kafka.clusterId).toBe(first.kafka.clusterId);
    expect(await readMarker(again.mongoUrl)).toBe('survives a restart');
    const admin = createKafka({ brokers: [again.kafkaBrokers], clientId: 'lifecycle-test' }).admin();
    await admin.connect();
    const topics = new Set(await admin.listTopics());
    await admin.disconnect();
    for (const topic of TOPICS) expect(topics.has(topic.name)).toBe(true);

    await down(config, silentReporter);
  });

  it('refuses a half-formatted Kafka data dir with the fix, and leaves nothing running', async () => {
    const config = await isolatedConfig();
    mkdirSync(config.kafka.dataDir, { recursive: true });
    writeFileSync(join(config.kafka.dataDir, 'partial-segment.log'), 'interrupted');

    const error: unknown = await up(config, silentReporter).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).message).toContain('half-formatted');
    expect((error as InfraError).fix).toContain('./mz infra reset kafka --yes');
    expect((await status(config)).map((row) => row.status)).toEqual(['stopped', 'stopped']);
    expect(processesMentioning(config.ferretdb.dataDir)).toBe(0);
    expect(processesMentioning(config.kafka.propertiesFile)).toBe(0);
  });
});
