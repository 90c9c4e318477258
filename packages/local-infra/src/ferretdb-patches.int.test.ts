/**
 * Proof of our FerretDB patches (infra/ferretdb/patches) on the real store of the integration
 * tests: concurrent writes of one document are atomic (0002), and an `_id` lookup uses the
 * `_id` index (0001). Against real MongoDB the same promises hold, so the tests run there too.
 */
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';

interface Counter {
  _id: string;
  n: number;
  pushed: number[];
  version: number;
  balanceFen: number;
}

type Db = NonNullable<Connection['db']>;

let connection: Connection;
let db: Db;
let ferretdb = false;
const database = uniqueDatabaseName('patches');

/** Said with every failure: the usual cause is a shared server started from an older binary. */
const UNPATCHED_HINT =
  'If this is the local FerretDB, it may still run a binary built without infra/ferretdb/patches: ' +
  'restart it with `./mz infra down ferretdb && ./mz infra up` (see packages/local-infra/README.md).';

beforeAll(async () => {
  // A pool as large as the concurrency, so the writes really reach the server together.
  connection = await mongoose.createConnection(testMongoUrl(database), { serverSelectionTimeoutMS: 10_000, maxPoolSize: 64 }).asPromise();
  db = connection.db!;
  const info = await db.admin().buildInfo();
  ferretdb = typeof (info as { ferretdbVersion?: unknown }).ferretdbVersion === 'string';
});

afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const times = <T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: count }, (_, i) => run(i)));

async function counters(name: string): Promise<mongoose.mongo.Collection<Counter>> {
  const collection = db.collection<Counter>(name);
  // Other documents around the one under test, as in a real collection.
  await collection.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `other-${i}`, n: 0, pushed: [], version: 1, balanceFen: 0 })));
  await collection.insertOne({ _id: 'doc', n: 0, pushed: [], version: 1, balanceFen: 10_000 });
  return collection;
}

