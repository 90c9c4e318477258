/**
 * An append-only chain of links, the one write primitive this service trusts on FerretDB v1.
 *
 * Why: FerretDB v1 (SQLite) applies `updateOne` as read-modify-write without isolation. Measured
 * on this platform (v1.24.2): 40 concurrent `$inc` on one document kept 4 of them, and 40
 * concurrent updates guarded by `{ _id, version: 1 }` reported `modifiedCount: 1` four times
 * while only one survived. A conditional `$inc` on a campaign document therefore cannot guard a
 * balance. Inserts are different: a duplicate `_id` (or a duplicate key of a unique index) is
 * refused atomically, however many writers race (40 concurrent inserts of one `_id`: exactly one
 * succeeds).
 *
 * So each change is a NEW document, a link `<chainId>|<seq>` (seq 1, 2, 3, ... zero-padded),
 * carrying the state after it (for a campaign: received, disbursed, balance, counts) and its
 * events in its own outbox, written with ONE insert. To append, a writer reads the head (seq n),
 * computes the next state from it (refusing, say, an overdraft), and inserts link n+1. Two writers
 * that read the same head race for the same `_id`: one wins, the other gets a duplicate-key error,
 * reads the new head and decides again. So every state is derived from exactly its predecessor and
 * the chain can never fork: the invariant of a state holds for every state, under concurrency and
 * across crashes (a link is either fully written with its events, or not at all).
 *
 * Idempotency: `entryId` has a unique index, so the same entry (same donation id) can never be
 * appended twice, even as a retry after a crash; the retry finds the earlier link and returns it.
 *
 * Performance: the head is cached per chain in the process, and appends to one chain are queued
 * in the process, so one instance never races itself; links are read by exact `_id` (the lookup
 * FerretDB v1 pushes down). The cache may lag another instance; the insert then fails on the
 * `_id`, and the writer probes forward to the true head.
 */
