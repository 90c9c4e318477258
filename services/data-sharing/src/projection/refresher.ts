/**
 * Keeps the subject summaries (`persons`, `households`: what search and statistics read) in step
 * with the contributions. It takes the dirty markers the projector wrote, reads each marked
 * subject's contributions (one `_id` range: FerretDB patch 0003 pushes it down to the index),
 * aggregates them, and replaces the summary unless a summary computed from as many or more
 * contributions is already there (two refreshers never put an older one back). Then it removes exactly the markers
 * it handled: a marker written meanwhile (a newer event) stays for the next pass.
 *
 * A subject marked by many events in a row is recomputed once per pass, not once per event.
 */
import { bulkWriteAll } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import { SAFE_ID_RANGE, aggregate, subjectPrefix, summaryDocument, type SubjectSummaryDocument } from './fold.js';
import type { StoredContribution, SubjectKind } from './model.js';
import type { Precedence } from './precedence.js';
import { CONTRIBUTIONS, DIRTY, SUMMARIES, type DirtyMarker } from './projector.js';

export interface RefresherOptions {
  /** Markers taken per pass. */
  readonly batch?: number;
  /** Subjects read at once. */
  readonly concurrency?: number;
  /** Pause when nothing is marked. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Called after the summaries of a pass are written and before its markers go, with each
   * refreshed subject and the event types that changed it (the 政策找人 screener). A failure fails
   * the pass: its markers stay, and the next pass refreshes and hands them over again.
   */
  readonly onRefreshed?: (subjects: readonly { kind: SubjectKind; key: string; changed: ReadonlySet<string> }[]) => Promise<unknown>;
}

/** The event type a stored contribution came from. */
const eventTypeOf = (item: StoredContribution): string | undefined => item.timeline?.eventType ?? item.facts[0]?.eventType ?? item.enrolments[0]?.eventType ?? item.composition?.eventType;

export interface RefresherMetrics {
  passes: number;
  subjectsRefreshed: number;
  markersTaken: number;
  /** The last pass's failure, if any (it is retried at the next pass). */
  lastError: string | null;
}

/** Reads all of a subject's contributions. */
export async function subjectContributions(collection: mongo.Collection<StoredContribution>, kind: SubjectKind, key: string): Promise<StoredContribution[]> {
  const prefix = subjectPrefix(kind, key);
  return collection.find({ _id: { $gte: prefix, $lt: `${prefix}~` } }, { comment: SAFE_ID_RANGE }).toArray();
}

export class SummaryRefresher {
  readonly metrics: RefresherMetrics = { passes: 0, subjectsRefreshed: 0, markersTaken: 0, lastError: null };
  private readonly contributions: mongo.Collection<StoredContribution>;
  private readonly dirty: mongo.Collection<DirtyMarker>;
  private readonly summaries: Readonly<Record<SubjectKind, mongo.Collection<SubjectSummaryDocument>>>;
  private running = false;
  /** A pass in flight (its markers are deleted only at its end). */
  private inPass = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    connection: Connection,
    private readonly precedence: Precedence,
    private readonly options: RefresherOptions = {},
  ) {
    this.contributions = connection.collection<StoredContribution>(CONTRIBUTIONS);
    this.dirty = connection.collection<DirtyMarker>(DIRTY);
    this.summaries = { person: connection.collection<SubjectSummaryDocument>(SUMMARIES.person), household: connection.collection<SubjectSummaryDocument>(SUMMARIES.household) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Ends the pause: there is work (the projector just wrote). */
  nudge(): void {
    this.wake?.();
  }

  /** The markers waiting (for readiness and progress). */
  backlog(): Promise<number> {
    return this.dirty.countDocuments();
  }

  /** Resolves when no subject is marked (every summary is current). */
  async idle(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inPass || (await this.dirty.countDocuments()) > 0) {
      if (Date.now() > deadline) throw new Error(`summaries not refreshed within ${String(timeoutMs)} ms (${String(await this.dirty.countDocuments())} subjects still marked)`);
      if (!this.running) await this.pass();
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let done = 0;
      try {
        done = await this.pass();
        this.metrics.lastError = null;
      } catch (error) {
        this.metrics.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
      }
      if (done === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs ?? 200);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** One pass: up to `batch` markers. Returns how many markers it took (0: nothing to do now). */
  async pass(): Promise<number> {
    this.inPass = true;
    try {
      return await this.passOnce();
    } finally {
      this.inPass = false;
    }
  }

  private async passOnce(): Promise<number> {
    this.metrics.passes += 1;
    const markers = await this.dirty.find({}).limit(this.options.batch ?? 2_000).toArray();
    if (markers.length === 0) return 0;
    const subjects = new Map<string, { kind: SubjectKind; key: string }>();
    for (const marker of markers) subjects.set(`${marker.kind}\u0000${marker.key}`, { kind: marker.kind, key: marker.key });
    const list = [...subjects.values()];
    const documents: { kind: SubjectKind; document: SubjectSummaryDocument }[] = [];
    const markerIds = new Set(markers.map((marker) => marker._id));
    const changes: { kind: SubjectKind; key: string; changed: Set<string> }[] = [];
    /** Markers whose event is in what was read (a marker is written just before its contribution). */
    const covered = new Set<string>();
    const concurrency = this.options.concurrency ?? 8;
    for (let start = 0; start < list.length; start += concurrency) {
      await Promise.all(
        list.slice(start, start + concurrency).map(async ({ kind, key }) => {
          const stored = await subjectContributions(this.contributions, kind, key);
          const changed = new Set<string>();
          for (const item of stored) {
            const id = `${subjectPrefix(kind, key)}${item.eventId}`;
            covered.add(id);
            const type = markerIds.has(id) ? eventTypeOf(item) : undefined;
            if (type !== undefined) changed.add(type);
          }
          if (stored.length > 0) changes.push({ kind, key, changed });
          if (stored.length > 0) documents.push({ kind, document: summaryDocument(aggregate(kind, key, stored, this.precedence), this.precedence) });
        }),
      );
    }
    for (const kind of ['person', 'household'] as const) {
      const writes = documents.filter((item) => item.kind === kind).map(({ document }) => ({ replaceOne: { filter: { _id: document._id, contributions: { $lt: document.contributions } }, replacement: document, upsert: true } }));
      // Guarded: only a summary of fewer contributions is replaced (one statement, never a moment
      // without the summary); two refreshers never put an older one back. A summary from as many
      // or more contributions is there already when the upsert meets its `_id` (a duplicate).
      await bulkWriteAll(this.summaries[kind], writes);
    }
    if (this.options.onRefreshed !== undefined && changes.length > 0) await this.options.onRefreshed(changes);
    // A marker whose contribution was not there yet stays for the next pass.
    const taken = markers.filter((marker) => covered.has(marker._id)).map((marker) => marker._id);
    // In lists of 1,000: FerretDB pushes `$in` down to the index up to that length (patch 0001).
    for (let start = 0; start < taken.length; start += 1_000) await this.dirty.deleteMany({ _id: { $in: taken.slice(start, start + 1_000) } });
    this.metrics.subjectsRefreshed += documents.length;
    this.metrics.markersTaken += taken.length;
    return taken.length;
  }
}
