/**
 * The transactional outbox, on MongoDB and on FerretDB v1 alike. FerretDB v1 has no
 * multi-document transactions, so the outbox lives INSIDE the aggregate's document: the use case
 * writes the state change and appends the prepared events (`withOutbox` / `outboxFields`) in ONE
 * single-document write, which both stores make atomic. Either both happen or neither does.
 *
 * The relay finds documents flagged `outboxPending`, publishes their events in array order (per
 * key, Kafka keeps that order), and only then removes exactly the events it published. A crash
 * after the publish and before the removal publishes those events again with the same event ids,
 * which consumers skip (they are idempotent by event id): "each event once, in effect". A crash
 * before the publish loses nothing, since the events are still in the document.
 *
 * It finds those documents two ways: by `_id`, for the ones a writer named in
 * `nudge({ collection, ids })`; and by full scans, the safety net for what nobody named (a
 * process that stopped before relaying, a writer that nudges without ids), run at the first pass,
 * on a nudge without ids, and otherwise every `scanIntervalMs`. On FerretDB v1 a scan reads every
 * document of the collection, so the hinted path keeps scans rare.
 *
 * The stored events are already validated, encrypted and encoded (`EventPublisher.prepare`): an
 * invalid event fails the use case before anything is written, and no personal field sits in the
 * outbox in clear.
 *
 * Ordering holds per document. Events of two documents with the same key (say a household and one
 * of its applications) may interleave; consumers are built to be order-independent (see the
 * architecture notes). Run one relay per service database; two relays stay correct (duplicates are
 * skipped) but may interleave a document's events.
 */
import type { EventPublisher, PreparedEvent } from '@minzheng/event-bus/publisher';
import { mongo, type Connection } from 'mongoose';
import type { Logger } from 'pino';

type Collection = mongo.Collection;
type Filter<T extends mongo.Document> = mongo.Filter<T>;
type Document = mongo.Document;
type Stored = mongo.WithId<Document>;
type AnyBulkWriteOperation = mongo.AnyBulkWriteOperation;

/** Updates per bulkWrite (FerretDB v1 stops answering at about 200 in one call). */
const BULK_CHUNK = 20;
/** `_id` lookups of hinted documents in flight at once. */
const LOOKUP_CONCURRENCY = 8;

/** The outbox fields every aggregate document with events carries. */
export const OUTBOX_FIELD = 'outbox';
export const OUTBOX_PENDING_FIELD = 'outboxPending';

/** A prepared event as stored in a document's outbox. */
export interface OutboxEntry extends PreparedEvent {
  readonly createdAt: Date;
}

function entriesOf(events: readonly PreparedEvent[], now: Date): OutboxEntry[] {
  return events.map((event) => ({
    eventId: event.eventId,
    eventType: event.eventType,
    topic: event.topic,
    key: event.key,
    bytes: event.bytes,
    // Header names contain no `.` and no leading `$`, which both stores require of keys.
    headers: { ...event.headers },
    createdAt: now,
  }));
}

/** The fields of a NEW document that carries `events` in its outbox. */
export function outboxFields(events: readonly PreparedEvent[], now = new Date()): { outbox: OutboxEntry[]; outboxPending: boolean } {
  return { outbox: entriesOf(events, now), outboxPending: events.length > 0 };
}

type Update = Record<string, unknown> & { $set?: Record<string, unknown>; $push?: Record<string, unknown> };

/** `update` plus appending `events` to the document's outbox, in the same single-document write. */
export function withOutbox(update: Update, events: readonly PreparedEvent[], now = new Date()): Update {
  if (events.length === 0) return update;
  return {
    ...update,
    $set: { ...update.$set, [OUTBOX_PENDING_FIELD]: true },
    $push: { ...update.$push, [OUTBOX_FIELD]: { $each: entriesOf(events, now) } },
  };
}

/** Mongoose schema fields for the outbox (spread into an aggregate's schema definition). */
export const outboxSchemaFields = {
  [OUTBOX_FIELD]: { type: [Object], default: [] },
  // The relay's query; one index per collection with an outbox.
  [OUTBOX_PENDING_FIELD]: { type: Boolean, default: false, index: true },
} as const;

