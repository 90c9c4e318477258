/**
 * The webhook dispatcher on the real store (FerretDB) with a real HTTP receiver (node:http on port
 * 0) that checks every request with `verifyWebhookSignature`. Time is a movable clock handed to
 * both sides; the passes are driven with `deliverDue()`, so nothing here waits on a timer — except
 * the background-loop test, which polls with `waitFor` and asserts on what arrived, not when.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError } from '@minzheng/service-kit/errors';
import { testMongoUrl, uniqueDatabaseName, waitFor } from '@minzheng/testing';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS, verifyWebhookSignature, type SignatureVerification } from './signature.js';
import { parseWebhooks, type WebhookEndpoint } from './webhook-config.js';
import { DEAD_COLLECTION, DELIVERIES_COLLECTION, DUE_COLLECTION, WebhookDispatcher, type WebhookDispatcherOptions, type WebhookNotification } from './webhook-dispatcher.js';

// --- a receiver as a department would write it -------------------------------------------------

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly verification: SignatureVerification;
}

type Answer = (response: ServerResponse, index: number) => void;

class Receiver {
  readonly received: Received[] = [];
  answer: Answer = (response) => response.writeHead(200).end('ok');
  private readonly held: ServerResponse[] = [];
  private server: Server | undefined;

  constructor(
    private readonly secret: string,
    private readonly clock: () => Date,
  ) {}

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const header = (name: string): string | undefined => {
          const value = request.headers[name.toLowerCase()];
          return Array.isArray(value) ? value[0] : value;
        };
        // The raw bytes are verified before anything parses them.
        const verification = verifyWebhookSignature({ secret: this.secret, timestamp: header(WEBHOOK_HEADERS.timestamp), body: raw, signature: header(WEBHOOK_HEADERS.signature), toleranceSeconds: 300, now: this.clock() });
        this.received.push({ headers: request.headers, body: raw.toString('utf8'), verification });
        if (!verification.valid) {
          response.writeHead(401).end(verification.reason);
          return;
        }
        this.answer(response, this.received.length);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hooks/mz`;
  }

  /** Answers held requests (see `hold`). */
  hold(): void {
    this.answer = (response) => this.held.push(response);
  }

  release(status: number): void {
    for (const response of this.held.splice(0)) response.writeHead(status).end('released');
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const response of this.held.splice(0)) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}

// --- the store, a clock, helpers ---------------------------------------------------------------

let base: Connection;
let connection: Connection;
const receivers: Receiver[] = [];
const dispatchers: WebhookDispatcher[] = [];
let current: Date;
const clock = (): Date => current;
const advance = (ms: number): void => {
  current = new Date(current.getTime() + ms);
};

beforeAll(async () => {
  base = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('webhooks')), { serverSelectionTimeoutMS: 10_000 }).asPromise();
});
afterAll(async () => {
  await base.dropDatabase();
  await base.close();
});

// Each test its own database: a pass reads every due entry of its store, another test's included.
beforeEach(() => {
  connection = base.useDb(uniqueDatabaseName('webhooks'), { useCache: false });
  current = new Date('2026-11-23T08:00:00.000Z');
});
afterEach(async () => {
  try {
    for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
    for (const receiver of receivers.splice(0)) await receiver.close();
  } finally {
    await connection.dropDatabase();
  }
});

async function receiver(secret: string, receiverClock: () => Date = clock): Promise<{ receiver: Receiver; url: string }> {
  const made = new Receiver(secret, receiverClock);
  receivers.push(made);
  return { receiver: made, url: await made.listen() };
}

const newSecret = (): string => randomBytes(32).toString('base64');

function endpoints(...list: Record<string, unknown>[]): readonly WebhookEndpoint[] {
  return parseWebhooks(JSON.stringify(list));
}

function dispatcher(options: Omit<WebhookDispatcherOptions, 'connection'>): WebhookDispatcher {
  const made = new WebhookDispatcher({ connection, now: clock, ...options });
  dispatchers.push(made);
  return made;
}

const notification = (overrides: Partial<WebhookNotification> = {}): WebhookNotification => ({
  kind: 'ALERT_DELIVERED',
  alertId: 'alert-7f3a',
  urgency: 'P1',
  ruleId: 'R_DIBAO_LOST_INCOME',
  payload: { title: '低保边缘户收入骤降', regionCode: '442000100001', assigneeRole: 'SOCIAL_WORKER', sequence: 1 },
  ...overrides,
});

const header = (received: Received | undefined, name: string): unknown => received?.headers[name.toLowerCase()];