describe('concurrent writes of one document (patch 0002)', () => {
  it('applies all of 50 concurrent $inc + $push updates', async () => {
    const collection = await counters('inc');
    const results = await times(50, (i) => collection.updateOne({ _id: 'doc' }, { $inc: { n: 1 }, $push: { pushed: i } }));
    expect(results.every((result) => result.modifiedCount === 1)).toBe(true);
    const doc = await collection.findOne({ _id: 'doc' });
    expect(doc?.n, `lost $inc updates. ${UNPATCHED_HINT}`).toBe(50);
    expect(doc?.pushed.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('lets exactly one of 20 concurrent optimistic updates {_id, version: 1} through', async () => {
    const collection = await counters('version');
    const results = await times(20, (i) => collection.updateOne({ _id: 'doc', version: 1 }, { $set: { n: i }, $inc: { version: 1 } }));
    expect(results.filter((result) => result.modifiedCount === 1).length, `the version guard let several writers through. ${UNPATCHED_HINT}`).toBe(1);
    expect(results.reduce((sum, result) => sum + result.matchedCount, 0)).toBe(1);
    expect((await collection.findOne({ _id: 'doc' }))?.version).toBe(2);
  });

  it('never overdraws a guarded ledger: 30 concurrent debits of 500 from 10 000', async () => {
    const collection = await counters('ledger');
    const results = await times(30, () => collection.updateOne({ _id: 'doc', balanceFen: { $gte: 500 } }, { $inc: { balanceFen: -500 } }));
    expect(results.filter((result) => result.modifiedCount === 1).length, `debits were lost or overdrew. ${UNPATCHED_HINT}`).toBe(20);
    expect((await collection.findOne({ _id: 'doc' }))?.balanceFen).toBe(0);
  });

  it('gives the document of a guarded findOneAndUpdate to exactly one of 20 writers', async () => {
    const collection = await counters('find-and-modify');
    const results = await times(20, (i) => collection.findOneAndUpdate({ _id: 'doc', version: 1 }, { $set: { n: i }, $inc: { version: 1 } }, { returnDocument: 'after' }));
    const winners = results.filter((result) => result !== null);
    expect(winners.length, `findAndModify matched for several writers. ${UNPATCHED_HINT}`).toBe(1);
    expect(winners[0]).toMatchObject({ _id: 'doc', version: 2 });
  });

  it('deletes a version-guarded document once, and not after a concurrent update moved the version', async () => {
    const collection = await counters('delete');
    const [updates, deletes] = await Promise.all([
      times(10, () => collection.updateOne({ _id: 'doc', version: 1 }, { $inc: { version: 1 } })),
      times(10, () => collection.deleteOne({ _id: 'doc', version: 1 })),
    ]);
    const updated = updates.filter((result) => result.modifiedCount === 1).length;
    const deleted = deletes.filter((result) => result.deletedCount === 1).length;
    // Either one update won (version 2, nothing deleted) or one delete won (no update applies).
    expect(updated + deleted, `${updated} updates and ${deleted} deletes went through. ${UNPATCHED_HINT}`).toBe(1);
    expect(await collection.countDocuments({ _id: 'doc' })).toBe(1 - deleted);
  });
});

describe('lookups by _id (patch 0001)', () => {
  const ids = Array.from({ length: 3 }, () => new mongoose.Types.ObjectId());

  it('finds the right documents for every filter shape that is pushed down', async () => {
    const collection = db.collection<{ _id: string | mongoose.Types.ObjectId; kind: string }>('lookups');
    await collection.insertMany([
      ...Array.from({ length: 30 }, (_, i) => ({ _id: `s-${i}`, kind: i % 2 === 0 ? 'even' : 'odd' })),
      ...ids.map((_id) => ({ _id, kind: 'oid' })),
      { _id: 'quote " < & > é \\ end', kind: 'odd-chars' },
      // JSON writes U+2028 as an escape (\u2028), which sorts below the letters after it.
      { _id: 'r-\u2028', kind: 'line-separator' },
    ]);
    const idsOf = async (filter: Record<string, unknown>): Promise<string[]> =>
      (await collection.find(filter).toArray()).map((doc) => String(doc._id)).sort();

    expect(await idsOf({ _id: 's-3' })).toEqual(['s-3']);
    expect(await idsOf({ _id: { $eq: 's-4' } })).toEqual(['s-4']);
    expect(await idsOf({ _id: 's-3', kind: 'odd' })).toEqual(['s-3']);
    expect(await idsOf({ _id: 's-3', kind: 'even' })).toEqual([]);
    expect(await idsOf({ _id: { $in: ['s-1', 's-2', 'missing', ids[1]] } })).toEqual(['s-1', 's-2', String(ids[1])].sort());
    expect(await idsOf({ _id: { $in: ['s-1', 's-2'] }, kind: 'even' })).toEqual(['s-2']);
    expect(await idsOf({ _id: ids[0], $or: [{ kind: 'oid' }, { kind: 'none' }] })).toEqual([String(ids[0])]);
    expect(await idsOf({ _id: 'quote " < & > é \\ end' })).toEqual(['quote " < & > é \\ end']);
    expect(await idsOf({ _id: { $in: ['quote " < & > é \\ end'] } })).toEqual(['quote " < & > é \\ end']);
    // Ranges (patch 0003): pushed down with safe bounds, filtered by the handler otherwise; the same answers.
    expect(await idsOf({ _id: { $gte: 's-1', $lt: 's-2' } })).toEqual(['s-1', 's-10', 's-11', 's-12', 's-13', 's-14', 's-15', 's-16', 's-17', 's-18', 's-19']);
    expect(await idsOf({ _id: { $gt: 's-1', $lte: 's-11' } })).toEqual(['s-10', 's-11']);
    expect(await idsOf({ _id: { $gte: 's-2', $lt: 's-3' }, kind: 'odd' })).toEqual(['s-21', 's-23', 's-25', 's-27', 's-29']);
    expect(await idsOf({ _id: { $gte: 'quote', $lt: 'quote~' } })).toEqual(['quote " < & > é \\ end']);
    expect(await idsOf({ _id: { $gte: 'quote " <', $lt: 'r' } })).toEqual(['quote " < & > é \\ end']);
    expect(await idsOf({ _id: { $gte: 'r-a', $lt: 'r-~' } })).toEqual([]);
    expect(await idsOf({ _id: { $gte: 'r-a', $lt: 'r.' } })).toEqual(['r-\u2028']);
    // With the caller's promise that the ids are range-safe the bounds are tight; the answers are the same for safe ids.
    const safe = async (filter: Record<string, unknown>) => (await collection.find(filter, { comment: 'minzheng:safe-id-range' }).toArray()).map((doc) => String(doc._id)).sort();
    expect(await safe({ _id: { $gte: 's-1', $lt: 's-2' } })).toEqual(['s-1', 's-10', 's-11', 's-12', 's-13', 's-14', 's-15', 's-16', 's-17', 's-18', 's-19']);
    expect(await safe({ _id: { $gte: 's-1', $lte: 's-11' } })).toEqual(['s-1', 's-10', 's-11']);
  });

  it.each([
    ['{_id: x}', { _id: 's-3' }],
    ['{_id: {$in: [...]}}', { _id: { $in: ['s-1', 's-2'] } }],
    ['{_id: x, kind: y}', { _id: 's-3', kind: 'odd' }],
    ['{_id: {$gte: a, $lt: b}} (patch 0003)', { _id: { $gte: 's-1|', $lt: 's-1|~' } }],
  ])('uses the _id index for %s', async (_shape, filter) => {
    const explained = (await db.command({ explain: { find: 'lookups', filter }, verbosity: 'queryPlanner' })) as {
      queryPlanner?: { Plan?: string[] };
      filterPushdown?: boolean;
    };
    if (ferretdb) {
      // FerretDB returns SQLite's EXPLAIN QUERY PLAN: SEARCH ... USING INDEX <table>__id_, not SCAN.
      const plan = explained.queryPlanner?.Plan ?? [];
      expect(plan.join('\n'), `FerretDB does not use the _id index. ${UNPATCHED_HINT}`).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
      expect(plan.join('\n')).not.toMatch(/\bSCAN\b/);
      expect(explained.filterPushdown).toBe(true);
    } else {
      expect(JSON.stringify(explained.queryPlanner)).not.toContain('COLLSCAN');
    }
  });
});
