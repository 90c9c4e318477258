/**
 * Starts the child-protection service: telemetry first (it patches modules as they load), then the
 * kit's `runService` (config, database, publisher, outbox relay, the app) with the standards
 * consumer as a component: it keeps the 低保 versions and re-computes allowances, and its state
 * joins the readiness checks. SIGTERM/SIGINT stop everything in the reverse order.
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'child-protection' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('child-protection', configSpec);
const { OUTBOX_COLLECTIONS, buildChildProtectionApp, buildDeps, ensureIndexes } = await import('./app.js');
const { StandardsConsumer } = await import('./standards/standards-consumer.js');

await runService({
  name: 'child-protection',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  components: async (runtime) => {
    if (!config.MZ_STANDARDS_CONSUMER) return [];
    const consumer = new StandardsConsumer({
      kafka: runtime.kafka,
      registry: runtime.registry,
      connection: runtime.connection,
      topic: config.MZ_STANDARDS_TOPIC,
      groupId: config.MZ_STANDARDS_CONSUMER_GROUP,
      deps: buildDeps(runtime.app),
      logger: runtime.logger,
    });
    await consumer.start();
    return [{ readiness: { standardsConsumer: () => consumer.ready() }, stop: () => consumer.stop() }];
  },
  build: (runtime) => buildChildProtectionApp(runtime.app),
});
