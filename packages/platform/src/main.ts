/**
 * The main job (`./mz start`): the whole platform with the demo city, on this machine.
 *
 *   1. Kafka and FerretDB (`@minzheng/local-infra`; or KAFKA_BROKERS and MONGO_URL when given);
 *   2. every service as a process, each waited for on `/health/ready`;
 *   3. the demo city through the services' APIs (once: a second start finds it loaded and reuses it);
 *   4. the scenario stream: a day of department events, with the cases each rule must catch;
 *   5. a summary read back through the APIs, and where everything listens. Ctrl-C stops it all.
 */
/* eslint-disable no-console -- the main job talks to the person who started it */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { generateCity, type DemoCity } from '@minzheng/demo-city';
import { consoleReporter, down, loadInfraConfig, up } from '@minzheng/local-infra';
import mongoose from 'mongoose';
import type { LoadContext, LoadCounts } from './load/context.js';
import { LOADERS } from './load/index.js';
import { startPlatform, type Platform } from './platform.js';
import { consoleDisplay, type Display } from './progress.js';
import { playScenario, type ScenarioReport } from './scenario/index.js';
import { loadOrCreateSecrets } from './secrets.js';
import { SERVICES, SERVICE_NAMES } from './services.js';
import { readSummary, type PlatformSummary } from './summary.js';
import { waitSettled } from './settle.js';

const USAGE = `usage: ./mz start [-- --persons 20000] [--seed 20261207] [--no-scenario] [--exit]
  --persons N     size of the demo city (default 20000; the benchmarks use up to 1000000)
  --seed S        the city's seed (default 20261207): the same seed gives the same city
  --no-scenario   load the city only
  --exit          stop after the summary instead of serving until Ctrl-C`;

export const databaseUrl = (base: string, database: string): string => {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
};

