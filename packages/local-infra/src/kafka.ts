import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { waitForBroker, ensureTopics, type ClusterInfo, type TopicAction } from '@minzheng/event-bus/admin';
import { createKafka } from '@minzheng/event-bus/client';
import { TOPICS } from '@minzheng/event-bus/topics';
import { KAFKA_VERSION, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { requireTool } from './prerequisites.js';
import { isOurProcess, runCommand, spawnDetached, tailFile } from './processes.js';
import type { Reporter } from './reporter.js';

const NODE_ID = 1;
const JAR_STAMP = '.complete';

export const kafkaLogFile = (config: InfraConfig): string => join(config.kafka.logDir, 'kafka.log');

/** Fetches the broker jars from Maven Central into the cache, once. */
export async function ensureKafkaLibs(config: InfraConfig, report: Reporter): Promise<void> {
  const { libsDir, pom } = config.kafka;
  if (existsSync(join(libsDir, JAR_STAMP)) && existsSync(join(libsDir, `kafka_2.13-${KAFKA_VERSION}.jar`))) return;
  requireTool('mvn');
  report.step(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${relative(config.root, libsDir)} (once)`);
  const started = Date.now();
  let downloads = 0;
  await runCommand('mvn', ['-B', '-f', pom, `-Dkafka.libs.dir=${libsDir}`, 'package'], {
    cwd: config.root,
    onLine: (line) => {
      // Batch mode prints "[INFO] Downloaded from central: <url> (<size> at <speed>)".
      const downloaded = /Downloaded from \S+ \S*\/([^/\s]+) ?(.*)$/.exec(line);
      if (downloaded) {
        downloads += 1;
        report.detail(`downloaded ${downloaded[1] ?? ''} ${downloaded[2] ?? ''}`.trimEnd());
      } else if (line.includes('[ERROR]')) report.detail(line);
    },
  });
  writeFileSync(join(libsDir, JAR_STAMP), `${new Date().toISOString()}\n`);
  report.step(`kafka: ${readdirSync(libsDir).length - 1} jars ready (${downloads} downloads, ${seconds(started)} s)`);
}

export type KafkaDataDir = { readonly kind: 'empty' } | { readonly kind: 'formatted'; readonly clusterId: string };

const RESET_FIX = (config: InfraConfig): string =>
  `Run: ./mz infra reset kafka --yes   (deletes ${relative(config.root, config.kafka.dataDir)}; topics are re-created on the next up)\n` +
  `or move ${config.kafka.dataDir} aside to keep its content.`;

/**
 * Tells an empty data dir from a formatted one, and refuses half-formatted or corrupt ones with
 * a message that names the problem and the fix (instead of letting the broker die obscurely).
 */
export function inspectKafkaDataDir(config: InfraConfig): KafkaDataDir {
  const dir = config.kafka.dataDir;
  if (!existsSync(dir) || readdirSync(dir).length === 0) return { kind: 'empty' };
  const metaFile = join(dir, 'meta.properties');
  if (!existsSync(metaFile)) {
    throw new InfraError(
      `Kafka data dir ${dir} is half-formatted or not a Kafka data dir: it has files but no meta.properties`,
      RESET_FIX(config),
    );
  }
  const meta = parseProperties(readFileSync(metaFile, 'utf8'));
  const clusterId = meta.get('cluster.id');
  const nodeId = meta.get('node.id');
  if (clusterId === undefined || !/^[A-Za-z0-9_-]{22}$/.test(clusterId) || nodeId === undefined) {
    throw new InfraError(`Kafka data dir ${dir} is corrupt: meta.properties lacks a valid cluster.id or node.id`, RESET_FIX(config));
  }
  if (Number(nodeId) !== NODE_ID) {
    throw new InfraError(`Kafka data dir ${dir} belongs to node ${nodeId}, this broker is node ${NODE_ID}`, RESET_FIX(config));
  }
  if (!existsSync(join(dir, 'bootstrap.checkpoint')) && !existsSync(join(dir, '__cluster_metadata-0'))) {
    throw new InfraError(
      `Kafka data dir ${dir} is half-formatted: meta.properties is there but the KRaft bootstrap checkpoint is missing`,
      RESET_FIX(config),
    );
  }
  return { kind: 'formatted', clusterId };
}

export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at > 0) entries.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return entries;
}

/** The broker's server.properties: single-node KRaft, combined broker + controller, loopback only. */
export function serverProperties(config: InfraConfig, port: number, controllerPort: number): string {
  return [
    '# Written by @minzheng/local-infra at every start; edit packages/local-infra/src/kafka.ts instead.',
    'process.roles=broker,controller',
    `node.id=${NODE_ID}`,
    `controller.quorum.voters=${NODE_ID}@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${config.kafka.dataDir}`,
    '# One broker: every replication factor must be 1, or consumer groups never find a coordinator.',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    '# Topics come from the declaration (packages/event-bus/src/topics.ts) or from tests, never by accident.',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'num.partitions=1',
    '# Two cores are shared with FerretDB, the services and the tests.',
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=4',
    'num.recovery.threads.per.data.dir=2',
    'log.cleaner.threads=1',
    '',
  ].join('\n');
}

function javaArgs(config: InfraConfig, heap: string, mainClass: string, args: readonly string[]): string[] {
  return [
    '-Xms128m',
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${config.kafka.logDir}`,
    `-Dlog4j.configuration=file:${config.kafka.log4jConfig}`,
    '-cp',
    `${config.kafka.libsDir}/*`,
    mainClass,
    ...args,
  ];
}

/** Formats an empty data dir with a new cluster id (the broker refuses unformatted storage). */
export async function formatKafkaStorage(config: InfraConfig, report: Reporter): Promise<string> {
  const clusterId = randomBytes(16).toString('base64url');
  report.step(`kafka: formatting storage in ${relative(config.root, config.kafka.dataDir)} (cluster id ${clusterId})`);
  await runCommand('java', javaArgs(config, '256m', 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config.kafka.propertiesFile]), {
    cwd: config.kafka.home,
  });
  return clusterId;
}

