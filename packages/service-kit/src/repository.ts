/**
 * The one repository shape of every service: reads take the caller's jurisdiction (a region-code
 * prefix; a record outside it is "not found"), writes carry their events into the document's
 * outbox in the same single-document write, and updates use optimistic concurrency on `version`.
 * Repositories return plain objects (`lean`), never mongoose documents.
 *
 * Each service names its own codes for "not found" and "changed meanwhile" (`ASSIST_NOT_FOUND`,
 * `ELDER_NOT_FOUND`, ...), so its README lists every code it answers with.
 */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import type { Model, mongo } from 'mongoose';
import { ServiceError } from './errors.js';
import { outboxFields, withOutbox, type OutboxEntry } from './outbox.js';

/** A page as every list route takes it. */
export interface Page {
  readonly page: number;
  readonly pageSize: number;
}

export interface PageResult<T> {
  readonly items: T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

/**
 * A region-code prefix as a range (`442000100` matches `442000100000`..`442000100999`), which
 * uses the region index on MongoDB and FerretDB alike (`:` sorts right after `9`).
 */
export function regionScope(jurisdiction: string): { $gte: string; $lt: string } {
  return { $gte: jurisdiction, $lt: `${jurisdiction}:` };
}

/** MongoDB's duplicate-key error (FerretDB answers with the same code). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11_000;
}

/**
 * The positions of the duplicate-key failures of an unordered bulk write (`insertMany`,
 * `bulkWrite`); undefined when it failed otherwise, or failed for any other reason too.
 */
export function duplicateIndexes(error: unknown): Set<number> | undefined {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return undefined;
  const writeErrors: unknown = error.writeErrors;
  const list: unknown[] = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  const indexes = new Set<number>();
  for (const item of list) {
    if (typeof item !== 'object' || item === null || !('code' in item) || item.code !== 11_000 || !('index' in item) || typeof item.index !== 'number') return undefined;
    indexes.add(item.index);
  }
  return indexes;
}

/**
 * Inserts documents with one unordered `insertMany`; those whose `_id` exists already are left as
 * they are (a replay, a re-sent row). Any other failure is thrown. Returns how many were new.
 */
export async function insertNew<T extends { _id: string }>(collection: mongo.Collection<T>, documents: readonly T[]): Promise<number> {
  if (documents.length === 0) return 0;
  try {
    return (await collection.insertMany(documents as mongo.OptionalUnlessRequiredId<T>[], { ordered: false })).insertedCount;
  } catch (error) {
    const duplicates = duplicateIndexes(error);
    if (duplicates === undefined) throw error;
    return documents.length - duplicates.size;
  }
}

/** Operations per `bulkWrite` of `bulkWriteAll` (FerretDB v1 stops answering somewhere past 200). */
const WRITE_CHUNK = 100;

/**
 * Runs write operations in unordered `bulkWrite`s of at most 100, where an operation may meet a
 * duplicate key on purpose (a guarded upsert — `{_id, version: {$lt: n}}` — whose document is as
 * new already). MongoDB goes on past such a failure; FerretDB v1 stops at the first one, even
 * unordered, and leaves the rest of the call undone. So after a call that failed on duplicates,
 * the operations after the first failure (minus those reported) are sent again: every operation
 * here must be safe to run twice (a replace of the same document, a guarded upsert). Any other
 * failure is thrown. Returns how many operations met a duplicate (counting repeats on MongoDB).
 */
export async function bulkWriteAll<T extends mongo.Document>(collection: mongo.Collection<T>, operations: readonly mongo.AnyBulkWriteOperation<T>[]): Promise<number> {
  let duplicates = 0;
  for (let start = 0; start < operations.length; start += WRITE_CHUNK) {
    let pending = operations.slice(start, start + WRITE_CHUNK);
    while (pending.length > 0) {
      try {
        await collection.bulkWrite(pending, { ordered: false });
        break;
      } catch (error) {
        const failed = duplicateIndexes(error);
        if (failed === undefined || failed.size === 0) throw error;
        duplicates += failed.size;
        const first = Math.min(...failed);
        pending = pending.filter((_, index) => index > first && !failed.has(index));
      }
    }
  }
  return duplicates;
}

/**
 * The comment that tells FerretDB (our patch 0003) that every `_id` of the collection is a string of
 * printable ASCII above `"` other than `\ < > &`, so a two-sided `_id` range is read with tight
 * bounds from the index (without it, the range read is a superset — often the whole collection).
 * MongoDB ignores it. Only for collections whose ids keep that promise.
 */
export const SAFE_ID_RANGE = 'minzheng:safe-id-range';

/** Told after every write that appended events, so the outbox relay can look the document up by id. */
export type OutboxNudge = (hint: { readonly collection: string; readonly ids: readonly string[] }) => void;

/** Every aggregate a scoped repository keeps. */
export interface Scoped {
  _id: string;
  regionCode: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

export interface ScopedRepositoryOptions {
  /** For messages: 家庭, 申请, 老人, ... */
  readonly label: string;
  /** The service's codes: 404 when a record is missing or outside the jurisdiction, 409 when it changed meanwhile. */
  readonly codes: { readonly notFound: string; readonly concurrentChange: string };
  readonly nudge?: OutboxNudge;
}

export class ScopedRepository<T extends Scoped> {
  private readonly nudge: OutboxNudge;

