/** The 低保 versions this service knows (tens of rows: read whole). */
import type { Connection, Model } from 'mongoose';
import type { DibaoVersion } from '../domain/allowance.js';
import { dibaoModel, type StoredDibaoVersion } from './dibao.schema.js';

export class DibaoBook {
  private readonly model: Model<StoredDibaoVersion>;

  constructor(connection: Connection) {
    this.model = dibaoModel(connection);
  }

  async all(): Promise<StoredDibaoVersion[]> {
    return this.model.find({}).sort({ regionCode: 1, effectiveFrom: 1 }).lean<StoredDibaoVersion[]>();
  }

  async versions(): Promise<DibaoVersion[]> {
    return this.all();
  }

  async find(versionId: string): Promise<StoredDibaoVersion | null> {
    return this.model.findOne({ _id: versionId }).lean<StoredDibaoVersion>();
  }

  /** Stores or replaces the version (a correction or a redelivery replaces its own row). */
  async put(version: StoredDibaoVersion): Promise<void> {
    await this.model.replaceOne({ _id: version._id }, version, { upsert: true });
  }
}
