/**
 * `pnpm --filter @minzheng/data-sharing rebuild [-- --keep]` (or `./mz run rebuild`): rebuilds the
 * thematic database from the beginning of the topics into a fresh database beside the live one and
 * compares their checksums (`rebuild.ts`). Reads the service's own environment (MZ_MONGO_URL,
 * KAFKA_BROKERS, MZ_FIELD_KEYS, MZ_PSEUDONYM_KEY, MZ_PROJECTION_*, MZ_SOURCE_PRECEDENCE). Exit code
 * 0 when identical, 1 when not, 2 on a configuration error. The fresh database is dropped after the
 * comparison unless `--keep`.
 */
import { parseArgs } from 'node:util';
import { contractRegistry } from '@minzheng/contracts';
import { createKafka } from '@minzheng/event-bus/client';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { parseConfig, ConfigError } from '@minzheng/service-kit/config';
import mongoose from 'mongoose';
import { configSpec } from './config.js';
import { rebuild } from './rebuild.js';

const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
const { MZ_MONGO_URL, KAFKA_BROKERS, MZ_FIELD_KEYS, MZ_PSEUDONYM_KEY, MZ_PROJECTION_TOPICS, MZ_PROJECTION_GROUP, MZ_PROJECTION_BATCH, MZ_SOURCE_PRECEDENCE } = configSpec;
let config;
try {
  config = parseConfig({ MZ_MONGO_URL, KAFKA_BROKERS, MZ_FIELD_KEYS, MZ_PSEUDONYM_KEY, MZ_PROJECTION_TOPICS, MZ_PROJECTION_GROUP, MZ_PROJECTION_BATCH, MZ_SOURCE_PRECEDENCE });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`rebuild: ${error.message}\n`);
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[-:.TZ]/gu, '').slice(0, 14);
const liveUrl = new URL(config.MZ_MONGO_URL);
const liveName = liveUrl.pathname.replace(/^\//u, '') || 'data-sharing';
const targetUrl = new URL(config.MZ_MONGO_URL);
targetUrl.pathname = `/${liveName}-rebuild-${stamp}`;

const live = await mongoose.createConnection(config.MZ_MONGO_URL, { serverSelectionTimeoutMS: 10_000 }).asPromise();
const target = await mongoose.createConnection(targetUrl.toString(), { serverSelectionTimeoutMS: 10_000 }).asPromise();
process.stderr.write(`专题库重建 rebuild: topics ${config.MZ_PROJECTION_TOPICS.join(', ')}\n  live database ${liveName} (group ${config.MZ_PROJECTION_GROUP}) → fresh database ${targetUrl.pathname.slice(1)}\n`);
try {
  const report = await rebuild({
    kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'data-sharing-rebuild' }),
    registry: contractRegistry(),
    keyring: config.MZ_FIELD_KEYS,
    pseudonymizer: createPseudonymizer(config.MZ_PSEUDONYM_KEY),
    precedence: config.MZ_SOURCE_PRECEDENCE,
    topics: config.MZ_PROJECTION_TOPICS,
    live: { connection: live, groupId: config.MZ_PROJECTION_GROUP },
    target,
    groupId: `${config.MZ_PROJECTION_GROUP}-rebuild-${stamp}`,
    batchSize: config.MZ_PROJECTION_BATCH,
    progress: (line) => process.stderr.write(`\r${line}`),
  });
  process.stderr.write('\n');
  process.stdout.write(`\n${report.events.toLocaleString('en')} events in ${report.seconds.toFixed(1)} s (${Math.round(report.eventsPerSecond).toLocaleString('en')} events/s)${report.liveCaughtUp ? '' : '; the live projection had NOT reached the same offsets'}\n\n`);
  process.stdout.write(`${'collection'.padEnd(14)}${'live'.padStart(10)}${'rebuilt'.padStart(10)}  checksum (SHA-256)\n`);
  for (const [name, item] of Object.entries(report.collections)) {
    process.stdout.write(`${name.padEnd(14)}${String(item.live.count).padStart(10)}${String(item.rebuilt.count).padStart(10)}  ${item.identical ? `identical ${item.live.sha256.slice(0, 16)}…` : `DIFFERENT live ${item.live.sha256.slice(0, 12)}… rebuilt ${item.rebuilt.sha256.slice(0, 12)}…`}\n`);
  }
  process.stdout.write(`\n${report.identical ? '一致 identical: the live thematic database is exactly what the event log gives.' : '不一致 NOT identical (see above).'}\n`);
  process.exitCode = report.identical ? 0 : 1;
} finally {
  if (values.keep) process.stderr.write(`kept ${targetUrl.pathname.slice(1)}\n`);
  else await target.dropDatabase();
  await target.close();
  await live.close();
}
