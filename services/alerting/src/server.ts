/**
 * Starts the alerting service: telemetry first (it patches modules as they load), then the kit's
 * `runService` (config, database, publisher, outbox relay) with the app, the flag consumer and the
 * escalator as components; SIGTERM/SIGINT stop everything in the reverse order.
 */
import type { ServiceComponent } from '@minzheng/service-kit/service';
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'alerting' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('alerting', configSpec);
const { OUTBOX_COLLECTIONS, buildAlertingApp, buildDeps, ensureIndexes } = await import('./app.js');
const { FlagConsumer } = await import('./consumer/flag-consumer.js');
const { Escalator } = await import('./escalation/escalator.js');
const { WebhookDispatcher } = await import('./webhooks/webhook-dispatcher.js');
const { webhookRoutes } = await import('./webhooks/webhook-routes.js');

await runService({
  name: 'alerting',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  build: async (runtime) => {
    const dispatcher = new WebhookDispatcher({ connection: runtime.connection, endpoints: config.MZ_WEBHOOKS, logger: runtime.logger });
    const options = { ...runtime.app, routing: config.MZ_ROUTING_FILE, streamPollMs: config.MZ_STREAM_POLL_MS, notifier: dispatcher };
    const deps = buildDeps(options);
    const app = await buildAlertingApp(options, deps, (built) => {
      webhookRoutes(built, dispatcher);
    });
    dispatcher.start();
    runtime.logger.info({ routingVersion: config.MZ_ROUTING_FILE.version, routes: config.MZ_ROUTING_FILE.input.routes.length, staff: config.MZ_ROUTING_FILE.input.staff.length }, 'routing table loaded');
    const components: ServiceComponent[] = [{ readiness: { webhooks: () => Promise.resolve(dispatcher.metrics()) }, stop: () => dispatcher.stop() }];
    if (config.MZ_FLAG_CONSUMER) {
      const consumer = new FlagConsumer({ kafka: runtime.kafka, registry: runtime.registry, keyring: config.MZ_FIELD_KEYS, connection: runtime.connection, topics: config.MZ_FLAG_TOPICS, groupId: config.MZ_FLAG_CONSUMER_GROUP, deps, logger: runtime.logger });
      await consumer.start();
      components.push({ readiness: { flagConsumer: () => consumer.ready() }, stop: () => consumer.stop() });
    }
    if (config.MZ_ESCALATOR) {
      const escalator = new Escalator(deps, { intervalMs: config.MZ_ESCALATION_INTERVAL_MS, logger: runtime.logger });
      escalator.start();
      components.push({ readiness: { escalator: () => Promise.resolve(escalator.metrics()) }, stop: () => escalator.stop() });
    }
    return { app, components };
  },
});
