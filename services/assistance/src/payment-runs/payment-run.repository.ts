/** Payment runs in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { paymentRunModel, type StoredPaymentRun } from './payment-run.schema.js';

export class PaymentRunRepository extends ScopedRepository<StoredPaymentRun> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(paymentRunModel(connection), repositoryOptions('发放批次', nudge));
  }

  /** Marks a run that stopped on an unexpected error (whatever its version: the run is over). */
  async markFailed(id: string, message: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'FAILED', error: message, finishedAt: new Date() }, $inc: { version: 1 } });
  }
}
