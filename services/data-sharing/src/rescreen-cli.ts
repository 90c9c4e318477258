/**
 * `pnpm --filter @minzheng/data-sharing rescreen [-- --region 442000101 ...]` (or `./mz run
 * rescreen`): re-screens every household and person of the thematic database (or of the regions
 * named) against the rules and parameters of this build (`MZ_RULE_PARAMETERS`), with a progress
 * line, and relays the flag events it wrote. Run it after deploying a new or changed rule, or new
 * parameters. Reads the service's environment (MZ_MONGO_URL, KAFKA_BROKERS, MZ_FIELD_KEYS,
 * MZ_RULE_PARAMETERS). Exit code 0 when done, 2 on a configuration error.
 */
import { parseArgs } from 'node:util';
import { contractRegistry } from '@minzheng/contracts';
import { createKafka } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { parseConfig, ConfigError } from '@minzheng/service-kit/config';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import mongoose from 'mongoose';
import { OUTBOX_COLLECTIONS, createScreener } from './app.js';
import { configSpec } from './config.js';
import type { StoredEventRecord } from './projection/projection-consumer.js';
import { rescreen } from './rescreen.js';

const { values } = parseArgs({ options: { region: { type: 'string', multiple: true } } });
const regions = values.region ?? [];
const badRegion = regions.find((code) => !/^\d{6}(\d{3}(\d{3})?)?$/u.test(code));
if (badRegion !== undefined) {
  process.stderr.write(`rescreen: --region ${badRegion}: a region code has 6 (county), 9 (town) or 12 (village) digits\n`);
  process.exit(2);
}
const { MZ_MONGO_URL, KAFKA_BROKERS, MZ_FIELD_KEYS, MZ_RULE_PARAMETERS } = configSpec;
let config;
try {
  config = parseConfig({ MZ_MONGO_URL, KAFKA_BROKERS, MZ_FIELD_KEYS, MZ_RULE_PARAMETERS });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`rescreen: ${error.message}\n`);
  process.exit(2);
}

const connection = await mongoose.createConnection(config.MZ_MONGO_URL, { serverSelectionTimeoutMS: 10_000 }).asPromise();
const publisher = new EventPublisher({ kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'data-sharing-rescreen' }), registry: contractRegistry(), keyring: config.MZ_FIELD_KEYS, source: 'data-sharing-service' });
await publisher.connect();
const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher });
process.stderr.write(`政策找人批量复核 re-screen: database ${connection.name}${regions.length > 0 ? `, regions ${regions.join(', ')}` : ', every region'}\n`);
try {
  const report = await rescreen({
    screener: createScreener({ connection, publisher, keyring: config.MZ_FIELD_KEYS, parameters: config.MZ_RULE_PARAMETERS }),
    otherEvents: connection.collection<StoredEventRecord>('other_events'),
    ...(regions.length > 0 ? { regionCodes: regions } : {}),
    progress: (line) => process.stderr.write(`\r${line}`),
  });
  const relayed = await relay.drain();
  process.stderr.write('\n');
  process.stdout.write(`${report.households.toLocaleString('en')} households and ${report.persons.toLocaleString('en')} persons in ${report.seconds.toFixed(1)} s (${Math.round(report.subjectsPerSecond).toLocaleString('en')} subjects/s); ${report.written.toLocaleString('en')} flags raised, updated or closed; ${relayed.toLocaleString('en')} flag events relayed\n`);
} finally {
  await publisher.disconnect();
  await connection.close();
}
