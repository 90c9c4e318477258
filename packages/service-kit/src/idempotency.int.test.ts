/**
 * Idempotency-Key on the real store: replay, conflict, in-progress, caller scoping, 4xx kept,
 * 5xx released, stored responses encrypted.
 */
import { randomBytes } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { testKeyring } from '@minzheng/event-bus/test-support';
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.js';
import { parseJwtKeys, signToken } from './auth.js';
import { ServiceError } from './errors.js';
import { idempotency } from './idempotency.js';

const keys = parseJwtKeys(`k1:${randomBytes(32).toString('base64')}`);
let connection: Connection;
let app: App;
let created = 0;
let failNext = false;
let release: (() => void) | undefined;

beforeAll(async () => {
  connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('idem')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  app = await buildApp({ service: { name: 'idem-test', version: '0', title: 't', description: 't' }, jwtKeys: keys, logger: false });
  await app.register(idempotency, { connection, keyring: testKeyring('k1') });
  app.post('/cases', {
    config: { idempotent: true },
    schema: {
      body: Type.Object({ name: Type.String(), amountFen: Type.Integer(), slow: Type.Optional(Type.Boolean()) }),
      response: { 201: Type.Object({ id: Type.Integer(), name: Type.String() }) },
    },
  }, async (request, reply) => {
    if (request.body.amountFen < 0) throw new ServiceError('TEST_NEGATIVE', 400, '金额不能为负 (negative amount)');
    if (failNext) {
      failNext = false;
      throw new Error('store unavailable');
    }
    if (request.body.slow === true) await new Promise<void>((resolve) => (release = resolve));
    created += 1;
    return reply.code(201).send({ id: created, name: request.body.name });
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await connection.dropDatabase();
  await connection.close();
});

const auth = async (subject = 'caseworker-1') => `Bearer ${await signToken(keys, { subject, roles: ['caseworker'], jurisdiction: '442000' })}`;
const post = async (key: string | undefined, payload: object, subject?: string) =>
  app.inject({ method: 'POST', url: '/cases', payload, headers: { authorization: await auth(subject), ...(key === undefined ? {} : { 'idempotency-key': key }) } });

describe('Idempotency-Key', () => {
  it('replays the first result for the same key and body (keys in any order), and refuses a different body with 409', async () => {
    const first = await post('k-1', { name: '张三', amountFen: 100 });
    expect(first.statusCode).toBe(201);
    const again = await post('k-1', { amountFen: 100, name: '张三' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const different = await post('k-1', { name: '张三', amountFen: 200 });
    expect(different.statusCode).toBe(409);
    expect(different.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(created).toBe(1);
    // Stored encrypted: the name is not in the database in clear.
    const stored = await connection.collection('idempotency_keys').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain('张三');
  });

  it('scopes keys to the caller, and creates anew without a key', async () => {
    const before = created;
    await post('shared', { name: 'a', amountFen: 1 }, 'caseworker-1');
    const other = await post('shared', { name: 'a', amountFen: 1 }, 'caseworker-2');
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    await post(undefined, { name: 'a', amountFen: 1 });
    await post(undefined, { name: 'a', amountFen: 1 });
    expect(created - before).toBe(4);
  });

  it('keeps a 4xx result, releases the key after a 5xx, and refuses a bad key', async () => {
    const refused = await post('k-neg', { name: 'x', amountFen: -1 });
    expect(refused.statusCode).toBe(400);
    const refusedAgain = await post('k-neg', { name: 'x', amountFen: -1 });
    expect(refusedAgain.json()).toEqual(refused.json());
    expect(refusedAgain.headers['idempotent-replayed']).toBe('true');

    failNext = true;
    expect((await post('k-500', { name: 'x', amountFen: 5 })).statusCode).toBe(500);
    const retried = await post('k-500', { name: 'x', amountFen: 5 });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();

    const bad = await post('含中文', { name: 'x', amountFen: 5 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID' });
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS while the first request with the key still runs', async () => {
    const first = post('k-slow', { name: 'slow', amountFen: 1, slow: true });
    // Wait until the first request holds the claim (its handler waits on `release`).
    for (let attempt = 0; attempt < 200 && release === undefined; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await post('k-slow', { name: 'slow', amountFen: 1, slow: true });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    release?.();
    expect((await first).statusCode).toBe(201);
  });

  it('documents the header on idempotent routes in the OpenAPI', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json<{ paths: Record<string, { post: { parameters?: { name: string; in: string }[] } }> }>();
    expect(spec.paths['/cases']?.post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]));
  });
});
