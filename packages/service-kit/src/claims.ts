/**
 * Claims: deduplication of many items written as ONE batch document (device events, bulk-upload
 * rows). Each item has a stable key; a claim is a tiny document whose `_id` is that key and which
 * names the batch that carries the item. Claims are inserted with one unordered `insertMany`
 * BEFORE the batch document: the store's `_id` uniqueness lets exactly one writer win each key,
 * so a repeat (within the batch, in a later batch, or after a restart) is recognised.
 *
 * A writer that dies between its claims and its batch leaves claims naming a batch that does not
 * exist. Those are taken over by the next writer of the same key once older than `staleMs`
 * (compare-and-set on the batch id, so two takers cannot both win): the item is then carried by
 * the new batch, never lost, never carried twice.
 */
import type { Connection, mongo } from 'mongoose';
import { duplicateIndexes } from './repository.js';

export interface Claim {
  /** The item's stable key. */
  _id: string;
  /** The batch document that carries the item. */
  batchId: string;
  at: Date;
}


export class ClaimStore {
  private readonly claims: mongo.Collection<Claim>;

  constructor(
    connection: Connection,
    collection: string,
    /** Whether a batch document exists (a claim naming a missing batch may be stale). */
    private readonly batchExists: (batchId: string) => Promise<boolean>,
    private readonly staleMs = 60_000,
  ) {
    this.claims = connection.collection<Claim>(collection);
  }

  /**
   * Claims `keys` for `batchId`; returns the keys this batch now holds (claimed now, claimed by an
   * earlier attempt of the same batch id, or taken over from a stale claim). Keys claimed by
   * another batch that exists, or by one younger than `staleMs`, are not returned: duplicates.
   */
  async claim(keys: readonly string[], batchId: string, now: Date): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return new Set();
    const documents = unique.map((key) => ({ _id: key, batchId, at: now }));
    let failedKeys: string[];
    try {
      await this.claims.insertMany(documents, { ordered: false });
      return new Set(unique);
    } catch (error) {
      const failed = duplicateIndexes(error);
      if (failed === undefined) throw error;
      failedKeys = unique.filter((_key, index) => failed.has(index));
    }
    const failedSet = new Set(failedKeys);
    const held = new Set(unique.filter((key) => !failedSet.has(key)));
    if (failedKeys.length === 0) return held;
    // One read for all the keys claimed before; only our own and the stale ones need more.
    const existing = await this.claims.find({ _id: { $in: failedKeys } }).toArray();
    const batchAlive = new Map<string, boolean>();
    for (const claim of existing) {
      if (claim.batchId === batchId) {
        // Our own claim from an earlier attempt of the same batch (its writer stopped before the batch was written).
        held.add(claim._id);
        continue;
      }
      if (now.getTime() - claim.at.getTime() < this.staleMs) continue;
      let alive = batchAlive.get(claim.batchId);
      if (alive === undefined) {
        alive = await this.batchExists(claim.batchId);
        batchAlive.set(claim.batchId, alive);
      }
      if (alive) continue;
      const result = await this.claims.updateOne({ _id: claim._id, batchId: claim.batchId }, { $set: { batchId, at: now } });
      if (result.modifiedCount === 1) held.add(claim._id);
    }
    return held;
  }
}
