/**
 * Starts the elderly-care service: telemetry first (it patches modules as they load), then the
 * kit's `runService` (config, database, publisher, outbox relay, the app) with the scheduled jobs
 * (the 高龄津贴 job and the removal of old device-event claims) as a component. SIGTERM/SIGINT
 * stop everything in the reverse order.
 */
import { startTelemetry } from '@minzheng/service-kit/telemetry';

const telemetry = startTelemetry({ serviceName: 'elderly-care' });

const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
const { configSpec } = await import('./config.js');
const config = loadServiceConfig('elderly-care', configSpec);
const { OUTBOX_COLLECTIONS, buildElderlyCare, ensureIndexes } = await import('./app.js');
const { scheduleJobs } = await import('./jobs.js');

await runService({
  name: 'elderly-care',
  config,
  telemetry,
  outboxCollections: OUTBOX_COLLECTIONS,
  ensureIndexes,
  build: async (runtime) => {
    const { app, deps } = await buildElderlyCare({
      ...runtime.app,
      parameters: { ageAllowanceTables: config.MZ_AGE_ALLOWANCE_TIERS, careSubsidyTables: config.MZ_CARE_SUBSIDY_TABLES, minimumAge: config.MZ_ELDER_MIN_AGE },
      deviceCacheTtlMs: config.MZ_DEVICE_CACHE_TTL_MS,
    });
    const jobs = scheduleJobs({
      deps,
      logger: runtime.logger,
      allowanceIntervalMs: config.MZ_AGE_ALLOWANCE_JOB_INTERVAL_MS,
      allowanceRegion: config.MZ_AGE_ALLOWANCE_JOB_REGION,
      claimRetentionDays: config.MZ_DEVICE_CLAIM_RETENTION_DAYS,
    });
    const stop = (): Promise<void> => {
      jobs.stop();
      return Promise.resolve();
    };
    return { app, components: [{ stop }] };
  },
});
