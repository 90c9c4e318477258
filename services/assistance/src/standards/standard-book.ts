/**
 * The standard versions in force, read from the `standards` collection. The set is small (tens of
 * versions), so it is read whole and kept for a few seconds; a version published through this
 * process is visible at once, one published through another instance within `ttlMs`.
 */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields } from '@minzheng/service-kit/outbox';
import type { Connection, Model } from 'mongoose';
import type { StandardVersion } from '../domain/standards.js';
import type { OutboxNudge } from '@minzheng/service-kit/repository';
import { standardModel, type StoredStandard } from './standard.schema.js';

export class StandardBook {
  private readonly model: Model<StoredStandard>;
  private cache: { readonly at: number; readonly versions: readonly StandardVersion[] } | undefined;

  constructor(
    connection: Connection,
    private readonly nudge: OutboxNudge = () => undefined,
    private readonly ttlMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.model = standardModel(connection);
  }

  get collectionName(): string {
    return this.model.collection.collectionName;
  }

  /** Every version, oldest first per program and region. */
  async versions(): Promise<readonly StandardVersion[]> {
    if (this.cache !== undefined && this.clock() - this.cache.at < this.ttlMs) return this.cache.versions;
    const stored = await this.model.find({}).select('-outbox').sort({ program: 1, regionCode: 1, effectiveFrom: 1 }).lean<StoredStandard[]>();
    const versions = stored.map((version) => version.definition);
    this.cache = { at: this.clock(), versions };
    return versions;
  }

  async list(filter: Readonly<Record<string, string>>): Promise<StoredStandard[]> {
    return this.model.find(filter).select('-outbox').sort({ program: 1, regionCode: 1, effectiveFrom: 1 }).lean<StoredStandard[]>();
  }

  /** Stores a new version with its event; a duplicate id throws the driver's duplicate-key error. */
  async insert(version: Omit<StoredStandard, 'outbox' | 'outboxPending'>, events: readonly PreparedEvent[]): Promise<void> {
    await this.model.create({ ...version, ...outboxFields(events) });
    this.cache = undefined;
    if (events.length > 0) this.nudge({ collection: this.collectionName, ids: [version._id] });
  }

  async ids(): Promise<Set<string>> {
    const stored = await this.model.find({}).select({ _id: 1 }).lean<{ _id: string }[]>();
    return new Set(stored.map((version) => version._id));
  }
}
