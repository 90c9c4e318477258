/**
 * Devices, device batches and their claims. Reads that device ingestion repeats for every batch
 * (device → elder) go through a small time-bounded cache, so a batch costs two writes and, for
 * devices seen in the last `cacheTtlMs`, no read.
 */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields } from '@minzheng/service-kit/outbox';
import { isDuplicateKey, type OutboxNudge, duplicateIndexes } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import { CLAIMS_COLLECTION, deviceBatchModel, type StoredClaim, type StoredDeviceBatch } from './device-batch.schema.js';
import { deviceModel, type StoredDevice } from './device.schema.js';

/** A tiny TTL cache (insertion-ordered Map; the oldest entries go first when full). */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until < performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until: performance.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class DeviceRepository {
  private readonly devices: TtlCache<StoredDevice | null>;
  private readonly claims: mongo.Collection<StoredClaim>;

  constructor(
    private readonly connection: Connection,
    private readonly nudge: OutboxNudge = () => undefined,
    cacheTtlMs = 30_000,
  ) {
    this.devices = new TtlCache(cacheTtlMs);
    this.claims = connection.collection<StoredClaim>(CLAIMS_COLLECTION);
  }

  get batchCollectionName(): string {
    return deviceBatchModel(this.connection).collection.collectionName;
  }

  get deviceCollectionName(): string {
    return deviceModel(this.connection).collection.collectionName;
  }

  /** Binds a device with its events in one insert; false when the id is already bound (to whichever elder: the caller checks). */
  async bind(device: StoredDevice, events: readonly PreparedEvent[]): Promise<boolean> {
    try {
      await deviceModel(this.connection).create({ ...device, ...outboxFields(events) });
      this.devices.delete(device._id);
      if (events.length > 0) this.nudge({ collection: this.deviceCollectionName, ids: [device._id] });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The device, or null; misses are cached too (briefly), so a flood of unknown ids costs one read each per TTL. */
  async findDevice(id: string): Promise<StoredDevice | null> {
    const cached = this.devices.get(id);
    if (cached !== undefined) return cached;
    const device = await deviceModel(this.connection).findOne({ _id: id }).select('-outbox').lean<StoredDevice>();
    this.devices.set(id, device);
    return device;
  }

  async devicesOf(elderId: string): Promise<StoredDevice[]> {
    return deviceModel(this.connection).find({ elderId }).select('-outbox').sort({ boundAt: 1 }).lean<StoredDevice[]>();
  }

  /**
   * Claims platform event ids for `batchId` with one unordered `insertMany`. Returns the ids this
   * call claimed; the others were claimed before (by another batch, or by this same batch id).
   */
  async claim(claims: readonly StoredClaim[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    try {
      await this.claims.insertMany([...claims], { ordered: false });
      return new Set(claims.map((claim) => claim._id));
    } catch (error) {
      const failed = duplicateIndexes(error);
      if (failed === undefined) throw error;
      return new Set(claims.filter((_claim, index) => !failed.has(index)).map((claim) => claim._id));
    }
  }

  async findClaim(id: string): Promise<StoredClaim | null> {
    return this.claims.findOne({ _id: id });
  }

  /**
   * Takes over a claim whose batch was never written (its writer died between the claim and the
   * batch insert): only if it still names `staleBatchId`, so two takers cannot both win.
   */
  async takeOver(id: string, staleBatchId: string, claim: StoredClaim): Promise<boolean> {
    const result = await this.claims.updateOne({ _id: id, batchId: staleBatchId }, { $set: { batchId: claim.batchId, at: claim.at } });
    return result.modifiedCount === 1;
  }

  async batchExists(id: string): Promise<boolean> {
    return (await deviceBatchModel(this.connection).findOne({ _id: id }).select('_id').lean()) !== null;
  }

  /** Writes the batch and all its events in one insert. */
  async insertBatch(batch: Omit<StoredDeviceBatch, 'outbox' | 'outboxPending'>, events: readonly PreparedEvent[]): Promise<void> {
    await deviceBatchModel(this.connection).create({ ...batch, ...outboxFields(events) });
    if (events.length > 0) this.nudge({ collection: this.batchCollectionName, ids: [batch._id] });
  }

  /** Removes claims older than `before` (the dedupe window). Returns how many. */
  async pruneClaims(before: Date): Promise<number> {
    const result = await this.claims.deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }
}

