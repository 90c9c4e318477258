import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describeCluster } from '@minzheng/event-bus/admin';
import type { InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import {
  awaitFerretdb,
  ensureFerretdbBinary,
  ferretdbBuildLabel,
  ferretdbProcessMarker,
  localMongoUrl,
  pingMongo,
  spawnFerretdb,
} from './ferretdb.js';
import {
  applyTopicDeclaration,
  awaitKafka,
  ensureKafkaLibs,
  ensureKafkaPrerequisites,
  formatKafkaStorage,
  inspectKafkaDataDir,
  kafkaLogFile,
  kafkaProcessMarker,
  readKafkaVersion,
  serverProperties,
  spawnKafka,
} from './kafka.js';
import { withLock } from './lock.js';
import { choosePort, isOurProcess, stopProcess } from './processes.js';
import type { Reporter } from './reporter.js';
import { readState, updateState, type FerretdbProcessState, type InfraState, type KafkaProcessState } from './state.js';

export type Component = 'kafka' | 'ferretdb';
export const COMPONENTS: readonly Component[] = ['kafka', 'ferretdb'];

export interface UpResult {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  readonly kafka: KafkaProcessState;
  readonly ferretdb: FerretdbProcessState;
  /** Components this call started (the others were already running and were reused). */
  readonly started: readonly Component[];
}

/**
 * Starts the local Kafka broker and FerretDB, or reuses the ones already running from this
 * checkout's data dir. Safe to call concurrently: a lock makes the second caller wait and reuse.
 */
export async function up(config: InfraConfig, report: Reporter): Promise<UpResult> {
  return withLock(
    config.lockFile,
    async () => {
      const state = readState(config.stateFile);
      const [kafkaResult, ferretdbResult] = await Promise.allSettled([upKafka(config, report, state), upFerretdb(config, report, state)]);
      if (kafkaResult.status === 'rejected' || ferretdbResult.status === 'rejected') {
        // Leave nothing half-up: stop what this call started before reporting the failure.
        const startedHere: Component[] = [];
        if (kafkaResult.status === 'fulfilled' && kafkaResult.value.started) startedHere.push('kafka');
        if (ferretdbResult.status === 'fulfilled' && ferretdbResult.value.started) startedHere.push('ferretdb');
        if (startedHere.length > 0) await stopComponents(config, report, startedHere);
        throw kafkaResult.status === 'rejected' ? kafkaResult.reason : (ferretdbResult as PromiseRejectedResult).reason;
      }
      const kafka = kafkaResult.value;
      const ferretdb = ferretdbResult.value;
      return {
        kafkaBrokers: `127.0.0.1:${kafka.state.port}`,
        mongoUrl: localMongoUrl(ferretdb.state.port),
        kafka: kafka.state,
        ferretdb: ferretdb.state,
        started: [...(kafka.started ? ['kafka' as const] : []), ...(ferretdb.started ? ['ferretdb' as const] : [])],
      };
    },
    { onWait: (holder) => { report.step(`another infra command (pid ${holder}) is running; waiting for it`); } },
  );
}

async function upKafka(config: InfraConfig, report: Reporter, state: InfraState): Promise<{ state: KafkaProcessState; started: boolean }> {
  const marker = kafkaProcessMarker(config);
  const running = state.kafka;
  if (running && isOurProcess(running.pid, marker)) {
    await awaitKafka(config, running.pid, running.port, report, logSize(kafkaLogFile(config)));
    report.step(`kafka: already running (pid ${running.pid}, 127.0.0.1:${running.port}); reusing it`);
    await applyTopicDeclaration([`127.0.0.1:${running.port}`], report);
    return { state: running, started: false };
  }

  ensureKafkaPrerequisites();
  await ensureKafkaLibs(config, report);
  const dataDir = inspectKafkaDataDir(config);
  const port = await pickPort('Kafka', state.lastPorts?.kafka ?? config.kafka.preferredPort, config.kafka.portExplicit, 'MZ_KAFKA_PORT', [], report);
  const controllerPort = await pickPort(
    'the Kafka controller',
    state.lastPorts?.kafkaController ?? config.kafka.preferredControllerPort,
    false,
    'MZ_KAFKA_CONTROLLER_PORT',
    [port],
    report,
  );
  mkdirSync(config.kafka.home, { recursive: true });
  writeFileSync(config.kafka.propertiesFile, serverProperties(config, port, controllerPort));
  const clusterId = dataDir.kind === 'empty' ? await formatKafkaStorage(config, report) : dataDir.clusterId;

  const logOffset = logSize(kafkaLogFile(config));
  const pid = spawnKafka(config);
  report.step(`kafka: starting Apache Kafka broker (pid ${pid}) on 127.0.0.1:${port}, KRaft controller on :${controllerPort}`);
  const started = Date.now();
  try {
    const cluster = await awaitKafka(config, pid, port, report, logOffset);
    if (cluster.clusterId !== clusterId) {
      throw new InfraError(`the broker on 127.0.0.1:${port} reports cluster ${cluster.clusterId}, our data dir holds ${clusterId}`, 'Another broker answered on our port; stop it or set MZ_KAFKA_PORT.');
    }
  } catch (error) {
    await stopProcess(pid, 10_000);
    throw error;
  }
  const kafka: KafkaProcessState = {
    pid,
    port,
    controllerPort,
    clusterId,
    version: readKafkaVersion(config),
    startedAt: new Date().toISOString(),
  };
  updateState(config.stateFile, (next) => {
    next.kafka = kafka;
    next.lastPorts = { ...next.lastPorts, kafka: port, kafkaController: controllerPort };
  });
  report.step(`kafka: Apache Kafka ${kafka.version} ready in ${Math.round((Date.now() - started) / 1000)} s (cluster ${clusterId})`);
  await applyTopicDeclaration([`127.0.0.1:${port}`], report);
  return { state: kafka, started: true };
}

async function upFerretdb(config: InfraConfig, report: Reporter, state: InfraState): Promise<{ state: FerretdbProcessState; started: boolean }> {
  const running = state.ferretdb;
  if (running && isOurProcess(running.pid, ferretdbProcessMarker(config))) {
    await awaitFerretdb(config, running.pid, running.port, report);
    report.step(`ferretdb: already running (pid ${running.pid}, 127.0.0.1:${running.port}); reusing it`);
    return { state: running, started: false };
  }
  await ensureFerretdbBinary(config, report);
  const port = await pickPort('FerretDB', state.lastPorts?.ferretdb ?? config.ferretdb.preferredPort, config.ferretdb.portExplicit, 'MZ_FERRETDB_PORT', [], report);
  const pid = spawnFerretdb(config, port);
  report.step(`ferretdb: starting FerretDB on SQLite (pid ${pid}) on 127.0.0.1:${port}, data in ${relative(config.root, config.ferretdb.dataDir)}`);
  let info;
  try {
    info = await awaitFerretdb(config, pid, port, report);
  } catch (error) {
    await stopProcess(pid, 5_000);
    throw error;
  }
  // Embedded FerretDB answers ferretdbVersion "unknown" (see infra/ferretdb/main.go): we know
  // what we built, since go.mod pins the version and infra/ferretdb/patches holds the patches.
  const version = info.ferretdbVersion && info.ferretdbVersion !== 'unknown' ? info.ferretdbVersion : ferretdbBuildLabel(config);
  const ferretdb: FerretdbProcessState = { pid, port, version, startedAt: new Date().toISOString() };
  updateState(config.stateFile, (next) => {
    next.ferretdb = ferretdb;
    next.lastPorts = { ...next.lastPorts, ferretdb: port };
  });
  report.step(`ferretdb: FerretDB ${ferretdb.version} ready (MongoDB wire ${info.version})`);
  return { state: ferretdb, started: true };
}

async function pickPort(what: string, preferred: number, explicit: boolean, variable: string, avoid: readonly number[], report: Reporter): Promise<number> {
  const { port, moved } = await choosePort(preferred, avoid);
  if (!moved) return port;
  if (explicit) {
    throw new InfraError(`port ${preferred} for ${what} (${variable}) is taken by another program`, `Stop that program, or choose another port in ${variable}.`);
  }
  report.step(`port ${preferred} for ${what} is taken by another program; using ${port} instead`);
  return port;
}

/** Stops the servers this checkout started (SIGTERM, then SIGKILL after a grace period). Data stays. */
export async function down(config: InfraConfig, report: Reporter, components: readonly Component[] = COMPONENTS): Promise<void> {
  await withLock(config.lockFile, () => stopComponents(config, report, components));
}

/** `down` without taking the lock (for callers that hold it). */
async function stopComponents(config: InfraConfig, report: Reporter, components: readonly Component[]): Promise<void> {
  const state = readState(config.stateFile);
  await Promise.all(
    components.map(async (component) => {
      const running = state[component];
      const marker = component === 'kafka' ? kafkaProcessMarker(config) : ferretdbProcessMarker(config);
      if (running && isOurProcess(running.pid, marker)) {
        report.step(`${component}: stopping pid ${running.pid}`);
        const how = await stopProcess(running.pid, component === 'kafka' ? 60_000 : 10_000);
        report.step(`${component}: ${how === 'killed' ? 'did not stop in time and was killed' : 'stopped'}; data kept`);
      } else {
        report.step(`${component}: not running`);
      }
    }),
  );
  updateState(config.stateFile, (next) => {
    for (const component of components) next[component] = undefined;
  });
}

export interface ComponentStatus {
  readonly component: Component;
  readonly status: 'running' | 'not answering' | 'stopped';
  readonly pid?: number;
  readonly address?: string;
  readonly version?: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/** What runs, where, and whether it answers (a real Kafka describeCluster and MongoDB ping). */
export async function status(config: InfraConfig): Promise<ComponentStatus[]> {
  const state = readState(config.stateFile);
  const kafka = state.kafka;
  const ferretdb = state.ferretdb;
  const kafkaBase = { component: 'kafka' as const, dataDir: config.kafka.dataDir, logFile: kafkaLogFile(config) };
  const ferretBase = { component: 'ferretdb' as const, dataDir: config.ferretdb.dataDir, logFile: config.ferretdb.logFile };
  const kafkaStatus: ComponentStatus =
    kafka && isOurProcess(kafka.pid, kafkaProcessMarker(config))
      ? {
          ...kafkaBase,
          pid: kafka.pid,
          address: `127.0.0.1:${kafka.port}`,
          version: kafka.version,
          status: (await answers(() => describeCluster([`127.0.0.1:${kafka.port}`]))) ? 'running' : 'not answering',
        }
      : { ...kafkaBase, status: 'stopped' };
  const ferretStatus: ComponentStatus =
    ferretdb && isOurProcess(ferretdb.pid, ferretdbProcessMarker(config))
      ? {
          ...ferretBase,
          pid: ferretdb.pid,
          address: localMongoUrl(ferretdb.port),
          version: ferretdb.version,
          status: (await answers(() => pingMongo(localMongoUrl(ferretdb.port), 1_500))) ? 'running' : 'not answering',
        }
      : { ...ferretBase, status: 'stopped' };
  return [kafkaStatus, ferretStatus];
}

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

/** Stops a component and deletes its data (the fix for a corrupt Kafka data dir). */
export async function reset(config: InfraConfig, report: Reporter, components: readonly Component[]): Promise<void> {
  await down(config, report, components);
  for (const component of components) {
    const dir = component === 'kafka' ? config.kafka.dataDir : config.ferretdb.dataDir;
    if (existsSync(dir)) {
      rmSync(dir, { recursive: true, force: true });
      report.step(`${component}: deleted ${dir}`);
    } else {
      report.step(`${component}: ${dir} did not exist`);
    }
  }
}

function logSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
