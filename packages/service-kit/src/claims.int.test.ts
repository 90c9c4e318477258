/**
 * Claims on the real store: one writer wins each key; a batch re-claims its own keys; a stale
 * claim whose batch was never written is taken over, one whose batch exists is not.
 */
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimStore } from './claims.js';

let connection: Connection;
const written = new Set<string>();
beforeAll(async () => {
  connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('claims')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const store = () => new ClaimStore(connection, 'claims', (batchId) => Promise.resolve(written.has(batchId)), 60_000);

describe('ClaimStore', () => {
  it('lets exactly one batch hold each key, also when batches race, and lets a batch re-claim its own keys', async () => {
    const claims = store();
    const now = new Date('2026-11-23T00:00:00Z');
    const results = await Promise.all(['b1', 'b2', 'b3'].map((batchId) => claims.claim(['k1', 'k2', 'k2', 'k3'], batchId, now)));
    for (const key of ['k1', 'k2', 'k3']) expect(results.filter((held) => held.has(key))).toHaveLength(1);
    const winner = ['b1', 'b2', 'b3'][results.findIndex((held) => held.has('k1'))] ?? '';
    expect(await claims.claim(['k1', 'k4'], winner, now)).toEqual(new Set(['k1', 'k4']));
  });

  it('takes over a stale claim whose batch was never written, but not a fresh one or one whose batch exists', async () => {
    const claims = store();
    const then = new Date('2026-11-23T00:00:00Z');
    await claims.claim(['lost', 'kept'], 'dead-batch', then);
    await claims.claim(['done'], 'live-batch', then);
    written.add('live-batch');
    expect(await claims.claim(['lost', 'done'], 'new-batch', new Date(then.getTime() + 30_000))).toEqual(new Set());
    const later = new Date(then.getTime() + 61_000);
    expect(await claims.claim(['lost', 'done'], 'new-batch', later)).toEqual(new Set(['lost']));
    // Taken over once: a second taker finds it held by a batch that is not stale yet.
    expect(await claims.claim(['lost'], 'another-batch', later)).toEqual(new Set());
  });
});
