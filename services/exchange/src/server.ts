/**
 * Starts the exchange gateway: telemetry first (it patches modules as they load), then config,
 * the database, the event publisher and the outbox relay, then the HTTP server; SIGTERM/SIGINT
 * stop it in the reverse order after in-flight requests finish.
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'exchange' });

const { ConfigError } = await import('@minzheng/service-kit/config');
const { loadConfig } = await import('./config.js');
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`exchange: ${error.message}\n`);
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
const { OUTBOX_COLLECTIONS, buildExchangeApp, ensureIndexes } = await import('./app.js');

const logger = createLogger({ service: 'exchange', level: config.MZ_LOG_LEVEL });
const connection = await mongoose.createConnection(config.MZ_MONGO_URL, { serverSelectionTimeoutMS: 10_000 }).asPromise();
await ensureIndexes(connection);
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'exchange-service' });
const publisher = new EventPublisher({ kafka, registry: contractRegistry(), keyring: config.MZ_FIELD_KEYS, source: 'exchange-service', logger, encodingThreads: config.MZ_ENCODING_THREADS });
await publisher.connect();
const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher, logger });
if (config.MZ_OUTBOX_RELAY) relay.start();

const app = await buildExchangeApp({
  connection,
  publisher,
  keyring: config.MZ_FIELD_KEYS,
  receiptKeys: config.MZ_RECEIPT_KEYS,
  pseudonymizer: createPseudonymizer(config.MZ_PSEUDONYM_KEY),
  jwtKeys: config.MZ_JWT_KEYS,
  logger,
  nudge: (hint) => {
    if (config.MZ_OUTBOX_RELAY) relay.nudge(hint);
  },
  readiness: {
    database: async () => {
      if (!connection.db) throw new Error('no database handle');
      return connection.db.admin().ping();
    },
    kafka: () => describeCluster(config.KAFKA_BROKERS),
  },
});
await listenUntilSignal(app, {
  port: config.MZ_PORT,
  host: config.MZ_HOST,
  onShutdown: async () => {
    if (config.MZ_OUTBOX_RELAY) await relay.stop();
    await publisher.disconnect();
    await connection.close();
    await telemetry.shutdown();
  },
});
