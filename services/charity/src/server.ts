/**
 * Starts the charity service: telemetry first (it patches modules as they load), then the kit's
 * `runService` (config, database, publisher, outbox relay, the app; SIGTERM/SIGINT stop it in the
 * reverse order after in-flight requests finish).
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'charity' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('charity', configSpec);
const { OUTBOX_COLLECTIONS, buildCharityApp, ensureIndexes } = await import('./app.js');

await runService({ name: 'charity', config, telemetry, outboxCollections: OUTBOX_COLLECTIONS, ensureIndexes, build: (runtime) => buildCharityApp(runtime.app) });
