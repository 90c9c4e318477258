/** Enrolments in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { regionScope } from '@minzheng/service-kit/repository';
import { enrolmentModel, type StoredEnrolment } from './enrolment.schema.js';

export class EnrolmentRepository extends ScopedRepository<StoredEnrolment> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(enrolmentModel(connection), repositoryOptions('保障记录', nudge));
  }

  /** The household's ACTIVE enrolment in `program`, if any. */
  async activeOf(householdId: string, program: StoredEnrolment['program']): Promise<StoredEnrolment | null> {
    return this.model.findOne({ householdId, program, status: 'ACTIVE' }).select('-outbox').lean<StoredEnrolment>();
  }

  /**
   * Enrolments in `scope` that may be payable for the month starting `firstDay` and have no
   * payment for `month` yet, in id order, `limit` at a time after `afterId`.
   */
  async payable(scope: string, month: string, firstDay: string, afterId: string, limit: number): Promise<StoredEnrolment[]> {
    return this.model
      .find({
        _id: { $gt: afterId },
        regionCode: regionScope(scope),
        startDate: { $lte: firstDay },
        'payments.month': { $ne: month },
        $or: [{ status: 'ACTIVE' }, { 'gradualExit.endDate': { $gte: firstDay } }],
      })
      .select('-outbox')
      .sort({ _id: 1 })
      .limit(limit)
      .lean<StoredEnrolment[]>();
  }
}
