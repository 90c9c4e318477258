/* eslint-disable no-console -- a command-line tool that talks to a person */
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { TOPICS } from '@minzheng/event-bus/topics';
import { loadInfraConfig, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { COMPONENTS, down, reset, status, up, type Component } from './infra.js';
import { applyTopicDeclaration, kafkaLogFile } from './kafka.js';
import { parseBrokers } from '@minzheng/event-bus/client';
import { consoleReporter } from './reporter.js';

const USAGE = `usage: ./mz infra <command>

  up                     start Kafka and FerretDB (or reuse the running ones), apply the topic declaration
  down [kafka|ferretdb]  stop them; their data is kept
  status                 what runs, where, and whether it answers
  env                    KAFKA_BROKERS=... and MONGO_URL=... of the running servers (for eval)
  topics [--brokers host:port,...]
                         apply the topic declaration to any broker (default: KAFKA_BROKERS, else the local one)
  logs [kafka|ferretdb] [-n LINES] [-f]
                         the servers' logs
  reset kafka|ferretdb|all --yes
                         stop and DELETE the data of a server (e.g. a corrupt Kafka data dir)
  start                  up, print where everything listens, stop everything on Ctrl-C

settings (optional): MZ_KAFKA_PORT (19092), MZ_KAFKA_CONTROLLER_PORT (19093), MZ_FERRETDB_PORT (27027),
MZ_KAFKA_HEAP (512m), MZ_DATA_DIR (.data), MZ_CACHE_DIR (.cache)`;

function parseComponents(value: string | undefined, allowAll: boolean): Component[] {
  if (value === undefined || (allowAll && value === 'all')) return [...COMPONENTS];
  if (value === 'kafka' || value === 'ferretdb') return [value];
  throw new InfraError(`unknown component "${value}"`, `Use kafka, ferretdb${allowAll ? ' or all' : ''}.`);
}

async function printStatus(config: InfraConfig): Promise<boolean> {
  const rows = await status(config);
  for (const row of rows) {
    const where = row.address ? `${row.address}  pid ${row.pid}  ${row.version ?? ''}` : '';
    console.log(`${row.component.padEnd(9)} ${row.status.padEnd(14)} ${where}`);
    console.log(`${''.padEnd(9)} data ${relative(config.root, row.dataDir)}  log ${relative(config.root, row.logFile)}`);
  }
  return rows.every((row) => row.status === 'running');
}

async function printEnv(config: InfraConfig): Promise<void> {
  const [kafka, ferretdb] = await status(config);
  if (kafka?.status !== 'running' || ferretdb?.status !== 'running') {
    throw new InfraError('Kafka and FerretDB are not both running', 'Run ./mz infra up first.');
  }
  console.log(`KAFKA_BROKERS=${kafka.address ?? ''}`);
  console.log(`MONGO_URL=${ferretdb.address ?? ''}`);
}

function showLogs(config: InfraConfig, args: string[]): Promise<void> {
  const follow = args.includes('-f');
  const at = args.indexOf('-n');
  const lines = at >= 0 ? Number(args[at + 1]) : 50;
  if (!Number.isInteger(lines) || lines < 1) throw new InfraError(`-n needs a positive number of lines`, 'e.g. ./mz infra logs kafka -n 200');
  const named = args.find((arg) => arg === 'kafka' || arg === 'ferretdb');
  const files = parseComponents(named, false).map((component) => (component === 'kafka' ? kafkaLogFile(config) : config.ferretdb.logFile));
  return new Promise((resolve, reject) => {
    const tail = spawn('tail', ['-n', String(lines), ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
    tail.on('error', reject);
    tail.on('close', () => {
      resolve();
    });
  });
}

async function startAndWait(config: InfraConfig): Promise<void> {
  const report = consoleReporter('start');
  const result = await up(config, report);
  const topics = TOPICS.length;
  console.log(`
民政数据共享平台 · Minzheng data-sharing platform — infrastructure is up

  Kafka (Apache Kafka ${result.kafka.version}, KRaft)   KAFKA_BROKERS=${result.kafkaBrokers}   cluster ${result.kafka.clusterId}
  MongoDB wire (FerretDB ${result.ferretdb.version})     MONGO_URL=${result.mongoUrl}
  topics: ${topics} declared, each with a .dlq dead-letter topic (packages/event-bus/src/topics.ts)
  data in ${relative(config.root, config.dataDir)}/ (kept between runs) · logs: ./mz infra logs -f

  The department services, the thematic database and the demo city join this command as their
  issues land (see README.md). Press Ctrl-C to stop; data is kept and reused by the next start.
`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('');
  await down(config, report);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadInfraConfig();
  const report = consoleReporter();
  switch (command) {
    case 'up': {
      const result = await up(config, report);
      console.log(`KAFKA_BROKERS=${result.kafkaBrokers}`);
      console.log(`MONGO_URL=${result.mongoUrl}`);
      return 0;
    }
    case 'down':
      await down(config, report, parseComponents(args[0], false));
      return 0;
    case 'status':
      return (await printStatus(config)) ? 0 : 3;
    case 'env':
      await printEnv(config);
      return 0;
    case 'topics': {
      const at = args.indexOf('--brokers');
      const given = at >= 0 ? args[at + 1] : process.env.KAFKA_BROKERS;
      // Without a broker named, `up` applies the declaration to the local one (starting it if needed).
      if (given) await applyTopicDeclaration(parseBrokers(given), report);
      else await up(config, report);
      return 0;
    }
    case 'logs':
      await showLogs(config, args);
      return 0;
    case 'reset': {
      const components = parseComponents(args.find((arg) => !arg.startsWith('-')) ?? 'missing', true);
      if (!args.includes('--yes')) {
        throw new InfraError(`reset deletes the data of ${components.join(' and ')}`, `Run again with --yes to confirm: ./mz infra reset ${args.join(' ')} --yes`);
      }
      await reset(config, report, components);
      return 0;
    }
    case 'start':
      await startAndWait(config);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof InfraError) console.error(`\n[infra] ${error.describe()}`);
    else console.error('\n[infra] unexpected failure:', error);
    process.exitCode = 1;
  },
);