export interface OutboxRelayOptions {
  readonly connection: Connection;
  /** Collections whose documents carry an outbox. */
  readonly collections: readonly string[];
  readonly publisher: EventPublisher<object>;
  readonly logger?: Logger;
  /**
   * Longest idle wait between passes (default 500 ms). A nudge ends the wait at once, and an idle
   * pass with no hinted ids and no scan due sends no query, so this only bounds how late the loop
   * notices hinted work it was not woken for, or a scan falling due.
   */
  readonly intervalMs?: number;
  /**
   * Full scans (`outboxPending: true` over a whole collection) run at the first pass, after a
   * nudge without a hint, and otherwise at most this often (default 5,000 ms). They are the
   * safety net for documents nobody hinted: left by a process that stopped before relaying, or
   * written by a writer that does not pass ids to `nudge`.
   */
  readonly scanIntervalMs?: number;
  /** Hinted ids remembered at most (default 10,000); past that, the hints give way to one full scan. */
  readonly maxHintedIds?: number;
  /** Documents per collection per scan, and per `_id` lookup round of hinted documents. */
  readonly batchSize?: number;
  /** Delay after a failed pass, doubling up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** The documents a write just gave events, so the relay looks them up by `_id` instead of scanning. */
export interface OutboxHint {
  readonly collection: string;
  readonly ids: readonly unknown[];
}

export interface OutboxRelayMetrics {
  published: number;
  passes: number;
  failures: number;
  lastError: string | undefined;
  /** Full-scan queries answered (one per collection per scanning pass). */
  scans: number;
  /** Hinted ids waiting for the next pass. */
  hinted: number;
  /** Times the hints were dropped for a full scan because more than `maxHintedIds` were waiting. */
  hintOverflows: number;
}

interface StoredEntry {
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  bytes: unknown;
  headers: Record<string, string>;
}

/** BSON binary as read back by the driver (or a Buffer when the driver returns one). */
function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: unknown; value?: () => unknown };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.buffer.byteLength);
  throw new Error('outbox entry without bytes');
}

/**
 * The key of a hinted id: its extended-JSON form, so two ObjectId instances of one value (the
 * caller's and the one read back) are one key, and the string "1" and the number 1 are two.
 */
function idKey(id: unknown): string {
  return mongo.BSON.EJSON.stringify({ id });
}