async function codeOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return (error as ServiceError).code;
  }
  throw new Error('expected a coded error, got none');
}

// --- the tests ---------------------------------------------------------------------------------

describe('WebhookDispatcher on the real store', () => {
  it('delivers a notification signed: the receiver verifies it, and only matching endpoints get it', async () => {
    const secret = newSecret();
    const { receiver: sms, url } = await receiver(secret);
    const { receiver: onlyP3, url: p3Url } = await receiver(secret);
    const webhooks = dispatcher({ endpoints: endpoints({ id: 'sms', url, keyId: 'sms-2026', secret }, { id: 'only-p3', url: p3Url, keyId: 'k', secret, urgencies: ['P3'] }) });

    expect(await webhooks.enqueue(notification())).toEqual(['sms|alert-7f3a|ALERT_DELIVERED|1']);
    expect(await webhooks.deliverDue()).toMatchObject({ due: 1, delivered: 1, retried: 0, dead: 0 });

    expect(sms.received).toHaveLength(1);
    const [request] = sms.received;
    expect(request?.verification).toEqual({ valid: true });
    expect(header(request, WEBHOOK_HEADERS.deliveryId)).toBe('sms|alert-7f3a|ALERT_DELIVERED|1');
    expect(header(request, WEBHOOK_HEADERS.keyId)).toBe('sms-2026');
    expect(header(request, WEBHOOK_HEADERS.timestamp)).toBe(String(Math.floor(current.getTime() / 1000)));
    expect(header(request, 'content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request!.body)).toEqual({
      id: 'sms|alert-7f3a|ALERT_DELIVERED|1',
      kind: 'ALERT_DELIVERED',
      alertId: 'alert-7f3a',
      urgency: 'P1',
      ruleId: 'R_DIBAO_LOST_INCOME',
      sequence: 1,
      occurredAt: '2026-11-23T08:00:00.000Z',
      payload: notification().payload,
    });
    // Verified against another key, the same request is refused: the signature is the endpoint's.
    expect(verifyWebhookSignature({ secret: newSecret(), timestamp: header(request, WEBHOOK_HEADERS.timestamp) as string, body: request!.body, signature: header(request, WEBHOOK_HEADERS.signature) as string, now: current })).toEqual({ valid: false, reason: 'SIGNATURE_MISMATCH' });
    expect(onlyP3.received).toHaveLength(0);

    expect(await webhooks.delivery('sms|alert-7f3a|ALERT_DELIVERED|1')).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, lastError: null, deliveredAt: current.toISOString(), nextAttemptAt: null });
    // Nothing left due: the next pass sends nothing, and the due queue is empty.
    expect(await webhooks.deliverDue()).toMatchObject({ due: 0, delivered: 0 });
    expect(await connection.collection(DUE_COLLECTION).countDocuments({})).toBe(0);
    expect(sms.received).toHaveLength(1);
  });

  it('retries a receiver that answers 500 twice, with growing backoff, and delivers on the third attempt', async () => {
    const secret = newSecret();
    const { receiver: flaky, url } = await receiver(secret);
    flaky.answer = (response, index) => (index <= 2 ? response.writeHead(500).end('数据库忙 (database busy)') : response.writeHead(204).end());
    const webhooks = dispatcher({ endpoints: endpoints({ id: 'hotline', url, keyId: 'h1', secret }), baseDelayMs: 10 });
    const [id] = await webhooks.enqueue(notification());

    const start = current.getTime();
    expect(await webhooks.deliverDue()).toMatchObject({ due: 1, retried: 1 });
    const first = await webhooks.delivery(id!);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500: 数据库忙 (database busy)' });
    // base · 2^0 = 10 ms, jittered into [5, 10].
    const firstWait = Date.parse(first!.nextAttemptAt!) - start;
    expect(firstWait).toBeGreaterThanOrEqual(5);
    expect(firstWait).toBeLessThanOrEqual(10);
    // Not due yet at the same instant: the pass finds nothing.
    expect(await webhooks.deliverDue()).toMatchObject({ due: 0 });
    expect(flaky.received).toHaveLength(1);

    advance(1000);
    expect(await webhooks.deliverDue()).toMatchObject({ due: 1, retried: 1 });
    const second = await webhooks.delivery(id!);
    expect(second).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: 500 });
    // base · 2^1 = 20 ms, jittered into [10, 20].
    const secondWait = Date.parse(second!.nextAttemptAt!) - current.getTime();
    expect(secondWait).toBeGreaterThanOrEqual(10);
    expect(secondWait).toBeLessThanOrEqual(20);

    advance(1000);
    expect(await webhooks.deliverDue()).toMatchObject({ due: 1, delivered: 1 });
    expect(await webhooks.delivery(id!)).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 204, lastError: 'HTTP 500: 数据库忙 (database busy)' });

    // Three signed requests of one delivery: one id (the receiver's idempotency key), a fresh timestamp each, one body.
    expect(flaky.received.map((request) => request.verification.valid)).toEqual([true, true, true]);
    expect(new Set(flaky.received.map((request) => header(request, WEBHOOK_HEADERS.deliveryId)))).toEqual(new Set([id]));
    expect(new Set(flaky.received.map((request) => header(request, WEBHOOK_HEADERS.timestamp))).size).toBe(3);
    expect(new Set(flaky.received.map((request) => request.body)).size).toBe(1);
    expect(await connection.collection(DUE_COLLECTION).countDocuments({})).toBe(0);
  });

  it('leaves a dead letter with the last error after maxAttempts; replay delivers it once the receiver is fixed', async () => {
    const secret = newSecret();
    const { receiver: down, url } = await receiver(secret);
    down.answer = (response) => response.writeHead(503).end('系统维护 (maintenance)');
    const webhooks = dispatcher({ endpoints: endpoints({ id: 'sms', url, keyId: 'k', secret }), maxAttempts: 3, baseDelayMs: 10 });
    const [id] = await webhooks.enqueue(notification({ kind: 'ALERT_ESCALATED' }));

    expect(await webhooks.deliverDue()).toMatchObject({ retried: 1 });
    advance(60_000);
    expect(await webhooks.deliverDue()).toMatchObject({ retried: 1 });
    advance(60_000);
    expect(await webhooks.deliverDue()).toMatchObject({ dead: 1 });
    const deadAt = current.toISOString();
    expect(await webhooks.delivery(id!)).toMatchObject({ status: 'DEAD', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503: 系统维护 (maintenance)', deadAt, nextAttemptAt: null });

    // Dead means no more attempts, however much time passes.
    advance(3_600_000);
    expect(await webhooks.deliverDue()).toMatchObject({ due: 0 });
    expect(down.received).toHaveLength(3);

    const letters = await webhooks.deadLetters({ page: 1, pageSize: 20 });
    expect(letters).toMatchObject({ page: 1, pageSize: 20, total: 1 });
    expect(letters.items).toEqual([expect.objectContaining({ id, endpointId: 'sms', kind: 'ALERT_ESCALATED', alertId: 'alert-7f3a', attempts: 3, lastError: 'HTTP 503: 系统维护 (maintenance)', deadAt }) as unknown]);
    expect(JSON.stringify(letters)).not.toContain(secret);
    expect(JSON.stringify(letters)).not.toContain('低保边缘户');

    expect(await codeOf(webhooks.replay('sms|nope|ALERT_DELIVERED|0'))).toBe('WEBHOOK_DELIVERY_NOT_FOUND');

    down.answer = (response) => response.writeHead(200).end();
    const replayed = await webhooks.replay(id!);
    expect(replayed).toMatchObject({ id, status: 'PENDING', attempts: 0, replays: 1, deadAt: null, nextAttemptAt: current.toISOString() });
    expect(await codeOf(webhooks.replay(id!))).toBe('WEBHOOK_DELIVERY_NOT_DEAD');
    expect(await webhooks.deadLetters({ page: 1, pageSize: 20 })).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });

    expect(await webhooks.deliverDue()).toMatchObject({ delivered: 1 });
    expect(down.received).toHaveLength(4);
    expect(down.received[3]?.verification).toEqual({ valid: true });
    expect(await webhooks.delivery(id!)).toMatchObject({ status: 'DELIVERED', attempts: 1, replays: 1, lastStatusCode: 200 });
    expect(await codeOf(webhooks.replay(id!))).toBe('WEBHOOK_DELIVERY_NOT_DEAD');
  });

  it('keeps the reason of a network failure and of a timeout as the last error', async () => {
    const secret = newSecret();
    // A port nobody listens on: a receiver opened and closed again.
    const { receiver: gone, url: goneUrl } = await receiver(secret);
    await gone.close();
    const { receiver: silent, url: silentUrl } = await receiver(secret);
    silent.hold();
    const webhooks = dispatcher({ endpoints: endpoints({ id: 'gone', url: goneUrl, keyId: 'k', secret }, { id: 'silent', url: silentUrl, keyId: 'k', secret }), maxAttempts: 1, requestTimeoutMs: 300 });
    const ids = await webhooks.enqueue(notification());

    expect(await webhooks.deliverDue()).toMatchObject({ due: 2, dead: 2 });
    const [refused, timedOut] = await Promise.all(ids.map((id) => webhooks.delivery(id)));
    expect(refused).toMatchObject({ status: 'DEAD', lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') as unknown });
    expect(timedOut).toMatchObject({ status: 'DEAD', lastStatusCode: null, lastError: 'timeout after 300 ms' });
    expect(silent.received).toHaveLength(1);
    expect((await webhooks.deadLetters({ page: 1, pageSize: 1 })).total).toBe(2);
  });

  it('sends a notification enqueued twice once; another sequence of it is another delivery', async () => {
    const secret = newSecret();
    const { receiver: sms, url } = await receiver(secret);
    const webhooks = dispatcher({ endpoints: endpoints({ id: 'sms', url, keyId: 'k', secret }) });

    const first = await webhooks.enqueue(notification());
    const again = await webhooks.enqueue(notification());
    expect(again).toEqual(first);
    expect(await connection.collection(DELIVERIES_COLLECTION).countDocuments({})).toBe(1);
    await webhooks.deliverDue();
    advance(1000);
    await webhooks.deliverDue();
    expect(sms.received).toHaveLength(1);

    // Once more after it was delivered (a redelivered flag event): its reminder is dropped, nothing is sent.
    advance(1000);
    await webhooks.enqueue(notification());
    expect(await webhooks.deliverDue()).toMatchObject({ due: 1, stale: 1, delivered: 0 });
    expect(sms.received).toHaveLength(1);

    // A payload without a sequence is sequence 0; a new sequence is a new delivery.
    expect(await webhooks.enqueue(notification({ payload: { title: 'x' } }))).toEqual(['sms|alert-7f3a|ALERT_DELIVERED|0']);
    expect(await webhooks.enqueue(notification({ payload: { sequence: 2 } }))).toEqual(['sms|alert-7f3a|ALERT_DELIVERED|2']);
    expect(await webhooks.deliverDue()).toMatchObject({ delivered: 2 });
    // One pass sends its deliveries side by side: the two new ones arrive in either order.
    const ids = sms.received.map((request) => header(request, WEBHOOK_HEADERS.deliveryId) as string);
    expect(ids[0]).toBe('sms|alert-7f3a|ALERT_DELIVERED|1');
    expect(ids.slice(1).sort()).toEqual(['sms|alert-7f3a|ALERT_DELIVERED|0', 'sms|alert-7f3a|ALERT_DELIVERED|2']);
    await expect(webhooks.enqueue(notification({ payload: { sequence: 'two' } }))).rejects.toThrow(/payload\.sequence/u);
  });

  it('leaves a delivery another instance is sending (its claim holds a lease): sent once', async () => {
    const secret = newSecret();
    const { receiver: slow, url } = await receiver(secret);
    slow.hold();
    const config = endpoints({ id: 'sms', url, keyId: 'k', secret });
    const first = dispatcher({ endpoints: config });
    const second = dispatcher({ endpoints: config });
    await first.enqueue(notification());

    const firstPass = first.deliverDue();
    // The request arrives only after the first instance's claim is written.
    await waitFor(() => slow.received.length === 1, { description: 'the first instance to send' });
    expect(await second.deliverDue()).toMatchObject({ due: 1, busy: 1, delivered: 0 });
    slow.release(200);
    expect(await firstPass).toMatchObject({ delivered: 1 });
    expect(await second.deliverDue()).toMatchObject({ due: 0 });
    expect(slow.received).toHaveLength(1);
  });

  it('sends in the background after start(), and stop() ends the loop', async () => {
    const secret = newSecret();
    // The real clock on both sides here: the loop runs on its own.
    const { receiver: sms, url } = await receiver(secret, () => new Date());
    const webhooks = new WebhookDispatcher({ connection, endpoints: endpoints({ id: 'sms', url, keyId: 'k', secret }), pollMs: 50 });
    dispatchers.push(webhooks);
    webhooks.start();
    const [id] = await webhooks.enqueue(notification());
    await waitFor(async () => (await webhooks.delivery(id!))?.status === 'DELIVERED', { description: 'the background delivery' });
    await webhooks.stop();
    expect(sms.received.map((request) => request.verification)).toEqual([{ valid: true }]);
    expect(webhooks.metrics()).toMatchObject({ delivered: 1, dead: 0, failures: 0 });
    expect(await connection.collection(DEAD_COLLECTION).countDocuments({})).toBe(0);
  });
});
