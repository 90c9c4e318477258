/**
 * Starts the data-sharing service: telemetry first (it patches modules as they load), then the
 * kit's `runService` with the projection consumer as a component (its state joins the readiness
 * checks), then the analyst API. SIGTERM/SIGINT stop everything in the reverse order.
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'data-sharing' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('data-sharing', configSpec);
const { OUTBOX_COLLECTIONS, buildDataSharingApp, createScreener, ensureIndexes } = await import('./app.js');
const { ProjectionConsumer } = await import('./projection/projection-consumer.js');
const { foldCrypto } = await import('./projection/crypto.js');

await runService({
  name: 'data-sharing',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  components: async (runtime) => {
    if (!config.MZ_PROJECTION_CONSUMER) return [];
    const consumer = new ProjectionConsumer({
      kafka: runtime.kafka,
      registry: runtime.registry,
      keyring: runtime.app.keyring,
      connection: runtime.connection,
      precedence: config.MZ_SOURCE_PRECEDENCE,
      crypto: foldCrypto(runtime.app.keyring, runtime.app.pseudonymizer),
      groupId: config.MZ_PROJECTION_GROUP,
      topics: config.MZ_PROJECTION_TOPICS,
      batchSize: config.MZ_PROJECTION_BATCH,
      logger: runtime.logger,
      schedulerIntervalMs: config.MZ_SCHEDULER_INTERVAL_MS,
      ...(config.MZ_RULES ? { screener: createScreener({ ...runtime.app, parameters: config.MZ_RULE_PARAMETERS }) } : {}),
    });
    await consumer.start();
    return [{ readiness: { projection: () => consumer.ready() }, stop: () => consumer.stop() }];
  },
  build: (runtime) => buildDataSharingApp({ ...runtime.app, precedence: config.MZ_SOURCE_PRECEDENCE, smallCellThreshold: config.MZ_SMALL_CELL_THRESHOLD, ruleParameters: config.MZ_RULE_PARAMETERS }),
});
