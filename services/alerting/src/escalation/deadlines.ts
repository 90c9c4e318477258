/**
 * The deadline queue (时限): when each alert must be acknowledged or resolved, kept in the store so
 * escalation survives restarts. The `_id` starts with the instant (`<ISO>|<alertId>|<kind>|<level>`),
 * so the due ones are an `_id` range — the one filter FerretDB v1 pushes down to its store. An
 * entry is only a reminder: the escalator acts when the alert still has that deadline, so stale
 * entries (acknowledged in time, escalated meanwhile) are dropped without effect, and two
 * instances working one entry escalate once (the alert's version guards the write).
 */
import { SAFE_ID_RANGE, insertNew } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';

export type DeadlineKind = 'ack' | 'resolve';

export interface DeadlineEntry {
  readonly _id: string;
  readonly alertId: string;
  readonly kind: DeadlineKind;
  readonly dueAt: Date;
  /** The alert's escalation level when the deadline was set. */
  readonly level: number;
}

export const deadlineId = (alertId: string, kind: DeadlineKind, dueAt: Date, level: number): string => `${dueAt.toISOString()}|${alertId}|${kind}|${String(level)}`;

export class DeadlineQueue {
  private readonly entries: mongo.Collection<DeadlineEntry>;

  constructor(connection: Connection) {
    this.entries = connection.collection<DeadlineEntry>('alert_deadlines');
  }

  /** Adds deadlines; one already there is left (a redelivered flag schedules nothing twice). */
  async schedule(deadlines: readonly Omit<DeadlineEntry, '_id'>[]): Promise<void> {
    await insertNew(this.entries, deadlines.map((deadline) => ({ ...deadline, _id: deadlineId(deadline.alertId, deadline.kind, deadline.dueAt, deadline.level) })));
  }

  /** The deadlines due at `now`, earliest first. */
  async due(now: Date, limit = 500): Promise<DeadlineEntry[]> {
    // Both bounds, printable ASCII, and the safe-range comment (ids are `<ISO>|<uuid>|<kind>|<level>`):
    // FerretDB v1 reads only the due ones from its index (one bound scans the collection).
    return this.entries.find({ _id: { $gte: '0', $lt: `${now.toISOString()}|~` } }, { comment: SAFE_ID_RANGE }).sort({ _id: 1 }).limit(limit).toArray();
  }

  async remove(id: string): Promise<void> {
    await this.entries.deleteOne({ _id: id });
  }

  async count(): Promise<number> {
    return this.entries.countDocuments({});
  }
}