  constructor(
    protected readonly model: Model<T>,
    protected readonly options: ScopedRepositoryOptions,
  ) {
    this.nudge = options.nudge ?? (() => undefined);
  }

  /** The collection's name (the outbox relay's list, and the nudge hint). */
  get collectionName(): string {
    return this.model.collection.collectionName;
  }

  protected written(id: string, events: readonly PreparedEvent[]): void {
    if (events.length > 0) this.nudge({ collection: this.collectionName, ids: [id] });
  }

  async insert(record: Omit<T, 'outbox' | 'outboxPending'>, events: readonly PreparedEvent[]): Promise<void> {
    // Mongoose's create() types cannot follow a generic record; the shape is T's.
    await this.model.create({ ...record, ...outboxFields(events) } as never);
    this.written(record._id, events);
  }

  async find(id: string, jurisdiction: string): Promise<T | null> {
    return this.model.findOne({ _id: id, regionCode: regionScope(jurisdiction) }).select('-outbox').lean<T>();
  }

  async get(id: string, jurisdiction: string): Promise<T> {
    const record = await this.find(id, jurisdiction);
    if (!record) {
      throw new ServiceError(this.options.codes.notFound, 404, `${this.options.label}不存在或不在管辖范围内 (${id} not found in your jurisdiction)`, {
        field: 'id',
        rule: "must name a record in the caller's jurisdiction",
        id,
      });
    }
    return record;
  }

  /**
   * Writes `update` (plus `$inc: version`) if the record is still at `version`, with `events` in its
   * outbox; a concurrent change in between is the service's 409 code, and the caller may retry.
   */
  async update(id: string, version: number, update: Record<string, unknown>, events: readonly PreparedEvent[]): Promise<void> {
    const result = await this.model.updateOne({ _id: id, version }, withOutbox({ ...update, $inc: { version: 1 } }, events));
    if (result.modifiedCount !== 1) {
      throw new ServiceError(this.options.codes.concurrentChange, 409, `${this.options.label}已被他人修改，请刷新后重试 (${id} changed meanwhile; reload and retry)`, {
        field: 'version',
        rule: 'the record must not have changed since it was read',
        id,
        version,
      });
    }
    this.written(id, events);
  }

  /** Records in the jurisdiction (narrowed by `regionCode` when given), newest first. */
  async list(jurisdiction: string, regionCode: string | undefined, filter: Record<string, unknown>, page: Page): Promise<PageResult<T>> {
    const empty = { items: [], page: page.page, pageSize: page.pageSize, total: 0 };
    let scope = jurisdiction;
    if (regionCode !== undefined) {
      if (regionCode.startsWith(jurisdiction)) scope = regionCode;
      else if (!jurisdiction.startsWith(regionCode)) return empty;
    }
    const query = { ...filter, regionCode: regionScope(scope) };
    const [total, items] = await Promise.all([
      this.model.countDocuments(query),
      this.model.find(query).select('-outbox').sort({ createdAt: -1, _id: 1 }).skip((page.page - 1) * page.pageSize).limit(page.pageSize).lean<T[]>(),
    ]);
    return { items, page: page.page, pageSize: page.pageSize, total };
  }
}
