/**
 * 定时复核 — the time-driven side of 政策找人: rules about time passing (no water for N hours, a
 * month without a visit, an 80th birthday, benefits still paid after the grace period) have no
 * event to wake them. Each evaluation notes when its subject's time facts next cross a threshold
 * (`FactSet.wakes`); the scheduler keeps the earliest of them per subject in the store and
 * evaluates the subject again when it falls due.
 *
 * Kept in two collections, so that it survives restarts and runs on FerretDB (which filters only
 * `_id` in its store):
 * - `wakeups`: one document per pending wake-up, `_id` = `<ISO instant>|<p|h>:<key>` — the due
 *   ones are one `_id` range read, oldest first;
 * - `wakeup_slots`: one per subject, `_id` = `<p|h>:<key>`, naming its pending wake-up and the
 *   instants by reason.
 *
 * Never missed: a wake-up is deleted only after its subject was evaluated and the result stored
 * (flags and the next wake-up), so a crash in between runs it again after the restart, and wake-ups
 * that fell due while nothing ran are run at start, oldest first. Never doubled: running one twice
 * evaluates the subject twice, and the flags keep one per rule and subject (the second evaluation
 * changes nothing). Several instances may run it: the same, by the same argument.
 */
import { SAFE_ID_RANGE, bulkWriteAll, insertNew } from '@minzheng/service-kit/repository';
import { safeKey } from '../projection/fold.js';
import type { Connection, mongo } from 'mongoose';
import type { SubjectKind } from '../projection/model.js';
import type { WakeReason } from './facts.js';

export const WAKEUPS = 'wakeups';
export const WAKEUP_SLOTS = 'wakeup_slots';

export interface WakeupDocument {
  _id: string;
  kind: SubjectKind;
  key: string;
  dueAt: string;
  reasons: WakeReason[];
}

export interface WakeupSlotDocument {
  _id: string;
  wakeupId: string | null;
  wakes: Partial<Record<WakeReason, string>>;
}

export interface SubjectWakes {
  readonly kind: SubjectKind;
  readonly key: string;
  readonly wakes: Partial<Record<WakeReason, string>>;
}

export interface SchedulerMetrics {
  planned: number;
  fired: number;
  passes: number;
  lastError: string | null;
}

/** The slot's `_id` (and the tail of its wake-ups'): the key made range-safe (`safeKey`), so due wake-ups are a tight `_id` range. */
const slotId = (kind: SubjectKind, key: string) => `${kind === 'person' ? 'p' : 'h'}:${safeKey(key)}`;

/** The pending wake-up of a set of wakes: the earliest instant and the reasons due then. */
function earliest(kind: SubjectKind, key: string, wakes: Partial<Record<WakeReason, string>>): WakeupDocument | null {
  const entries = Object.entries(wakes) as [WakeReason, string][];
  if (entries.length === 0) return null;
  const dueAt = entries.reduce((min, [, at]) => (at < min ? at : min), entries[0]?.[1] ?? '');
  return { _id: `${dueAt}|${slotId(kind, key)}`, kind, key, dueAt, reasons: entries.filter(([, at]) => at === dueAt).map(([reason]) => reason).sort() };
}

const sameWakes = (a: Partial<Record<WakeReason, string>>, b: Partial<Record<WakeReason, string>>): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<WakeReason>;
  return [...keys].every((key) => a[key] === b[key]);
};

export class WakeupStore {
  readonly metrics: SchedulerMetrics = { planned: 0, fired: 0, passes: 0, lastError: null };
  private readonly wakeups: mongo.Collection<WakeupDocument>;
  private readonly slots: mongo.Collection<WakeupSlotDocument>;

  constructor(connection: Connection) {
    this.wakeups = connection.collection<WakeupDocument>(WAKEUPS);
    this.slots = connection.collection<WakeupSlotDocument>(WAKEUP_SLOTS);
  }

  /** Every slot (a batch re-screen plans against them all, read once). */
  async allSlots(): Promise<Map<string, WakeupSlotDocument>> {
    const out = new Map<string, WakeupSlotDocument>();
    for await (const slot of this.slots.find({})) out.set(slot._id, slot);
    return out;
  }