import { randomUUID } from 'node:crypto';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { isDuplicateKey, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import { CharityError, isCharityError } from '../domain/errors.js';

/** What every link stores. */
export interface Link<S> {
  _id: string;
  chainId: string;
  seq: number;
  /** The entry's own id (donation id, disbursement id, ...): unique in the collection. */
  entryId: string;
  /** The chain's state after this link. */
  state: S;
  at: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

export interface Head<S> {
  /** 0 before the first link. */
  readonly seq: number;
  readonly state: S;
}

/** What the caller adds to a link: its own fields, the next state and the events. */
export interface Draft<S, B> {
  readonly state: S;
  readonly body: B;
  readonly events: readonly PreparedEvent[];
}

export interface Appended<L> {
  readonly link: L;
  /** True when the entry was already in the chain (a retry): nothing was written. */
  readonly replayed: boolean;
}

/** Attempts of one append against writers in OTHER processes (this one queues its own). */
const MAX_ATTEMPTS = 100;

export const linkId = (chainId: string, seq: number): string => `${chainId}|${String(seq).padStart(9, '0')}`;

export class Chain<S, B extends object> {
  private readonly heads = new Map<string, Head<S>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly collection: mongo.Collection<Link<S> & B>;

  constructor(
    connection: Connection,
    readonly collectionName: string,
    private readonly initial: S,
    private readonly nudge: OutboxNudge = () => undefined,
  ) {
    this.collection = connection.collection<Link<S> & B>(collectionName);
  }

  /** One link by sequence number. */
  async get(chainId: string, seq: number): Promise<(Link<S> & B) | null> {
    return this.findById(linkId(chainId, seq));
  }

  private async findById(id: string): Promise<(Link<S> & B) | null> {
    const found = await this.collection.findOne({ _id: id } as mongo.Filter<Link<S> & B>, { projection: { outbox: 0 } });
    return found as (Link<S> & B) | null;
  }

  /** The link of an entry, wherever it is in its chain (a scan on FerretDB v1: used on retries only). */
  async findEntry(entryId: string): Promise<(Link<S> & B) | null> {
    const found = await this.collection.findOne({ entryId } as mongo.Filter<Link<S> & B>, { projection: { outbox: 0 } });
    return found as (Link<S> & B) | null;
  }

  /** Every link of a chain, oldest first, optionally only those matching `filter`. */
  async links(chainId: string, filter: Record<string, unknown> = {}, page?: { skip: number; limit: number; newestFirst: boolean }): Promise<{ items: (Link<S> & B)[]; total: number }> {
    const query = { ...filter, chainId } as mongo.Filter<Link<S> & B>;
    const cursor = this.collection.find(query, { projection: { outbox: 0 } }).sort({ seq: page?.newestFirst === true ? -1 : 1 });
    const [items, total] = await Promise.all([
      (page ? cursor.skip(page.skip).limit(page.limit) : cursor).toArray(),
      this.collection.countDocuments(query),
    ]);
    return { items: items as (Link<S> & B)[], total };
  }

  /**
   * The head: the cached one (or the link at `hintSeq`, or the initial state), then forward by
   * exact `_id` until no further link exists.
   */
  async head(chainId: string, hintSeq = 0): Promise<Head<S>> {
    return this.probe(chainId, this.heads.get(chainId), hintSeq);
  }

  /** From a known head (or the hint, or the start) forward by exact `_id` to the last link. */
  private async probe(chainId: string, known: Head<S> | undefined, hintSeq = 0): Promise<Head<S>> {
    let head = known;
    if (head === undefined || head.seq < hintSeq) {
      const hinted = hintSeq > 0 ? await this.get(chainId, hintSeq) : null;
      head = hinted ? { seq: hinted.seq, state: hinted.state } : head ?? { seq: 0, state: this.initial };
    }
    for (;;) {
      const next = await this.get(chainId, head.seq + 1);
      if (!next) break;
      head = { seq: next.seq, state: next.state };
    }
    this.heads.set(chainId, head);
    return head;
  }

  /**
   * Appends one link built from the head by `draft` (which may refuse by throwing). With
   * `replayable` (the entry id is derived from an idempotency key), a refusal first checks that
   * the entry is not already in the chain, so a retry of an accepted entry gets the entry back.
   */
  async append(chainId: string, entryId: string, draft: (head: Head<S>) => Draft<S, B> | Promise<Draft<S, B>>, options: { hintSeq?: number; replayable?: boolean; now?: Date } = {}): Promise<Appended<Link<S> & B>> {
    return this.queued(chainId, async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        // A cached head is used as it is: if another process appended meanwhile, the insert below
        // fails on the `_id` and the loop starts again from that process's link.
        const head = this.heads.get(chainId) ?? (await this.head(chainId, options.hintSeq));
        let built: Draft<S, B>;
        try {
          built = await draft(head);
        } catch (error) {
          // Refused on the cached head: make sure it is still the head (another process may have
          // appended, say a donation that makes the balance enough) before refusing.
          if (isCharityError(error) && (await this.head(chainId)).seq !== head.seq) continue;
          if (options.replayable === true && isCharityError(error)) {
            const earlier = await this.findEntry(entryId);
            if (earlier) return { link: earlier, replayed: true };
          }
          throw error;
        }
        const seq = head.seq + 1;
        const link = { ...built.body, _id: linkId(chainId, seq), chainId, seq, entryId, state: built.state, at: options.now ?? new Date(), ...outboxFields(built.events, options.now) };
        try {
          await this.collection.insertOne(link as unknown as mongo.OptionalUnlessRequiredId<Link<S> & B>);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const taken = await this.get(chainId, seq);
          if (taken?.entryId === entryId) return { link: taken, replayed: true };
          if (taken) {
            // Another process appended meanwhile: start again from its link.
            this.heads.set(chainId, { seq: taken.seq, state: taken.state });
            continue;
          }
          const earlier = await this.findEntry(entryId);
          if (earlier) return { link: earlier, replayed: true };
          throw error;
        }
        this.heads.set(chainId, { seq, state: built.state });
        if (built.events.length > 0) this.nudge({ collection: this.collectionName, ids: [link._id] });
        return { link: link as unknown as Link<S> & B, replayed: false };
      }
      throw new CharityError('CHARITY_CONCURRENT_CHANGE', `账目正被频繁修改，请重试 (chain ${chainId} kept changing; retry)`, { rule: 'the append lost the race too many times', chainId });
    });
  }

  /** Runs `task` after every earlier task of the same chain in this process. */
  private async queued<T>(chainId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(chainId) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(() => undefined, () => undefined);
    this.queues.set(chainId, settled);
    void settled.then(() => {
      if (this.queues.get(chainId) === settled) this.queues.delete(chainId);
    });
    return run;
  }
}

/** An entry id: derived from the caller's idempotency key when there is one (retries find the entry), else random. */
export function entryIdOf(prefix: string, scope: string, idempotencyKey: string | undefined, hash: (text: string) => string): string {
  if (idempotencyKey === undefined) return `${prefix}-${randomUUID()}`;
  return `${prefix}-${hash(`${scope}|${idempotencyKey}`).slice(0, 32)}`;
}
