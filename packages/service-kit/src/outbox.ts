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
import type { Connection, mongo } from 'mongoose';

type Collection = mongo.Collection;
type Filter<T extends mongo.Document> = mongo.Filter<T>;
type Document = mongo.Document;
type AnyBulkWriteOperation = mongo.AnyBulkWriteOperation;

/** Updates per bulkWrite (FerretDB v1 stops answering at about 200 in one call). */
const BULK_CHUNK = 20;
import type { Logger } from 'pino';

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
  /** Poll interval when idle (writes `nudge()` the relay, so this is only the safety net). */
  readonly intervalMs?: number;
  /** Documents per collection per pass. */
  readonly batchSize?: number;
  /** Delay after a failed pass, doubling up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface OutboxRelayMetrics {
  published: number;
  passes: number;
  failures: number;
  lastError: string | undefined;
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

export class OutboxRelay {
  readonly metrics: OutboxRelayMetrics = { published: 0, passes: 0, failures: 0, lastError: undefined };
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private nudges = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.intervalMs = options.intervalMs ?? 500;
    this.batchSize = options.batchSize ?? 100;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  /** Starts relaying in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Runs a pass soon (call after a write that appended events). */
  nudge(): void {
    this.nudges += 1;
    this.wake?.();
  }

  /** Relays until no document has pending events (tests, and shutdown). Returns events published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.pass();
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

  /** Read through a method: the flag changes while `run` awaits, which narrowing cannot see. */
  private isRunning(): boolean {
    return this.running;
  }

  private async run(): Promise<void> {
    let backoff = this.initialBackoffMs;
    while (this.isRunning()) {
      let delay = this.intervalMs;
      try {
        const nudgesBefore = this.nudges;
        const published = await this.pass();
        backoff = this.initialBackoffMs;
        if (published > 0 || this.nudges !== nudgesBefore) delay = 0;
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

  /** One pass over every collection: publish what is pending, then remove what was published. */
  async pass(): Promise<number> {
    this.metrics.passes += 1;
    let published = 0;
    for (const name of this.options.collections) {
      const collection = this.options.connection.collection(name);
      const documents = await collection
        .find({ [OUTBOX_PENDING_FIELD]: true }, { projection: { [OUTBOX_FIELD]: 1 } })
        .limit(this.batchSize)
        .toArray();
      if (documents.length === 0) continue;
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
      await this.options.publisher.publishPrepared(batch.flatMap((document) => document.entries));
      await this.removePublished(collection, batch);
      const count = batch.reduce((sum, document) => sum + document.entries.length, 0);
      published += count;
      this.metrics.published += count;
    }
    return published;
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
   * the array is empty at that moment.
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
    for (const [length, group] of byLength) {
      await collection.updateMany(
        { _id: { $in: group.map((document) => document.id) }, [OUTBOX_FIELD]: { $size: length }, [`${OUTBOX_FIELD}.0.eventId`]: { $in: group.map((document) => document.head) } } as Filter<Document>,
        { $set: { [OUTBOX_FIELD]: [], [OUTBOX_PENDING_FIELD]: false } },
      );
    }
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
