/**
 * The webhook routes on the kit's app and the real store: admins only, endpoints without secrets,
 * the dead letters paginated, replay with the platform's error format.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '@minzheng/service-kit/app';
import { parseJwtKeys, signToken, type Role } from '@minzheng/service-kit/auth';
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhooks } from './webhook-config.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { webhookRoutes } from './webhook-routes.js';

const keys = parseJwtKeys(`k1:${randomBytes(32).toString('base64')}`);
const secret = randomBytes(32).toString('base64');
const token = (role: Role) => signToken(keys, { subject: `u-${role}`, roles: [role], jurisdiction: '442000' });

let connection: Connection;
let app: App;
let dispatcher: WebhookDispatcher;
let receiverPort: number;
let downUrl: string;
const receiver = createServer((_request, response) => response.writeHead(200).end());

beforeAll(async () => {
  connection = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('webhook_routes')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  // "down" points at a port nobody listens on: one opened and closed again.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${String((closed.address() as AddressInfo).port)}/hooks`;
  await new Promise<void>((resolve) => closed.close(() => { resolve(); }));
  const endpoints = parseWebhooks(JSON.stringify([
    { id: 'sms', url: `http://127.0.0.1:${String(receiverPort)}/hooks`, keyId: 'sms-2026', secret, urgencies: ['P1'], events: ['ALERT_DELIVERED'] },
    { id: 'down', url: downUrl, keyId: 'down-1', secret },
  ]));
  dispatcher = new WebhookDispatcher({ connection, endpoints, maxAttempts: 1 });
  app = await buildApp({ service: { name: 'alerting', version: '0.0.0', title: 't', description: 'd' }, jwtKeys: keys, logger: false, tags: [{ name: 'webhooks', description: 'w' }] });
  webhookRoutes(app, dispatcher);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => { resolve(); }));
  await connection.dropDatabase();
  await connection.close();
});

describe('webhook routes', () => {
  it('lists the endpoints with their filters and never a secret', async () => {
    const response = await app.inject({ method: 'GET', url: '/webhooks', headers: { authorization: `Bearer ${await token('admin')}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { id: 'sms', url: `http://127.0.0.1:${String(receiverPort)}/hooks`, keyId: 'sms-2026', urgencies: ['P1'], ruleIds: null, events: ['ALERT_DELIVERED'] },
      { id: 'down', url: downUrl, keyId: 'down-1', urgencies: null, ruleIds: null, events: null },
    ]);
    expect(response.body).not.toContain(secret);
    expect(response.body).not.toContain('secret');
  });

  it('is for admins only', async () => {
    for (const url of ['/webhooks', '/webhooks/dead-letters']) {
      const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await token('supervisor')}` } });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    }
    expect((await app.inject({ method: 'POST', url: '/webhooks/dead-letters/x/replay' })).json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('pages the dead letters and replays one; unknown and live deliveries are coded errors', async () => {
    const admin = { authorization: `Bearer ${await token('admin')}` };
    const [deliveredId, deadId] = await dispatcher.enqueue({ kind: 'ALERT_DELIVERED', alertId: 'alert-1', urgency: 'P1', ruleId: 'R_A', payload: { sequence: 1 } });
    await dispatcher.enqueue({ kind: 'ALERT_RESOLVED', alertId: 'alert-2', urgency: 'P4', ruleId: 'R_B', payload: {} });
    expect(await dispatcher.deliverDue()).toMatchObject({ delivered: 1, dead: 2 });

    const first = await app.inject({ method: 'GET', url: '/webhooks/dead-letters?page=1&pageSize=1', headers: admin });
    expect(first.statusCode).toBe(200);
    const page = first.json<{ items: Record<string, unknown>[]; page: number; pageSize: number; total: number }>();
    expect(page).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(page.items).toHaveLength(1);
    expect(Object.keys(page.items[0]!).sort()).toEqual(['alertId', 'attempts', 'createdAt', 'deadAt', 'deliveredAt', 'endpointId', 'id', 'kind', 'lastAttemptAt', 'lastError', 'lastStatusCode', 'nextAttemptAt', 'replays', 'ruleId', 'sequence', 'status', 'urgency']);
    expect(page.items[0]).toMatchObject({ endpointId: 'down', status: 'DEAD', attempts: 1, lastError: expect.stringContaining('ECONNREFUSED') as unknown });
    const second = (await app.inject({ method: 'GET', url: '/webhooks/dead-letters?page=2&pageSize=1', headers: admin })).json<{ items: { id: string }[] }>();
    expect([page.items[0]!.id, second.items[0]!.id].sort()).toEqual(['down|alert-1|ALERT_DELIVERED|1', 'down|alert-2|ALERT_RESOLVED|0']);

    const replayed = await app.inject({ method: 'POST', url: `/webhooks/dead-letters/${encodeURIComponent(deadId!)}/replay`, headers: admin });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ id: deadId, status: 'PENDING', attempts: 0, replays: 1 });
    expect((await app.inject({ method: 'GET', url: '/webhooks/dead-letters', headers: admin })).json()).toMatchObject({ total: 1, page: 1, pageSize: 20 });

    const live = await app.inject({ method: 'POST', url: `/webhooks/dead-letters/${encodeURIComponent(deliveredId!)}/replay`, headers: admin });
    expect(live.statusCode).toBe(409);
    expect(live.json()).toMatchObject({ code: 'WEBHOOK_DELIVERY_NOT_DEAD', details: { field: 'id', status: 'DELIVERED' } });
    const unknown = await app.inject({ method: 'POST', url: '/webhooks/dead-letters/nope/replay', headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'WEBHOOK_DELIVERY_NOT_FOUND', details: { field: 'id', id: 'nope' } });
  });

  it('documents the three routes in the OpenAPI JSON', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, { summary?: string }>> }>();
    expect(spec.paths['/webhooks']?.get?.summary).toMatch(/Webhook 端点列表.*\(the configured webhook endpoints/u);
    expect(spec.paths['/webhooks/dead-letters']?.get?.summary).toMatch(/死信/u);
    expect(spec.paths['/webhooks/dead-letters/{id}/replay']?.post?.summary).toMatch(/重放死信/u);
  });
});
