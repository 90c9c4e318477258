/**
 * The stream log (推送日志): every change a caseworker's live stream must show — a new alert, an
 * escalation or reassignment to them (or away from them), an update, a cancellation, an outcome —
 * as an entry with a sequence number. The SSE event id is the sequence: a console that reconnects
 * with `Last-Event-ID` gets every entry after it, so nothing is lost across a reconnect.
 *
 * Sequence numbers come from one counter document (`$inc`, atomic on one document); the entry's
 * `_id` is the sequence zero-padded, so "after N" is an `_id` range — the one filter FerretDB v1
 * pushes down to its store. An appender that took a number and died before writing leaves a gap;
 * readers wait a moment at a gap (an entry may still be on its way) and then pass it (`hub.ts`).
 *
 * Entries carry no personal data: the alert's id, rule, urgency, region and the explanation.
 */
import type { Urgency, WorkerRole } from '@minzheng/contracts';
import { SAFE_ID_RANGE, insertNew } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';

export const STREAM_ENTRY_KINDS = ['ALERT', 'UPDATED', 'ESCALATED', 'REASSIGNED', 'CANCELLED', 'RESOLVED', 'ACKNOWLEDGED'] as const;
export type StreamEntryKind = (typeof STREAM_ENTRY_KINDS)[number];

/** What a console shows of an alert in its list (no personal data). */
export interface AlertSummary {
  readonly alertId: string;
  readonly flagId: string;
  readonly ruleId: string;
  readonly flagCode: string;
  readonly urgency: Urgency;
  readonly title: string;
  readonly explanation: string;
  readonly regionCode: string;
  readonly status: string;
  readonly escalationLevel: number;
  readonly ackDueAt: string;
  readonly resolveDueAt: string;
}

export interface StreamEntry {
  readonly _id: string;
  readonly seq: number;
  readonly at: Date;
  readonly kind: StreamEntryKind;
  readonly alertId: string;
  readonly regionCode: string;
  /** A child's case: on the streams of child-protection staff and supervisors only. */
  readonly childCase: boolean;
  /** Who holds the alert now. */
  readonly assigneeRole: WorkerRole;
  readonly caseworkerId: string | null;
  /** Who held it before (escalated or reassigned away from them): they are told too. */
  readonly previous: { readonly role: WorkerRole; readonly caseworkerId: string | null } | null;
  readonly alert: AlertSummary;
}

export type NewStreamEntry = Omit<StreamEntry, '_id' | 'seq' | 'at'>;

const WIDTH = 15;
export const entryId = (seq: number): string => String(seq).padStart(WIDTH, '0');

interface Counter {
  _id: string;
  seq: number;
}

export class StreamLog {
  private readonly entries: mongo.Collection<StreamEntry>;
  private readonly counters: mongo.Collection<Counter>;

  constructor(connection: Connection) {
    this.entries = connection.collection<StreamEntry>('alert_stream');
    this.counters = connection.collection<Counter>('counters');
  }

  async append(entry: NewStreamEntry, at: Date): Promise<StreamEntry> {
    const counter = await this.counters.findOneAndUpdate({ _id: 'alert_stream' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    if (counter === null) throw new Error('the stream counter was not returned');
    const stored: StreamEntry = { ...entry, _id: entryId(counter.seq), seq: counter.seq, at };
    await this.entries.insertOne(stored);
    return stored;
  }

  /** Reserves `count` consecutive numbers (one `$inc`); returns the first. A number reserved and never written is a gap readers pass. */
  async reserve(count: number): Promise<number> {
    const counter = await this.counters.findOneAndUpdate({ _id: 'alert_stream' }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' });
    if (counter === null) throw new Error('the stream counter was not returned');
    return counter.seq - count + 1;
  }

  /** Writes entries under numbers reserved before (`reserve`); one already written is left — so writing them again is harmless. */
  async write(entries: readonly (NewStreamEntry & { readonly seq: number })[], at: Date): Promise<void> {
    await insertNew(this.entries, entries.map((entry): StreamEntry => ({ ...entry, _id: entryId(entry.seq), at })));
  }

  /**
   * Entries after `seq`, up to `seq + limit` (and `until`), in order. Both bounds: FerretDB v1 pushes
   * only a two-sided `_id` range down to its index. Numbers reserved and not written leave holes,
   * so a page may hold fewer than `limit` entries though more follow.
   */
  async after(seq: number, limit: number, until?: number): Promise<StreamEntry[]> {
    const upper = Math.min(until ?? Number.MAX_SAFE_INTEGER, seq + limit);
    // Ids are digits: range-safe, read tight from the index.
    return this.entries.find({ _id: { $gt: entryId(seq), $lte: entryId(upper) } } as mongo.Filter<StreamEntry>, { comment: SAFE_ID_RANGE }).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** The first entry after `seq`, however far (a scan: only to pass a long run of holes). */
  async firstAfter(seq: number): Promise<StreamEntry | null> {
    return this.entries.find({ _id: { $gt: entryId(seq) } } as mongo.Filter<StreamEntry>).sort({ _id: 1 }).limit(1).next();
  }

  /** The last entry written (0 before the first): where a starting reader begins (not the counter, which counts reservations). */
  async lastWritten(): Promise<number> {
    return (await this.entries.find({}).sort({ _id: -1 }).limit(1).next())?.seq ?? 0;
  }

  /** The entries written under these numbers (those that are). */
  async bySeqs(seqs: readonly number[]): Promise<StreamEntry[]> {
    if (seqs.length === 0) return [];
    return this.entries.find({ _id: { $in: seqs.map(entryId) } }).sort({ _id: 1 }).toArray();
  }

  /** The last sequence number given out (0 before the first). */
  async last(): Promise<number> {
    return (await this.counters.findOne({ _id: 'alert_stream' }))?.seq ?? 0;
  }
}
