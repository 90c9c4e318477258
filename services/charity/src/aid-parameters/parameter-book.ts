/**
 * The aid parameter versions, read from the store at most every 5 seconds (a version published
 * through another instance is seen within that time). Versions are insert-only: a new one
 * supersedes the previous one from its date.
 */
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { Connection, Model } from 'mongoose';
import { parameterId, type AidParameterVersion } from '../domain/aid-parameters.js';
import { CharityError } from '../domain/errors.js';
import { aidParameterModel, type StoredAidParameter } from './aid-parameter.schema.js';

const REFRESH_MS = 5_000;

export class AidParameterBook {
  private readonly model: Model<StoredAidParameter>;
  private cache: { at: number; versions: AidParameterVersion[] } | undefined;

  constructor(connection: Connection) {
    this.model = aidParameterModel(connection);
  }

  async all(): Promise<AidParameterVersion[]> {
    if (this.cache && Date.now() - this.cache.at < REFRESH_MS) return this.cache.versions;
    const stored = await this.model.find({}).sort({ aidKind: 1, regionCode: 1, effectiveFrom: 1 }).lean<StoredAidParameter[]>();
    const versions = stored.map(({ _id, aidKind, educationLevel, regionCode, effectiveFrom, annualCapFen, source }) => ({ id: _id, aidKind, educationLevel, regionCode, effectiveFrom, annualCapFen, source }));
    this.cache = { at: Date.now(), versions };
    return versions;
  }

  /** Stores a version; the same kind, level, region and date again is CHARITY_PARAMETER_OVERLAP. */
  async publish(version: Omit<AidParameterVersion, 'id'>, createdBy: string, now: Date): Promise<AidParameterVersion> {
    const id = parameterId(version);
    try {
      await this.model.create({ ...version, _id: id, createdBy, createdAt: now });
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new CharityError('CHARITY_PARAMETER_OVERLAP', `参数版本已存在 (a version ${id} already exists; publish a later effectiveFrom instead)`, { field: 'effectiveFrom', rule: 'one version per aid kind, level, region and effective date', id });
      }
      throw error;
    }
    this.cache = undefined;
    return { ...version, id };
  }

  /** Stores the versions the store lacks; returns how many were stored. */
  async seed(versions: readonly AidParameterVersion[], now: Date): Promise<number> {
    let stored = 0;
    for (const { id: _id, ...version } of versions) {
      try {
        await this.publish(version, 'seed', now);
        stored += 1;
      } catch (error) {
        if (!(error instanceof CharityError && error.code === 'CHARITY_PARAMETER_OVERLAP')) throw error;
      }
    }
    return stored;
  }
}