/** The marker that identifies our broker process in its command line. */
export const kafkaProcessMarker = (config: InfraConfig): string => config.kafka.propertiesFile;

/** Starts the broker process (storage already formatted). Returns its pid. */
export function spawnKafka(config: InfraConfig): number {
  mkdirSync(config.kafka.logDir, { recursive: true });
  return spawnDetached('java', javaArgs(config, config.kafka.heap, 'kafka.Kafka', [config.kafka.propertiesFile]), {
    cwd: config.kafka.home,
    logFile: kafkaLogFile(config),
  });
}

/** Waits until the broker answers; explains, with the log tail, why it died if it does. */
export async function awaitKafka(config: InfraConfig, pid: number, port: number, report: Reporter, logOffset: number): Promise<ClusterInfo> {
  const broker = `127.0.0.1:${port}`;
  try {
    return await waitForBroker([broker], {
      timeoutMs: 120_000,
      abortIf: () => (isOurProcess(pid, kafkaProcessMarker(config)) ? undefined : 'the broker process exited'),
      onWaiting: (_attempt, elapsedMs) => {
        if (elapsedMs > 0 && Math.floor(elapsedMs / 5000) !== Math.floor((elapsedMs - 600) / 5000)) {
          report.detail(`waiting for Kafka on ${broker} (${Math.round(elapsedMs / 1000)} s)`);
        }
      },
    });
  } catch (error) {
    const file = kafkaLogFile(config);
    const log = existsSync(file) ? readFileSync(file, 'utf8').slice(logOffset) : '';
    throw diagnoseKafkaFailure(config, error instanceof Error ? error.message : String(error), log);
  }
}

/** Turns a failed start into a message a person can act on. */
export function diagnoseKafkaFailure(config: InfraConfig, reason: string, log: string): InfraError {
  const tail = log.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-25).join('\n');
  const where = `Full log: ${kafkaLogFile(config)}`;
  if (/Address already in use|BindException/.test(log)) {
    return new InfraError(`Kafka could not bind its port: ${reason}`, `Another program took the port; run ./mz infra up again, or set MZ_KAFKA_PORT.\n${where}`);
  }
  if (/meta\.properties|cluster\.id|InconsistentClusterIdException|CorruptRecordException|KafkaStorageException|not formatted|doesn't match/i.test(log)) {
    return new InfraError(`Kafka refused its data dir ${config.kafka.dataDir}: ${reason}\n${tail}`, `${RESET_FIX(config)}\n${where}`);
  }
  if (log.includes('OutOfMemoryError')) {
    return new InfraError(`Kafka ran out of memory: ${reason}`, `Give it more heap, e.g. MZ_KAFKA_HEAP=1g.\n${where}`);
  }
  return new InfraError(`Kafka did not start: ${reason}\n${tail}`, where);
}

/** The version the broker printed at start-up (its AppInfoParser banner), newest first. */
export function kafkaVersionFromLog(log: string): string | undefined {
  const matches = [...log.matchAll(/Kafka version: (\S+)/g)];
  return matches.at(-1)?.[1];
}

export function readKafkaVersion(config: InfraConfig): string {
  const file = kafkaLogFile(config);
  return (existsSync(file) ? kafkaVersionFromLog(tailFile(file, 400)) : undefined) ?? KAFKA_VERSION;
}

/** Applies the platform's topic declaration (and dead-letter topics) to a broker. */
export async function applyTopicDeclaration(brokers: readonly string[], report: Reporter): Promise<TopicAction[]> {
  const kafka = createKafka({ brokers, clientId: 'mz-local-infra' });
  const actions = await ensureTopics(kafka, TOPICS);
  const count = (action: TopicAction['action']): number => actions.filter((a) => a.action === action).length;
  report.step(
    `kafka: topics from the declaration: ${count('created')} created, ${count('unchanged')} unchanged, ` +
      `${count('partitions-raised')} with more partitions, ${count('config-updated')} reconfigured`,
  );
  for (const action of actions) if (action.action === 'warning') report.detail(`${action.topic}: ${action.message}`);
  return actions;
}

export function ensureKafkaPrerequisites(): void {
  requireTool('java');
}

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}
