/**
 * Applies a batch of consumed events to the thematic database: contributions grouped per subject,
 * the subjects read with one `$in` per collection, folded, and written back with one bulk write per
 * collection. Writes are guarded by the version read; a guard that fails (another consumer wrote
 * the subject meanwhile) is detected by reading back each document's write token, and only those
 * subjects are read, folded and written again. Folding is idempotent and order-independent, so the
 * retry and any replay converge.
 */
import { randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { Contribution, StoredSubject, SubjectKind } from './model.js';
import { emptySubject, foldSubject, type FoldCrypto } from './fold.js';
import type { Precedence } from './precedence.js';

export const COLLECTIONS: Readonly<Record<SubjectKind, string>> = { person: 'persons', household: 'households' };

/** A stored subject with its write token (not content: the checksum leaves it out, as the version). */
export type WrittenSubject = StoredSubject & { writeId: string };

export interface ProjectorMetrics {
  events: number;
  subjectsWritten: number;
  conflictsRetried: number;
}

const MAX_ROUNDS = 10;

export class Projector {
  readonly metrics: ProjectorMetrics = { events: 0, subjectsWritten: 0, conflictsRetried: 0 };

  constructor(
    private readonly connection: Connection,
    private readonly precedence: Precedence,
    private readonly crypto: FoldCrypto,
  ) {}

  collection(kind: SubjectKind): mongo.Collection<WrittenSubject> {
    return this.connection.collection<WrittenSubject>(COLLECTIONS[kind]);
  }

  /** Applies every contribution (of any number of events); resolves when all are stored. */
  async apply(contributions: readonly Contribution[]): Promise<void> {
    const bySubject = new Map<string, Contribution[]>();
    for (const contribution of contributions) {
      const id = `${contribution.kind}\u0000${contribution.key}`;
      bySubject.set(id, [...(bySubject.get(id) ?? []), contribution]);
    }
    await Promise.all(
      (['person', 'household'] as const).map(async (kind) => {
        let pending = new Map<string, readonly Contribution[]>([...bySubject].filter(([id]) => id.startsWith(`${kind}\u0000`)).map(([id, list]) => [id.slice(kind.length + 1), list]));
        for (let round = 1; pending.size > 0; round += 1) {
          if (round > MAX_ROUNDS) throw new Error(`${String(pending.size)} ${kind} document(s) kept changing under ${String(MAX_ROUNDS)} attempts: ${[...pending.keys()].slice(0, 3).join(', ')}`);
          const conflicts = await this.applyRound(kind, pending);
          this.metrics.conflictsRetried += conflicts.size;
          pending = conflicts;
        }
      }),
    );
  }

  /** One read-fold-write round; returns the subjects whose write lost a race (to do again). */
  private async applyRound(kind: SubjectKind, pending: ReadonlyMap<string, readonly Contribution[]>): Promise<Map<string, readonly Contribution[]>> {
    const collection = this.collection(kind);
    const keys = [...pending.keys()];
    const stored = new Map((await collection.find({ _id: { $in: keys } }).toArray()).map((doc) => [doc._id, doc]));
    const writes: { key: string; doc: WrittenSubject; insert: boolean; expectedVersion: number }[] = [];
    for (const [key, contributions] of pending) {
      const before = stored.get(key);
      const base = before ?? emptySubject(kind, key);
      const after = foldSubject(base, contributions, this.precedence, this.crypto);
      if (after === base) continue;
      writes.push({ key, doc: { ...after, version: base.version + 1, writeId: randomUUID() }, insert: before === undefined, expectedVersion: base.version });
    }
    if (writes.length === 0) return new Map();
    const operations: mongo.AnyBulkWriteOperation<WrittenSubject>[] = writes.map((write) => (write.insert ? { insertOne: { document: write.doc } } : { replaceOne: { filter: { _id: write.key, version: write.expectedVersion }, replacement: write.doc } }));
    try {
      await collection.bulkWrite(operations, { ordered: false });
    } catch (error) {
      // Inserts that lost to another writer's insert fail with a duplicate key: retried below.
      if (!isOnlyDuplicateKeys(error)) throw error;
    }
    const landed = new Map((await collection.find({ _id: { $in: writes.map((write) => write.key) } }, { projection: { writeId: 1 } }).toArray()).map((doc) => [doc._id, doc.writeId]));
    const conflicts = new Map<string, readonly Contribution[]>();
    for (const write of writes) {
      if (landed.get(write.key) === write.doc.writeId) this.metrics.subjectsWritten += 1;
      else conflicts.set(write.key, pending.get(write.key) ?? []);
    }
    return conflicts;
  }
}

function isOnlyDuplicateKeys(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return false;
  const writeErrors: unknown = error.writeErrors;
  const list: unknown[] = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.every((item) => typeof item === 'object' && item !== null && 'code' in item && item.code === 11_000);
}
