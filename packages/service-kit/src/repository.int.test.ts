/**
 * Bulk writes on the real store: guarded upserts that meet a duplicate on purpose do not take the
 * rest of their call with them (FerretDB v1 stops an unordered bulkWrite at its first failure).
 */
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkWriteAll } from './repository.js';

let connection: Connection;
beforeAll(async () => {
  connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('repository')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

interface Versioned {
  _id: string;
  version: number;
}

const guarded = (_id: string, version: number) => ({ replaceOne: { filter: { _id, version: { $lt: version } }, replacement: { version }, upsert: true } });

describe('bulkWriteAll', () => {
  it('applies every guarded upsert that should win, whatever met a duplicate before it, and counts the duplicates', async () => {
    const collection = connection.collection<Versioned>('versioned');
    await collection.insertMany([{ _id: 'newer', version: 9 }, { _id: 'older', version: 1 }]);
    // 250 operations: the one that must lose comes first, so a store that stops there would leave the rest undone.
    const operations = [guarded('newer', 3), guarded('older', 3), ...Array.from({ length: 248 }, (_, index) => guarded(`fresh-${String(index)}`, 1))];
    expect(await bulkWriteAll(collection, operations)).toBe(1);
    expect(await collection.findOne({ _id: 'newer' })).toEqual({ _id: 'newer', version: 9 });
    expect(await collection.findOne({ _id: 'older' })).toEqual({ _id: 'older', version: 3 });
    expect(await collection.countDocuments({})).toBe(250);
    // Again: everything is as new already; nothing changes (each operation meets its duplicate at least once).
    expect(await bulkWriteAll(collection, operations)).toBeGreaterThanOrEqual(250);
    expect(await collection.countDocuments({})).toBe(250);
  });

  it('throws a failure other than a duplicate key', async () => {
    const collection = connection.collection<Versioned>('broken');
    await expect(bulkWriteAll(collection, [{ updateOne: { filter: { _id: 'x' }, update: { $inc: { version: 'one' as unknown as number } }, upsert: true } }])).rejects.toThrow();
  });
});
