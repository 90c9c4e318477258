/** Children in the store (see `repository.ts` for the shape every repository keeps). */
import type { Connection } from 'mongoose';
import { ScopedRepository, regionScope } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { childModel, type StoredChild } from './child.schema.js';

export class ChildRepository extends ScopedRepository<StoredChild> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(childModel(connection), repositoryOptions('儿童档案', nudge));
  }

  async findByPersonKey(personKey: string, jurisdiction: string): Promise<StoredChild | null> {
    return this.model.findOne({ personKey, regionCode: regionScope(jurisdiction) }).select('-outbox').lean<StoredChild>();
  }

  /** Whether any record (in any jurisdiction) holds this person key: one record per child. */
  async isRegistered(personKey: string): Promise<boolean> {
    return (await this.model.findOne({ personKey }).select({ _id: 1 }).lean()) !== null;
  }

  /** Children with an allowance in `status` under the region prefix, by id after `afterId` (batches). */
  async withAllowance(regionCode: string, status: NonNullable<StoredChild['allowanceStatus']>, afterId: string, limit: number): Promise<StoredChild[]> {
    return this.model.find({ regionCode: regionScope(regionCode), allowanceStatus: status, _id: { $gt: afterId } }).select('-outbox').sort({ _id: 1 }).limit(limit).lean<StoredChild[]>();
  }

  /** Children in the jurisdiction born between two dates (both included). */
  async bornBetween(jurisdiction: string, from: string, to: string): Promise<StoredChild[]> {
    return this.model.find({ birthDate: { $gte: from, $lte: to }, regionCode: regionScope(jurisdiction) }).select('-outbox').sort({ birthDate: 1, _id: 1 }).lean<StoredChild[]>();
  }

  /** Category counts per 镇街 (aggregates for roles that see no child's data). */
  async countsByTownAndCategory(jurisdiction: string): Promise<{ townCode: string; category: string; allowanceStatus: string | null }[]> {
    return this.model.find({ regionCode: regionScope(jurisdiction) }).select({ _id: 0, townCode: 1, category: 1, allowanceStatus: 1 }).lean<{ townCode: string; category: string; allowanceStatus: string | null }[]>();
  }
}
