/**
 * The one repository shape of this service: every read takes the caller's jurisdiction (a
 * region-code prefix; a record outside it is "not found"), writes carry their events into the
 * document's outbox in the same single-document write, and updates use optimistic concurrency on
 * `version`. Repositories return plain objects (`lean`), never mongoose documents.
 */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields, withOutbox, type OutboxEntry } from '@minzheng/service-kit/outbox';
import type { Model } from 'mongoose';
import { AssistanceError } from './domain/errors.js';
import { regionScope, type Page, type PageResult } from './scope.js';

export interface Scoped {
  _id: string;
  regionCode: string;
  version: number;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

/** Told after every write that appended events, so the outbox relay can look the document up by id. */
export type OutboxNudge = (hint: { readonly collection: string; readonly ids: readonly string[] }) => void;

export class ScopedRepository<T extends Scoped> {
  constructor(
    protected readonly model: Model<T>,
    /** For messages: 家庭, 申请, ... */
    private readonly label: string,
    private readonly nudge: OutboxNudge = () => undefined,
  ) {}

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
      throw new AssistanceError('ASSIST_NOT_FOUND', `${this.label}不存在或不在管辖范围内 (${id} not found in your jurisdiction)`, { field: 'id', rule: 'must name a record in the caller\'s jurisdiction', id });
    }
    return record;
  }

  /**
   * Writes `update` (plus `$inc: version`) if the record is still at `version`, with `events` in its
   * outbox; a concurrent change in between is ASSIST_CONCURRENT_CHANGE (409), and the caller may retry.
   */
  async update(id: string, version: number, update: Record<string, unknown>, events: readonly PreparedEvent[]): Promise<void> {
    const result = await this.model.updateOne({ _id: id, version }, withOutbox({ ...update, $inc: { version: 1 } }, events));
    if (result.modifiedCount !== 1) {
      throw new AssistanceError('ASSIST_CONCURRENT_CHANGE', `${this.label}已被他人修改，请刷新后重试 (${id} changed meanwhile; reload and retry)`, { field: 'version', rule: 'the record must not have changed since it was read', id, version });
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
