/**
 * Starts the child-protection service: telemetry first, then config, the database, the event
 * publisher and the outbox relay, the standards consumer (低保 versions from
 * `reference.standard-changed`), then the HTTP server; SIGTERM/SIGINT stop it in the reverse order
 * after in-flight requests finish. Readiness covers the database, Kafka and the consumer.
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'child-protection' });

const { ConfigError } = await import('@minzheng/service-kit/config');
const { loadConfig } = await import('./config.js');
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`child-protection: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const { default: mongoose } = await import('mongoose');
const { contractRegistry } = await import('@minzheng/contracts');
const { describeCluster } = await import('@minzheng/event-bus/admin');
const { createKafka } = await import('@minzheng/event-bus/client');
const { EventPublisher } = await import('@minzheng/event-bus/publisher');
const { createPseudonymizer } = await import('@minzheng/identity/pseudonym');
const { listenUntilSignal } = await import('@minzheng/service-kit/app');
const { createLogger } = await import('@minzheng/service-kit/logger');
const { OutboxRelay } = await import('@minzheng/service-kit/outbox');
const { OUTBOX_COLLECTIONS, buildChildProtectionApp, buildDeps, ensureIndexes } = await import('./app.js');
const { StandardsConsumer } = await import('./standards/standards-consumer.js');

const logger = createLogger({ service: 'child-protection', level: config.MZ_LOG_LEVEL });
const connection = await mongoose.createConnection(config.MZ_MONGO_URL, { serverSelectionTimeoutMS: 10_000 }).asPromise();
await ensureIndexes(connection);
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'child-protection-service' });
const registry = contractRegistry();
const publisher = new EventPublisher({ kafka, registry, keyring: config.MZ_FIELD_KEYS, source: 'child-protection-service', logger, encodingThreads: config.MZ_ENCODING_THREADS });
await publisher.connect();
const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher, logger });
if (config.MZ_OUTBOX_RELAY) relay.start();

const options = {
  connection,
  publisher,
  keyring: config.MZ_FIELD_KEYS,
  pseudonymizer: createPseudonymizer(config.MZ_PSEUDONYM_KEY),
  jwtKeys: config.MZ_JWT_KEYS,
  logger,
  nudge: (hint: { readonly collection: string; readonly ids: readonly string[] }) => {
    if (config.MZ_OUTBOX_RELAY) relay.nudge(hint);
  },
};
const deps = buildDeps(options);
const consumer = config.MZ_STANDARDS_CONSUMER
  ? new StandardsConsumer({ kafka, registry, connection, topic: config.MZ_STANDARDS_TOPIC, groupId: config.MZ_STANDARDS_CONSUMER_GROUP, deps, logger })
  : undefined;
await consumer?.start();

const app = await buildChildProtectionApp({
  ...options,
  readiness: {
    database: async () => {
      if (!connection.db) throw new Error('no database handle');
      return connection.db.admin().ping();
    },
    kafka: () => describeCluster(config.KAFKA_BROKERS),
    ...(consumer === undefined ? {} : { standardsConsumer: () => consumer.ready() }),
  },
}, deps);
await listenUntilSignal(app, {
  port: config.MZ_PORT,
  host: config.MZ_HOST,
  onShutdown: async () => {
    await consumer?.stop();
    if (config.MZ_OUTBOX_RELAY) await relay.stop();
    await publisher.disconnect();
    await connection.close();
    await telemetry.shutdown();
  },
});
