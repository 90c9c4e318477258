/** Alerts in the store: the kit's scoped repository (jurisdiction-scoped reads, version-guarded writes with their events). */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields } from '@minzheng/service-kit/outbox';
import { ScopedRepository, insertNew, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { alertModel, type StoredAlert } from './alert.schema.js';

export class AlertRepository extends ScopedRepository<StoredAlert> {
  private readonly nudgeRelay: OutboxNudge | undefined;

  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(alertModel(connection), { label: '预警', codes: { notFound: 'ALERT_NOT_FOUND', concurrentChange: 'ALERT_CONCURRENT_CHANGE' }, ...(nudge === undefined ? {} : { nudge }) });
    this.nudgeRelay = nudge;
  }

  /** The alerts with these ids (up to 1,000 per query: `$in` on `_id` is the store's index). */
  async byIds(ids: readonly string[]): Promise<Map<string, StoredAlert>> {
    const found = new Map<string, StoredAlert>();
    for (let start = 0; start < ids.length; start += 1_000) {
      for (const alert of await this.model.find({ _id: { $in: ids.slice(start, start + 1_000) } }).select('-outbox').lean<StoredAlert[]>()) found.set(alert._id, alert);
    }
    return found;
  }

  /** New alerts with their events in their outboxes, in one unordered insert; an id already there is left (another consumer made it). */
  async insertMany(items: readonly { readonly alert: StoredAlert; readonly events: readonly PreparedEvent[] }[]): Promise<number> {
    if (items.length === 0) return 0;
    const inserted = await insertNew(this.model.db.collection<StoredAlert>(this.collectionName), items.map(({ alert, events }) => ({ ...alert, ...outboxFields(events) })));
    this.nudgeRelay?.({ collection: this.collectionName, ids: items.map(({ alert }) => alert._id) });
    return inserted;
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
