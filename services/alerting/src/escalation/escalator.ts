/**
 * The escalator (超时升级): every `intervalMs` it takes the deadlines that fell due and escalates
 * the alerts still waiting on them (`escalateOverdue`), then drops the deadline. The deadlines are
 * in the store, so a restart resumes where it was: a deadline passed while the service was down is
 * escalated at the first tick after the start, once.
 */
import type { Logger } from 'pino';
import type { AlertingDeps } from '../deps.js';
import { escalateOverdue } from '../use-cases/alerts.js';

export interface EscalatorMetrics {
  readonly ticks: number;
  readonly escalated: number;
  readonly stale: number;
  readonly atTop: number;
  readonly failures: number;
  readonly lastError: string | null;
}

export class Escalator {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private tick: Promise<void> | null = null;
  private counts = { ticks: 0, escalated: 0, stale: 0, atTop: 0, failures: 0, lastError: null as string | null };

  constructor(
    private readonly deps: AlertingDeps,
    private readonly options: { readonly intervalMs: number; readonly logger?: Pick<Logger, 'info' | 'error'> },
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tick;
  }

  metrics(): EscalatorMetrics {
    return { ...this.counts };
  }

  /** One pass over the due deadlines (also for tests). */
  async runOnce(): Promise<number> {
    this.counts.ticks += 1;
    let escalated = 0;
    for (const deadline of await this.deps.deadlines.due(this.deps.now())) {
      try {
        const done = await escalateOverdue(this.deps, deadline);
        if (done === 'escalated') escalated += 1;
        this.counts[done === 'escalated' ? 'escalated' : done === 'stale' ? 'stale' : 'atTop'] += 1;
        if (done === 'escalated') this.options.logger?.info({ alertId: deadline.alertId, kind: deadline.kind, dueAt: deadline.dueAt }, 'alert escalated (deadline passed)');
        await this.deps.deadlines.remove(deadline._id);
      } catch (error) {
        // A concurrent change (another instance escalated, the caseworker acknowledged): the next tick sees the new state.
        this.counts.failures += 1;
        this.counts.lastError = (error as Error).message;
        this.options.logger?.error({ err: error, alertId: deadline.alertId }, 'escalation failed; retried at the next tick');
      }
    }
    return escalated;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tick = this.runOnce()
        .then(() => undefined, (error: unknown) => {
          this.counts.failures += 1;
          this.counts.lastError = (error as Error).message;
          this.options.logger?.error({ err: error }, 'escalator tick failed');
        })
        .finally(() => {
          this.tick = null;
          this.schedule(this.options.intervalMs);
        });
    }, delay);
    this.timer.unref();
  }
}
