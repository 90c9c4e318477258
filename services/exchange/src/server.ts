/**
 * Starts the exchange gateway: telemetry first (it patches modules as they load), then the kit's
 * `runService` (config, database, publisher, outbox relay, the app; SIGTERM/SIGINT stop it in the
 * reverse order after in-flight requests finish).
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'exchange' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('exchange', configSpec);
const { OUTBOX_COLLECTIONS, buildExchangeApp, ensureIndexes } = await import('./app.js');

await runService({
  name: 'exchange',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  build: (runtime) => buildExchangeApp({ ...runtime.app, receiptKeys: config.MZ_RECEIPT_KEYS, registry: runtime.registry, uploadThreads: config.MZ_UPLOAD_THREADS }),
});
