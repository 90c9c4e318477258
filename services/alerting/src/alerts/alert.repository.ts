/** Alerts in the store: the kit's scoped repository (jurisdiction-scoped reads, version-guarded writes with their events). */
import { ScopedRepository, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { alertModel, type StoredAlert } from './alert.schema.js';

export class AlertRepository extends ScopedRepository<StoredAlert> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(alertModel(connection), { label: '预警', codes: { notFound: 'ALERT_NOT_FOUND', concurrentChange: 'ALERT_CONCURRENT_CHANGE' }, ...(nudge === undefined ? {} : { nudge }) });
  }

  /** The alert with this id, whatever the jurisdiction (the consumer and the escalator). */
  async byId(id: string): Promise<StoredAlert | null> {
    return this.model.findOne({ _id: id }).select('-outbox').lean<StoredAlert>();
  }

  /** Notes a stream entry written for the alert (no version change: bookkeeping only). */
  async markStreamed(id: string, key: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $addToSet: { streamed: key } });
  }

  /** Every alert in the jurisdiction (reports; FerretDB v1 filters other fields in memory anyway). */
  async *allIn(scope: string): AsyncGenerator<StoredAlert> {
    for await (const alert of this.model.find({ regionCode: { $gte: scope, $lt: `${scope}\uffff` } }).select('-outbox -notes -log -facts').lean<StoredAlert>().cursor()) yield alert;
  }
}