  /**
   * Records the wakes just computed for some subjects (each replacing what it had). Writes only
   * where they changed: the new wake-up first, then the slot, then the old wake-up removed — a crash
   * in between leaves an extra wake-up (one more evaluation), never a missing one.
   */
  async plan(subjects: readonly SubjectWakes[], known?: ReadonlyMap<string, WakeupSlotDocument>): Promise<number> {
    if (subjects.length === 0) return 0;
    const latest = new Map<string, SubjectWakes>();
    for (const subject of subjects) latest.set(slotId(subject.kind, subject.key), subject);
    let slots = known;
    if (slots === undefined) {
      const found = new Map<string, WakeupSlotDocument>();
      const ids = [...latest.keys()];
      for (let start = 0; start < ids.length; start += 1_000) {
        for (const slot of await this.slots.find({ _id: { $in: ids.slice(start, start + 1_000) } }).toArray()) found.set(slot._id, slot);
      }
      slots = found;
    }
    const inserts: WakeupDocument[] = [];
    const slotWrites: mongo.AnyBulkWriteOperation<WakeupSlotDocument>[] = [];
    const removed: string[] = [];
    for (const [id, subject] of latest) {
      const slot = slots.get(id);
      if (slot === undefined ? Object.keys(subject.wakes).length === 0 : sameWakes(slot.wakes, subject.wakes)) continue;
      const next = earliest(subject.kind, subject.key, subject.wakes);
      if (next !== null && next._id !== slot?.wakeupId) inserts.push(next);
      if (slot?.wakeupId !== undefined && slot.wakeupId !== null && slot.wakeupId !== next?._id) removed.push(slot.wakeupId);
      slotWrites.push(next === null
        ? { deleteOne: { filter: { _id: id } } }
        : { replaceOne: { filter: { _id: id }, replacement: { wakeupId: next._id, wakes: { ...subject.wakes } }, upsert: true } });
    }
    // Already there (a repeated plan after a crash): what is wanted is there.
    await insertNew(this.wakeups, inserts);
    await bulkWriteAll(this.slots, slotWrites);
    if (removed.length > 0) await this.wakeups.deleteMany({ _id: { $in: removed } });
    this.metrics.planned += inserts.length;
    return inserts.length;
  }

  /** The wake-ups due at `now`, oldest first (one `_id` range). */
  due(now: Date, limit: number): Promise<WakeupDocument[]> {
    // Two bounds and the safe-range comment: FerretDB reads only the due ones from its index (one bound scans).
    return this.wakeups.find({ _id: { $gte: '0', $lte: `${now.toISOString()}|~` } }, { comment: SAFE_ID_RANGE }).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** Removes wake-ups that ran; a slot still naming one is left to the next plan (it names the past). */
  async done(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.wakeups.deleteMany({ _id: { $in: [...ids] } });
    this.metrics.fired += ids.length;
  }

  pending(): Promise<number> {
    return this.wakeups.countDocuments({});
  }
}

export interface SchedulerOptions {
  readonly store: WakeupStore;
  /** Evaluates the subjects (time changed) and plans their next wakes; resolves when stored. */
  readonly evaluate: (due: readonly WakeupDocument[]) => Promise<void>;
  readonly now: () => Date;
  /** How often it looks for due wake-ups (ms). */
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
}

/** Runs the due wake-ups: at start (those missed while nothing ran), then every `intervalMs`. */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {}

  get metrics(): SchedulerMetrics {
    return this.options.store.metrics;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** Runs every wake-up due now (in batches); returns how many ran. */
  runDue(): Promise<number> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    const { store, evaluate, now, batchSize = 500 } = this.options;
    let ran = 0;
    store.metrics.passes += 1;
    for (;;) {
      const due = await store.due(now(), batchSize);
      if (due.length === 0) return ran;
      await evaluate(due);
      await store.done(due.map((item) => item._id));
      ran += due.length;
      if (due.length < batchSize || this.stopped) return ran;
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.runDue();
      this.options.store.metrics.lastError = null;
    } catch (error) {
      this.options.store.metrics.lastError = error instanceof Error ? error.message : String(error);
      this.options.onError?.(error);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.options.intervalMs ?? 30_000);
      this.timer.unref();
    }
  }
}
