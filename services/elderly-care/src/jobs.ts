/**
 * The scheduled work of a running instance: the 高龄津贴 job (免申可领, once at start and then every
 * `allowanceIntervalMs`, daily by default) and the hourly removal of device-event claims older than
 * the dedupe window. Both are safe to run on several instances at once: the job is idempotent, and
 * removing old claims twice removes nothing more.
 */
import type { Logger } from 'pino';
import type { ElderlyCareDeps } from './deps.js';
import { runAgeAllowanceJob } from './use-cases/age-allowance-job.js';

export interface JobOptions {
  readonly deps: ElderlyCareDeps;
  readonly logger: Logger;
  /** 0: the allowance job does not run on a schedule (the route still runs it). */
  readonly allowanceIntervalMs: number;
  readonly allowanceRegion: string;
  readonly claimRetentionDays: number;
}

const FIRST_RUN_DELAY_MS = 10_000;
const CLAIM_PRUNE_INTERVAL_MS = 3_600_000;

export function scheduleJobs(options: JobOptions): { stop(): void } {
  const { deps, logger } = options;
  const timers: NodeJS.Timeout[] = [];
  let running = false;
  const allowance = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const result = await runAgeAllowanceJob(deps, options.allowanceRegion, undefined, logger);
      logger.info({ job: 'advanced-age-allowance', ...result, grantIds: undefined }, 'age-allowance job done');
    } catch (error) {
      logger.error({ err: error, job: 'advanced-age-allowance' }, 'age-allowance job failed; the next run retries');
    } finally {
      running = false;
    }
  };
  const prune = async (): Promise<void> => {
    try {
      const removed = await deps.devices.pruneClaims(new Date(deps.now().getTime() - options.claimRetentionDays * 86_400_000));
      if (removed > 0) logger.info({ removed }, 'device-event claims past the dedupe window removed');
    } catch (error) {
      logger.error({ err: error }, 'removing old device-event claims failed; retried in an hour');
    }
  };
  if (options.allowanceIntervalMs > 0) {
    timers.push(setTimeout(() => void allowance(), FIRST_RUN_DELAY_MS), setInterval(() => void allowance(), options.allowanceIntervalMs));
  }
  timers.push(setInterval(() => void prune(), CLAIM_PRUNE_INTERVAL_MS));
  for (const timer of timers) timer.unref();
  return {
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
