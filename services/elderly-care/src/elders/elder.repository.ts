/** Elders in the store (the kit's scoped repository, plus what the jobs and device ingestion need). */
import { ScopedRepository, regionScope } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { elderModel, type StoredElder } from './elder.schema.js';

export class ElderRepository extends ScopedRepository<StoredElder> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(elderModel(connection), repositoryOptions('老人档案', nudge));
  }

  /**
   * One elder by id, scoped to the jurisdiction. The query names only `_id` (FerretDB v1 pushes
   * down nothing else, so `{ _id, regionCode }` would read the whole collection); the scope is
   * checked here instead, and a record outside it is "not found".
   */
  override async find(id: string, jurisdiction: string): Promise<StoredElder | null> {
    const record = await this.model.findOne({ _id: id }).select('-outbox').lean<StoredElder>();
    return record?.regionCode.startsWith(jurisdiction) === true ? record : null;
  }

  /** Hukou elders in `jurisdiction` born on or before `bornOnOrBefore` (the allowance job). */
  async hukouBornBy(jurisdiction: string, bornOnOrBefore: string): Promise<StoredElder[]> {
    return this.model
      .find({ hukouResident: true, birthDate: { $lte: bornOnOrBefore }, regionCode: regionScope(jurisdiction) })
      .select('-outbox -assessments')
      .sort({ _id: 1 })
      .lean<StoredElder[]>();
  }

  /** Elders in `jurisdiction` with at least one priority group, registered on or before `registeredBy`. */
  async priorityElders(jurisdiction: string, registeredBy: string): Promise<StoredElder[]> {
    return this.model
      .find({ regionCode: regionScope(jurisdiction), 'priorityGroups.0': { $exists: true }, registeredOn: { $lte: registeredBy } })
      .select('-outbox -assessments')
      .sort({ regionCode: 1, _id: 1 })
      .lean<StoredElder[]>();
  }
}
