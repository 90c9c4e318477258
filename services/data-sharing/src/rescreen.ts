/**
 * 批量复核 — the batch side of 政策找人: every household and person (or those of some regions)
 * evaluated against every rule, as after a rule or a parameter changed (a changed standard
 * re-screens by itself: the projection consumer sees the reference event). Flags are written as
 * the event-driven screening writes them (one slot per rule and subject; their events through the
 * outbox), and each subject's next wake-up is planned.
 */
import type { Screener } from './rules/screener.js';
import { progressLine } from './progress.js';

export interface RescreenOptions {
  readonly screener: Screener;
  /** Where the standards and disasters are read from (`other_events` of the thematic database). */
  readonly otherEvents: Parameters<Screener['reference']['load']>[0];
  /** Only subjects in these regions (code prefixes); default all. */
  readonly regionCodes?: readonly string[];
  /** A progress line (a terminal's stderr), after each 1,000 subjects. */
  readonly progress?: (line: string) => void;
}

export interface RescreenReport {
  readonly households: number;
  readonly persons: number;
  /** Flags raised, updated or closed. */
  readonly written: number;
  readonly seconds: number;
  readonly subjectsPerSecond: number;
}

export async function rescreen(options: RescreenOptions): Promise<RescreenReport> {
  await options.screener.reference.load(options.otherEvents);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const result = await options.screener.screenAll({
    ...(options.regionCodes === undefined ? {} : { regionCodes: options.regionCodes }),
    onProgress: (done, total) => options.progress?.(progressLine(done, total, 'subjects', seconds())),
  });
  const elapsed = seconds();
  return { ...result, seconds: elapsed, subjectsPerSecond: elapsed > 0 ? (result.households + result.persons) / elapsed : 0 };
}

