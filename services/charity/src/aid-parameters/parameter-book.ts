/**
 * The aid parameter versions, read from the store at most every 5 seconds (a version published
 * through another instance is seen within that time). Versions are insert-only: a new one
 * supersedes the previous one from its date. Each is inserted with its event in its outbox (see
 * `use-cases/aid-parameters.ts`).
 */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields } from '@minzheng/service-kit/outbox';
import { isDuplicateKey, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection, Model } from 'mongoose';
import type { AidParameterVersion } from '../domain/aid-parameters.js';
import { CharityError } from '../domain/errors.js';
import { aidParameterModel, type StoredAidParameter } from './aid-parameter.schema.js';

const REFRESH_MS = 5_000;

export class AidParameterBook {
  private readonly model: Model<StoredAidParameter>;
  private cache: { at: number; versions: AidParameterVersion[] } | undefined;

  constructor(
    connection: Connection,
    private readonly nudge: OutboxNudge = () => undefined,
  ) {
    this.model = aidParameterModel(connection);
  }

  get collectionName(): string {
    return this.model.collection.collectionName;
  }

  async all(): Promise<AidParameterVersion[]> {
    if (this.cache && Date.now() - this.cache.at < REFRESH_MS) return this.cache.versions;
    const stored = await this.model.find({}).select('-outbox').sort({ aidKind: 1, regionCode: 1, effectiveFrom: 1 }).lean<StoredAidParameter[]>();
    const versions = stored.map(({ _id, aidKind, educationLevel, regionCode, effectiveFrom, annualCapFen, source }) => ({ id: _id, aidKind, educationLevel, regionCode, effectiveFrom, annualCapFen, source }));
    this.cache = { at: Date.now(), versions };
    return versions;
  }

  /** The stored version ids (what seeding skips). */
  async ids(): Promise<Set<string>> {
    const stored = await this.model.find({}).select({ _id: 1 }).lean<{ _id: string }[]>();
    return new Set(stored.map((version) => version._id));
  }

  /** Stores a version with its events; the same id (kind, level, region and date) again is CHARITY_PARAMETER_OVERLAP. */
  async insert(version: AidParameterVersion, createdBy: string, now: Date, events: readonly PreparedEvent[]): Promise<AidParameterVersion> {
    const { id, ...fields } = version;
    try {
      await this.model.create({ ...fields, _id: id, createdBy, createdAt: now, ...outboxFields(events) });
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new CharityError('CHARITY_PARAMETER_OVERLAP', `参数版本已存在 (a version ${id} already exists; publish a later effectiveFrom instead)`, { field: 'effectiveFrom', rule: 'one version per aid kind, level, region and effective date', id });
      }
      throw error;
    }
    this.cache = undefined;
    if (events.length > 0) this.nudge({ collection: this.collectionName, ids: [id] });
    return version;
  }
}