interface CityRecord {
  readonly _id: string;
  readonly seed: number;
  readonly persons: number;
  readonly loadedAt: Date;
  readonly counts: Record<string, LoadCounts>;
  readonly scenario?: ScenarioReport;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { persons: { type: 'string', default: '20000' }, seed: { type: 'string', default: '20261207' }, 'no-scenario': { type: 'boolean', default: false }, exit: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const persons = Number(values.persons);
  const seed = Number(values.seed);
  if (!Number.isInteger(persons) || persons < 100 || persons > 1_000_000) throw new Error(`--persons must be a whole number from 100 to 1000000 (got ${values.persons})`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number (got ${values.seed})`);
  const display = consoleDisplay();
  const config = loadInfraConfig();
  let stopInfra = (): Promise<void> => Promise.resolve();
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let mongoBase = process.env.MONGO_URL;
  if (kafkaBrokers === undefined || mongoBase === undefined) {
    display.step('基础设施 infrastructure: Kafka + FerretDB');
    const result = await up(config, consoleReporter('infra'));
    kafkaBrokers ??= result.kafkaBrokers;
    mongoBase ??= result.mongoUrl;
    // Stops only what this run started: a broker and a store that were already running stay up.
    if (result.started.length > 0) stopInfra = () => down(config, consoleReporter('infra'), result.started);
  }
  const workDir = join(config.dataDir, 'platform');
  const secrets = loadOrCreateSecrets(join(workDir, 'secrets.json'));
  display.step(`演示城市 demo city: ${persons.toLocaleString('en')} persons, seed ${String(seed)}`);
  const city = generateCity({ persons, seed });
  display.done(`city generated: ${city.households.length.toLocaleString('en')} households in ${String(city.villages.length)} villages of ${String(city.towns.length)} towns, ${String(city.staff.length)} staff`);
  const marker = await mongoose.createConnection(databaseUrl(mongoBase, 'mz_platform'), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  let platform: Platform | undefined;
  try {
    display.step('服务 services: starting 7 processes');
    platform = await startPlatform({
      root: config.root,
      kafkaBrokers,
      mongoUrl: (database) => databaseUrl(mongoBase, database),
      secrets,
      workDir,
      staff: city.staff,
      onReady: (name, ms, url) => {
        display.done(`${name.padEnd(17)} ${SERVICES[name].title.padEnd(12, '\u3000')} ready in ${(ms / 1000).toFixed(1)} s  ${url}/docs`);
      },
    });
    const cities = marker.collection<CityRecord>('demo_cities');
    const id = `seed-${String(seed)}-persons-${String(persons)}`;
    let record = await cities.findOne({ _id: id });
    const context: LoadContext = { api: platform.api, city, concurrency: 8, progress: (step, done, total) => { display.bar(step, done, total); } };
    if (record === null) {
      record = await loadCity(context, display, id);
      await cities.insertOne(record);
    } else {
      display.done(`city ${id} already loaded on ${record.loadedAt.toISOString()}: reused`);
    }
    if (!values['no-scenario'] && record.scenario === undefined) {
      display.step('场景 scenario: a day of department events');
      const scenario = await playScenario(context);
      await cities.updateOne({ _id: id }, { $set: { scenario } });
      record = { ...record, scenario };
      display.done(`scenario played: ${String(scenario.events)} events, ${String(scenario.cases.length)} cases`);
    }
    display.step('等待处理 waiting for the thematic database and the alerts to settle');
    await waitSettled(platform.api, display);
    const summary = await readSummary(platform.api);
    printSummary(city, record, summary, platform, config.root);
    if (!values.exit) {
      console.log('  Ctrl-C stops every service and the infrastructure; data is kept and the next start reuses it.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return 0;
  } finally {
    display.step('stopping the services');
    await platform?.stop();
    await marker.close();
    await stopInfra();
  }
}

async function loadCity(context: LoadContext, display: Display, id: string): Promise<CityRecord> {
  const counts: Record<string, LoadCounts> = {};
  for (const loader of LOADERS) {
    display.step(`载入 loading ${loader.title} (${loader.name})`);
    const started = Date.now();
    counts[loader.name] = await loader.load(context);
    display.done(`${loader.name}: ${Object.entries(counts[loader.name] ?? {}).map(([name, count]) => `${String(count)} ${name}`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return { _id: id, seed: context.city.seed, persons: context.city.persons.length, loadedAt: new Date(), counts };
}

function printSummary(city: DemoCity, record: CityRecord, summary: PlatformSummary, platform: Platform, root: string): void {
  const rows = (values: Readonly<Record<string, number>>) =>
    Object.entries(values)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([name, count]) => `      ${name.padEnd(40)} ${String(count).padStart(6)}`)
      .join('\n') || '      (none)';
  const urls = Object.fromEntries(platform.services.map((service) => [service.name, service.url]));
  console.log(`
民政数据共享平台 · Minzheng data-sharing platform — running with the demo city

  services (API docs at /docs):
${SERVICE_NAMES.map((name) => `    ${name.padEnd(17)} ${String(urls[name])}/docs   ${SERVICES[name].title}`).join('\n')}

  analyst API:        ${String(urls['data-sharing'])}/persons, /statistics/coverage, /eligibility, /what-if
  caseworker stream:  ${String(urls.alerting)}/alerts/stream (Server-Sent Events), inbox ${String(urls.alerting)}/alerts
  a token:            MZ_JWT_KEYS from ${join(root, '.data/platform/secrets.json')} → ./mz run dev-token -- --role caseworker --jurisdiction ${city.towns[0]?.code ?? '442000'}
  logs:               ${join(root, '.data/platform/logs')}/<service>.log

  demo city ${record._id}: ${city.persons.length.toLocaleString('en')} persons, ${city.households.length.toLocaleString('en')} households (loaded ${record.loadedAt.toISOString()})
${Object.entries(record.counts).map(([loader, counts]) => `    ${loader.padEnd(17)} ${Object.entries(counts).map(([name, count]) => `${String(count)} ${name}`).join(', ')}`).join('\n')}
  scenario: ${record.scenario === undefined ? 'not played' : `${String(record.scenario.events)} events, ${String(record.scenario.cases.length)} cases`}

  thematic database: ${summary.persons.toLocaleString('en')} persons
  open flags: ${String(summary.openFlags)} (${Object.entries(summary.flagsByUrgency).sort().map(([urgency, count]) => `${urgency} ${String(count)}`).join(', ')})
${rows(summary.flagsByRule)}
  alerts delivered: ${String(summary.alerts)}
${rows(summary.alertsByRule)}
`);
}