export class OutboxRelay {
  readonly metrics: OutboxRelayMetrics = { published: 0, passes: 0, failures: 0, lastError: undefined, scans: 0, hinted: 0, hintOverflows: 0 };
  private readonly intervalMs: number;
  private readonly scanIntervalMs: number;
  private readonly maxHintedIds: number;
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private nudges = 0;
  /** Per collection, the hinted ids waiting for a pass, by `idKey`, in the order they were hinted. */
  private readonly hints: ReadonlyMap<string, Map<string, unknown>>;
  /** Collections due a full scan. */
  private readonly scansDue: Set<string>;
  /** When the last scan started (`performance.now()`). */
  private lastScanAt: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.intervalMs = options.intervalMs ?? 500;
    this.scanIntervalMs = options.scanIntervalMs ?? 5_000;
    this.maxHintedIds = options.maxHintedIds ?? 10_000;
    this.batchSize = options.batchSize ?? 100;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.hints = new Map(options.collections.map((name) => [name, new Map<string, unknown>()]));
    // The first pass scans: what an earlier process left pending was hinted to nobody.
    this.scansDue = new Set(options.collections);
    this.lastScanAt = performance.now();
  }

  /** Starts relaying in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Runs a pass soon; call it after a write that appended events. With a hint, the pass looks up
   * those documents by `_id`; without one, it scans every collection for pending documents.
   */
  nudge(hint?: OutboxHint): void {
    this.nudges += 1;
    if (hint === undefined) {
      this.requestScan();
    } else {
      const hinted = this.hints.get(hint.collection);
      if (hinted === undefined) {
        // A collection the relay does not watch: a scan costs a little; throwing would fail a
        // request whose write has already happened.
        this.options.logger?.warn({ collection: hint.collection }, 'outbox: nudged for a collection the relay does not watch; scanning instead');
        this.requestScan();
      } else {
        for (const id of hint.ids) hinted.set(idKey(id), id);
        this.boundHints();
      }
    }
    this.wake?.();
  }

  /** Relays until no document has pending events (tests, and shutdown). Returns events published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      // Every drain pass scans: hints cover only what this process wrote and nudged.
      const published = await this.relayPass(true);
      total += published;
      if (published === 0) return total;
    }
  }

  /** Stops the loop after the current pass; then relays what is left once. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.drain().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'outbox: final drain failed; the events stay in the outbox'));
  }

  /**
   * One pass: the hinted documents of every collection, then a full scan of the collections due
   * one (see `scanIntervalMs`). Returns the events published.
   */
  async pass(): Promise<number> {
    return this.relayPass(false);
  }

  /** Read through a method: the flag changes while `run` awaits, which narrowing cannot see. */
  private isRunning(): boolean {
    return this.running;
  }

  private async run(): Promise<void> {
    let backoff = this.initialBackoffMs;
    while (this.isRunning()) {
      let delay: number;
      try {
        const nudgesBefore = this.nudges;
        const published = await this.pass();
        backoff = this.initialBackoffMs;
        // Go again at once while there may be more: something was published, a nudge came in
        // during the pass, or a scan found a full batch. Otherwise sleep until the next poll or
        // the next scan, whichever is sooner.
        delay = published > 0 || this.nudges !== nudgesBefore || this.scansDue.size > 0 ? 0 : Math.min(this.intervalMs, this.untilScanDue());
      } catch (error) {
        this.metrics.failures += 1;
        this.metrics.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger?.error({ err: error, retryInMs: backoff }, 'outbox: relay pass failed; retrying');
        delay = backoff;
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
      // Wait, unless stopped or nudged meanwhile (`stop` and `nudge` resolve the wait early).
      if (delay > 0 && this.isRunning()) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, delay);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    }
  }

  private untilScanDue(): number {
    return Math.max(0, this.lastScanAt + this.scanIntervalMs - performance.now());
  }

  private requestScan(): void {
    for (const name of this.options.collections) this.scansDue.add(name);
  }

  /** Past `maxHintedIds` waiting ids, one scan is cheaper than that many lookups, and memory stays bounded. */
  private boundHints(): void {
    let waiting = 0;
    for (const hinted of this.hints.values()) waiting += hinted.size;
    if (waiting > this.maxHintedIds) {
      for (const hinted of this.hints.values()) hinted.clear();
      this.metrics.hintOverflows += 1;
      this.options.logger?.warn({ hinted: waiting, maxHintedIds: this.maxHintedIds }, 'outbox: too many hinted documents waiting; dropping the hints for a full scan');
      this.requestScan();
      waiting = 0;
    }
    this.metrics.hinted = waiting;
  }

  private async relayPass(scanAll: boolean): Promise<number> {
    this.metrics.passes += 1;
    let published = 0;
    for (const name of this.options.collections) published += await this.relayHinted(name);
    if (scanAll || this.untilScanDue() === 0) this.requestScan();
    if (this.scansDue.size === 0) return published;
    this.lastScanAt = performance.now();
    for (const name of this.options.collections) {
      if (!this.scansDue.delete(name)) continue;
      try {
        const scanned = await this.relayScan(name);
        published += scanned.published;
        // A full batch may have left more behind: that collection is scanned again next pass.
        if (scanned.full) this.scansDue.add(name);
      } catch (error) {
        // The collections not scanned yet are still due; so is this one, for the retry.
        this.scansDue.add(name);
        throw error;
      }
    }
    return published;
  }

  /** The hinted documents of one collection, looked up by `_id` in rounds of `batchSize`. */
  private async relayHinted(name: string): Promise<number> {
    const hinted = this.hints.get(name);
    if (hinted === undefined || hinted.size === 0) return 0;
    const collection = this.options.connection.collection(name);
    const waiting = [...hinted];
    let published = 0;
    for (let start = 0; start < waiting.length; start += this.batchSize) {
      const round = waiting.slice(start, start + this.batchSize);
      // Taken out before the lookup: an id hinted again meanwhile (its document got more events
      // after the lookup read it) stays remembered for the next pass.
      for (const [key] of round) hinted.delete(key);
      this.boundHints();
      try {
        const documents = await this.lookUp(collection, round.map(([, id]) => id));
        // Hinted documents no longer pending (already relayed, or removed) are simply forgotten.
        published += await this.relay(collection, documents);
      } catch (error) {
        // Put the round back in front, for the retry after the back-off.
        const later = [...hinted];
        hinted.clear();
        for (const [key, id] of [...round, ...later]) hinted.set(key, id);
        this.boundHints();
        throw error;
      }
    }
    return published;
  }

  /**
   * The pending documents among `ids`, in the order of `ids`. One `find({ _id })` per id, a few
   * at a time: FerretDB v1 on SQLite pushes down only a filter that is exactly
   * `{ _id: <string or ObjectId> }`; `{ _id: { $in } }` or a second condition such as
   * `outboxPending` makes it read and decode every document of the collection, which is the scan
   * this path is meant to avoid. So the pending flag is checked here, not in the filter.
   */
  private async lookUp(collection: Collection, ids: readonly unknown[]): Promise<Stored[]> {
    const found: (Stored | null)[] = ids.map(() => null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const index = next;
        next += 1;
        found[index] = await collection.findOne({ _id: ids[index] } as Filter<Document>, { projection: { [OUTBOX_FIELD]: 1, [OUTBOX_PENDING_FIELD]: 1 } });
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, ids.length) }, worker));
    return found.filter((document): document is Stored => document !== null && document[OUTBOX_PENDING_FIELD] === true);
  }

  /** One full scan of a collection: up to `batchSize` pending documents. */
  private async relayScan(name: string): Promise<{ published: number; full: boolean }> {
    const collection = this.options.connection.collection(name);
    const documents = await collection
      .find({ [OUTBOX_PENDING_FIELD]: true }, { projection: { [OUTBOX_FIELD]: 1 } })
      .limit(this.batchSize)
      .toArray();
    this.metrics.scans += 1;
    return { published: await this.relay(collection, documents), full: documents.length === this.batchSize };
  }

  /** Publishes the documents' events in order, then removes what was published. */
  private async relay(collection: Collection, documents: readonly Stored[]): Promise<number> {
    if (documents.length === 0) return 0;
    const batch = documents.map((document) => ({
      id: document._id,
      entries: ((document[OUTBOX_FIELD] ?? []) as StoredEntry[]).map((entry) => ({
        eventId: entry.eventId,
        eventType: entry.eventType,
        topic: entry.topic,
        key: entry.key,
        bytes: bytesOf(entry.bytes),
        headers: entry.headers,
      })),
    }));
    const entries = batch.flatMap((document) => document.entries);
    if (entries.length > 0) await this.options.publisher.publishPrepared(entries);
    await this.removePublished(collection, batch);
    this.metrics.published += entries.length;
    return entries.length;
  }

  /**
   * Removes exactly what was published; events appended meanwhile stay. Appends go to the end, so
   * the published events are each array's head.
   *
   * Fast path: documents whose array still holds exactly what was published (same length, head
   * among the published heads; event ids are unique) are emptied and unflagged with one
   * `updateMany` per array length. The rest gained events meanwhile: their published events are
   * popped off the head, each pop only if the head is the event just published (compare-and-pop),
   * so a second relay can never make one pop an unpublished event; the flag goes down only when
   * the array is empty at that moment. When the fast path matched every document, nothing is
   * left for the second step and its query is skipped.
   *
   * FerretDB v1 findings this shape avoids: a `$pull` condition is matched against whole elements
   * (a `$pull` by event id silently removes nothing), and a `bulkWrite` of about 200 updates stops
   * the server answering (40 are fine), so bulk writes go in chunks of `BULK_CHUNK`.
   */
  private async removePublished(collection: Collection, batch: readonly { id: unknown; entries: readonly { eventId: string }[] }[]): Promise<void> {
    const byLength = new Map<number, { id: unknown; head: string }[]>();
    for (const document of batch) {
      const head = document.entries[0]?.eventId;
      if (head === undefined) continue;
      const group = byLength.get(document.entries.length) ?? [];
      group.push({ id: document.id, head });
      byLength.set(document.entries.length, group);
    }
    let cleared = 0;
    for (const [length, group] of byLength) {
      const result = await collection.updateMany(
        { _id: { $in: group.map((document) => document.id) }, [OUTBOX_FIELD]: { $size: length }, [`${OUTBOX_FIELD}.0.eventId`]: { $in: group.map((document) => document.head) } } as Filter<Document>,
        { $set: { [OUTBOX_FIELD]: [], [OUTBOX_PENDING_FIELD]: false } },
      );
      cleared += result.matchedCount;
    }
    // Every document took the fast path: none is left to pop, so skip the check below (on
    // FerretDB v1 it reads the whole collection). A document with no events never counts here,
    // so one left flagged with an empty outbox still gets its flag lowered below.
    if (cleared === batch.length) return;
    const remaining = await collection.find({ _id: { $in: batch.map((document) => document.id) }, [OUTBOX_PENDING_FIELD]: true } as Filter<Document>, { projection: { _id: 1 } }).toArray();
    const left = new Set(remaining.map((document) => String(document._id)));
    const operations = batch
      .filter((document) => left.has(String(document.id)))
      .flatMap((document) => [
        ...document.entries.map((entry) => ({
          updateOne: { filter: { _id: document.id, [`${OUTBOX_FIELD}.0.eventId`]: entry.eventId }, update: { $pop: { [OUTBOX_FIELD]: -1 } } },
        })),
        { updateOne: { filter: { _id: document.id, [OUTBOX_FIELD]: { $size: 0 }, [OUTBOX_PENDING_FIELD]: true }, update: { $set: { [OUTBOX_PENDING_FIELD]: false } } } },
      ]);
    for (let start = 0; start < operations.length; start += BULK_CHUNK) {
      // The driver's filter types do not follow computed field names; the shapes are plain updateOne ops.
      await collection.bulkWrite(operations.slice(start, start + BULK_CHUNK) as unknown as AnyBulkWriteOperation[], { ordered: true });
    }
  }
}
