/**
 * Starts the data-sharing service: telemetry first (it patches modules as they load), then the
 * kit's `runService` with the projection consumer as a component (its state joins the readiness
 * checks), then the analyst API. SIGTERM/SIGINT stop everything in the reverse order.
 */
import type { ServiceComponent } from '@minzheng/service-kit/service';
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'data-sharing' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('data-sharing', configSpec);
const { OUTBOX_COLLECTIONS, buildDataSharingApp, createScreener, ensureIndexes } = await import('./app.js');
const { ProjectionConsumer } = await import('./projection/projection-consumer.js');
const { foldCrypto } = await import('./projection/crypto.js');
const { OutcomeConsumer } = await import('./flags/outcome-consumer.js');
const { FlagRepository } = await import('./flags/flag.repository.js');
const { SUMMARIES } = await import('./projection/projector.js');

await runService({
  name: 'data-sharing',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  components: async (runtime) => {
    const components: ServiceComponent[] = [];
    if (config.MZ_OUTCOME_CONSUMER) {
      const outcomes = new OutcomeConsumer({
        kafka: runtime.kafka,
        registry: runtime.registry,
        keyring: runtime.app.keyring,
        connection: runtime.connection,
        topics: config.MZ_OUTCOME_TOPICS,
        groupId: config.MZ_OUTCOME_GROUP,
        flags: new FlagRepository(runtime.connection, runtime.publisher, runtime.app.nudge),
        persons: runtime.connection.collection(SUMMARIES.person),
        now: () => new Date(),
        logger: runtime.logger,
      });
      await outcomes.start();
      components.push({ readiness: { outcomes: () => outcomes.ready() }, stop: () => outcomes.stop() });
    }
    if (!config.MZ_PROJECTION_CONSUMER) return components;
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
    return [...components, { readiness: { projection: () => consumer.ready() }, stop: () => consumer.stop() }];
  },
  build: (runtime) => buildDataSharingApp({ ...runtime.app, precedence: config.MZ_SOURCE_PRECEDENCE, smallCellThreshold: config.MZ_SMALL_CELL_THRESHOLD, ruleParameters: config.MZ_RULE_PARAMETERS }),
});
