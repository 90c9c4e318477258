/** Visits (巡访). */
import { ScopedRepository, regionScope } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { visitModel, type StoredVisit } from './visit.schema.js';

export class VisitRepository extends ScopedRepository<StoredVisit> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(visitModel(connection), repositoryOptions('巡访记录', nudge));
  }

  /** The elders in the jurisdiction with a visit in `month` that counts (the outcome is not NOT_MET). */
  async elderIdsVisitedIn(jurisdiction: string, month: string): Promise<Set<string>> {
    const rows = await this.model
      .find({ visitMonth: month, regionCode: regionScope(jurisdiction), outcome: { $ne: 'NOT_MET' } })
      .select('elderId')
      .lean<{ elderId: string }[]>();
    return new Set(rows.map((row) => row.elderId));
  }
}
