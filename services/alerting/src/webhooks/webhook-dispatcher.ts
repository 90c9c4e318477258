/**
 * The webhook dispatcher (Webhook 推送): tells external notification systems (短信网关, 12345 平台)
 * about alerts, signed (`signature.ts`), at least once, with retries and dead letters.
 *
 * Three collections, each read only by `_id` — FerretDB v1 on SQLite hands nothing else to its
 * store, so any other filter decodes the whole collection, and `webhook_deliveries` grows with
 * every notification:
 *
 * - `webhook_deliveries`: one document per (endpoint, alert, kind, sequence), `_id`
 *   `<endpointId>|<alertId>|<kind>|<sequence>`. The deterministic id is the deduplication: the
 *   same notification enqueued twice (a redelivered flag, a use case run again after a crash) is
 *   one delivery (`insertNew` leaves an existing `_id`). The body is fixed at enqueue, so every
 *   attempt sends the same bytes; only the timestamp and signature change.
 * - `webhook_due`: the due queue, `_id` `<nextAttemptAt ISO>|<deliveryId>`, so "due now" is an
 *   `_id` range, and the collection holds only what is waiting. An entry is only a reminder: the
 *   delivery decides (PENDING and due: send; anything else: the entry is stale and dropped).
 *   Changes write the next entry before the delivery and remove the old one last, so a crash in
 *   between leaves an extra reminder (dropped when it fires), never a delivery without one.
 * - `webhook_dead`: the dead letters, `_id` `<deadAt ISO>|<deliveryId>`, so the list is this small
 *   collection newest first. It is written after the delivery became DEAD; an entry whose
 *   delivery is no longer that dead letter (replayed) is stale and removed when listed.
 *
 * Several instances may run the dispatcher. Every state change is guarded by the delivery's
 * `version` (`updateOne({ _id, version })`); whoever loses skips. Before sending, an instance
 * claims the attempt (a version-guarded write that counts it and sets a lease of the request
 * timeout plus a margin); another instance seeing a live lease leaves the entry. A crash after the
 * claim leaves the delivery due: after the lease it is sent again (receivers deduplicate by
 * `X-MZ-Webhook-Id`). On FerretDB concurrent writes to one document are not isolated (the kit's
 * README), so the guard narrows the chance of a double send between instances rather than closing
 * it; delivery is at least once either way.
 *
 * Retries: any answer but 2xx, a network error or a timeout reschedules with exponential backoff
 * (`baseDelayMs · 2^(attempt-1)`, capped at 10 minutes, with jitter: between half and all of it).
 * Redirects are not followed (a 3xx is a failure): a signed body goes only where it was configured.
 * After `maxAttempts` the delivery is DEAD with its last error; `replay` sends it again.
 */
import { defineError } from '@minzheng/service-kit/errors';
import { SAFE_ID_RANGE, insertNew, type Page, type PageResult } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import type { Logger } from 'pino';
import { endpointMatches, type WebhookEndpoint, type WebhookEvent, type WebhookUrgency } from './webhook-config.js';
import { webhookHeaders } from './signature.js';

export const DELIVERIES_COLLECTION = 'webhook_deliveries';
export const DUE_COLLECTION = 'webhook_due';
export const DEAD_COLLECTION = 'webhook_dead';

/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 10 * 60 * 1000;
/** Due entries read per pass, and deliveries sent at once (one slow receiver must not hold up the rest). */
const PASS_BATCH = 100;
const PASS_CONCURRENCY = 4;
/** Added to the request timeout for a claim's lease: the claim's own write and the outcome's. */
const LEASE_MARGIN_MS = 30_000;
/** How much of a refusing receiver's answer is kept in `lastError`. */
const ERROR_SNIPPET_CHARS = 200;

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

/** What the service tells the dispatcher (the `Notifier` of `deps.ts`). */
export interface WebhookNotification {
  readonly kind: WebhookEvent;
  readonly alertId: string;
  readonly urgency: WebhookUrgency;
  readonly ruleId: string;
  /** Sent as `payload`; `payload.sequence` (a non-negative integer, default 0) tells versions of one kind apart. */
  readonly payload: Record<string, unknown>;
}

export interface StoredDelivery {
  _id: string;
  endpointId: string;
  alertId: string;
  kind: WebhookEvent;
  sequence: number;
  urgency: WebhookUrgency;
  ruleId: string;
  /** The JSON sent, fixed at enqueue. */
  body: string;
  status: WebhookDeliveryStatus;
  /** Attempts since the delivery was enqueued or last replayed. */
  attempts: number;
  nextAttemptAt: Date;
  /** Set while an instance is sending; another instance leaves the delivery until then. */
  leaseUntil: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  lastAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
  deadAt: Date | null;
  /** The `webhook_dead` entry of a DEAD delivery. */
  deadKey: string | null;
  replays: number;
  version: number;
}

interface DueEntry {
  _id: string;
  deliveryId: string;
  dueAt: Date;
}

interface DeadEntry {
  _id: string;
  deliveryId: string;
  deadAt: Date;
}

/** What routes and callers see of a delivery: no body, no secret. */
export interface WebhookDeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly kind: WebhookEvent;
  readonly alertId: string;
  readonly urgency: WebhookUrgency;
  readonly ruleId: string;
  readonly sequence: number;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly deadAt: string | null;
  readonly replays: number;
}

/** What one pass did. */
export interface DispatchSummary {
  /** Due entries read. */
  readonly due: number;
  readonly delivered: number;
  /** Failed attempts rescheduled. */
  readonly retried: number;
  /** Failed attempts that were the last (the delivery is a dead letter now). */
  readonly dead: number;
  /** Entries dropped without a send (the delivery was done, dead, rescheduled or missing). */
  readonly stale: number;
  /** Entries left for another instance (it holds the lease, or changed the delivery first). */
  readonly busy: number;
  /** Entries whose handling failed on the store (left for the next pass). */
  readonly failed: number;
}

export interface WebhookDispatcherMetrics {
  readonly passes: number;
  readonly delivered: number;
  readonly retried: number;
  readonly dead: number;
  readonly failures: number;
  readonly lastError: string | null;
}

export interface WebhookDispatcherOptions {
  readonly connection: Connection;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly now?: () => Date;
  /** Attempts before a delivery is dead (default 8). */
  readonly maxAttempts?: number;
  /** The first retry's delay (default 1000 ms; doubling, capped at 10 minutes, with jitter). */
  readonly baseDelayMs?: number;
  /** How long one request may take, the receiver's answer included (default 5000 ms). */
  readonly requestTimeoutMs?: number;
  /** How often the loop of `start()` looks for due deliveries (default 500 ms). */
  readonly pollMs?: number;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export const WebhookErrors = {
  deliveryNotFound: defineError('WEBHOOK_DELIVERY_NOT_FOUND', 404, 'Webhook 推送记录不存在 (no such webhook delivery)', (id: string) => ({
    message: `Webhook 推送记录不存在 (webhook delivery ${id} not found)`,
    details: { field: 'id', rule: 'must name a webhook delivery', id },
  })),
  deliveryNotDead: defineError('WEBHOOK_DELIVERY_NOT_DEAD', 409, '只能重放死信 (only a dead letter can be replayed)', (id: string, status: string) => ({
    message: `该推送不是死信，当前状态为 ${status}，不能重放 (delivery ${id} is ${status}, not DEAD: only dead letters are replayed)`,
    details: { field: 'id', rule: 'must name a DEAD delivery', id, status },
  })),
  concurrentChange: defineError('WEBHOOK_DELIVERY_CONCURRENT_CHANGE', 409, 'Webhook 推送记录已被他人修改 (the delivery changed meanwhile)', (id: string) => ({
    message: `该推送已被他人修改，请刷新后重试 (delivery ${id} changed meanwhile; reload and retry)`,
    details: { field: 'id', rule: 'the delivery must not change while it is replayed', id },
  })),
};

/** A delivery's `_id`: one per endpoint, alert, kind and sequence. */
export const deliveryIdOf = (endpointId: string, alertId: string, kind: WebhookEvent, sequence: number): string => `${endpointId}|${alertId}|${kind}|${String(sequence)}`;

const dueIdOf = (dueAt: Date, deliveryId: string): string => `${dueAt.toISOString()}|${deliveryId}`;

/**
 * The wait before the attempt after `attempt` failures: `baseDelayMs · 2^(attempt-1)`, capped at
 * `MAX_RETRY_DELAY_MS`, then jittered to between half and all of it, so receivers coming back
 * from an outage are not hit by every retry at the same instant, and no retry is immediate.
 */
export function retryDelayMs(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

function sequenceOf(payload: Record<string, unknown>): number {
  const sequence = payload.sequence ?? 0;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw new TypeError('payload.sequence must be a non-negative integer (it tells versions of one notification apart)');
  }
  return sequence;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

export function deliveryView(delivery: StoredDelivery): WebhookDeliveryView {
  return {
    id: delivery._id,
    endpointId: delivery.endpointId,
    kind: delivery.kind,
    alertId: delivery.alertId,
    urgency: delivery.urgency,
    ruleId: delivery.ruleId,
    sequence: delivery.sequence,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    lastStatusCode: delivery.lastStatusCode,
    createdAt: delivery.createdAt.toISOString(),
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === 'PENDING' ? delivery.nextAttemptAt.toISOString() : null,
    deliveredAt: iso(delivery.deliveredAt),
    deadAt: delivery.status === 'DEAD' ? iso(delivery.deadAt) : null,
    replays: delivery.replays,
  };
}

type Outcome = { readonly ok: true; readonly statusCode: number } | { readonly ok: false; readonly statusCode: number | null; readonly error: string };

interface Tally {
  due: number;
  delivered: number;
  retried: number;
  dead: number;
  stale: number;
  busy: number;
  failed: number;
}

export class WebhookDispatcher {
  readonly endpoints: readonly WebhookEndpoint[];
  private readonly byId: ReadonlyMap<string, WebhookEndpoint>;
  private readonly deliveries: mongo.Collection<StoredDelivery>;
  private readonly dueQueue: mongo.Collection<DueEntry>;
  private readonly deadLetterIndex: mongo.Collection<DeadEntry>;
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly requestTimeoutMs: number;
  private readonly pollMs: number;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | null = null;
  private wakeRequested = false;
  private counts = { passes: 0, delivered: 0, retried: 0, dead: 0, failures: 0, lastError: null as string | null };

  constructor(options: WebhookDispatcherOptions) {
    this.endpoints = options.endpoints;
    const byId = new Map<string, WebhookEndpoint>();
    for (const endpoint of options.endpoints) {
      if (byId.has(endpoint.id)) throw new Error(`webhook endpoint id ${endpoint.id} appears twice (parseWebhooks refuses this)`);
      byId.set(endpoint.id, endpoint);
    }
    this.byId = byId;
    this.deliveries = options.connection.collection<StoredDelivery>(DELIVERIES_COLLECTION);
    this.dueQueue = options.connection.collection<DueEntry>(DUE_COLLECTION);
    this.deadLetterIndex = options.connection.collection<DeadEntry>(DEAD_COLLECTION);
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.pollMs = options.pollMs ?? 500;
    this.logger = options.logger;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error('maxAttempts must be a positive integer');
    if (!(this.baseDelayMs >= 0) || !(this.requestTimeoutMs > 0) || !(this.pollMs > 0)) throw new Error('baseDelayMs must be ≥ 0, requestTimeoutMs and pollMs > 0');
  }

  /**
   * Stores one delivery per endpoint whose filters match, due now, and returns their ids. The same
   * notification again (same alert, kind and `payload.sequence`) adds no delivery; it does add a
   * reminder, which finishes a delivery a crash left without one and is dropped otherwise.
   */
  async enqueue(notification: WebhookNotification): Promise<string[]> {
    const matching = this.endpoints.filter((endpoint) => endpointMatches(endpoint, notification));
    if (matching.length === 0) return [];
    const sequence = sequenceOf(notification.payload);
    const now = this.now();
    const deliveries: StoredDelivery[] = matching.map((endpoint) => {
      const id = deliveryIdOf(endpoint.id, notification.alertId, notification.kind, sequence);
      const body = JSON.stringify({
        id,
        kind: notification.kind,
        alertId: notification.alertId,
        urgency: notification.urgency,
        ruleId: notification.ruleId,
        sequence,
        occurredAt: now.toISOString(),
        payload: notification.payload,
      });
      return {
        _id: id,
        endpointId: endpoint.id,
        alertId: notification.alertId,
        kind: notification.kind,
        sequence,
        urgency: notification.urgency,
        ruleId: notification.ruleId,
        body,
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        lastError: null,
        lastStatusCode: null,
        lastAttemptAt: null,
        createdAt: now,
        updatedAt: now,
        deliveredAt: null,
        deadAt: null,
        deadKey: null,
        replays: 0,
        version: 1,
      };
    });
    // The deliveries first: a reminder never points at a delivery still to be written.
    await insertNew(this.deliveries, deliveries);
    await insertNew(this.dueQueue, deliveries.map((delivery) => ({ _id: dueIdOf(now, delivery._id), deliveryId: delivery._id, dueAt: now })));
    this.wake();
    return deliveries.map((delivery) => delivery._id);
  }

  /** Runs passes every `pollMs` (and at once after an enqueue or a replay) until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop; resolves when the pass in progress is done. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
  }

  metrics(): WebhookDispatcherMetrics {
    return { ...this.counts };
  }

  /** One pass: every delivery due at `now` is attempted once (also for tests). */
  async deliverDue(): Promise<DispatchSummary> {
    this.counts.passes += 1;
    const now = this.now();
    const entries = await this.dueQueue
      .find({ _id: { $gte: '0', $lt: `${now.toISOString()}|~` } }, { comment: SAFE_ID_RANGE })
      .sort({ _id: 1 })
      .limit(PASS_BATCH)
      .toArray();
    const tally: Tally = { due: entries.length, delivered: 0, retried: 0, dead: 0, stale: 0, busy: 0, failed: 0 };
    // One delivery's reminders one after another (the second then finds it handled); deliveries side by side.
    const groups = new Map<string, DueEntry[]>();
    for (const entry of entries) groups.set(entry.deliveryId, [...(groups.get(entry.deliveryId) ?? []), entry]);
    const queue = [...groups.values()];
    const worker = async (): Promise<void> => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        for (const entry of group) await this.handleSafely(entry, tally);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PASS_CONCURRENCY, queue.length) }, worker));
    this.counts.delivered += tally.delivered;
    this.counts.retried += tally.retried;
    this.counts.dead += tally.dead;
    return { ...tally };
  }

  /** One delivery as callers see it, or null. */
  async delivery(id: string): Promise<WebhookDeliveryView | null> {
    const delivery = await this.deliveries.findOne({ _id: id });
    return delivery === null ? null : deliveryView(delivery);
  }

  /** The dead letters, newest first. */
  async deadLetters(page: Page): Promise<PageResult<WebhookDeliveryView>> {
    const [total, entries] = await Promise.all([
      this.deadLetterIndex.countDocuments({}),
      this.deadLetterIndex
        .find({})
        .sort({ _id: -1 })
        .skip((page.page - 1) * page.pageSize)
        .limit(page.pageSize)
        .toArray(),
    ]);
    const items: WebhookDeliveryView[] = [];
    let stale = 0;
    for (const entry of entries) {
      const delivery = await this.deliveries.findOne({ _id: entry.deliveryId });
      if (delivery?.status === 'DEAD' && delivery.deadKey === entry._id) {
        items.push(deliveryView(delivery));
        continue;
      }
      // Replayed (or replayed and dead again, under a newer entry): an entry is written only after
      // its delivery became that dead letter, so one that no longer is can go.
      stale += 1;
      await this.deadLetterIndex.deleteOne({ _id: entry._id });
    }
    return { items, page: page.page, pageSize: page.pageSize, total: Math.max(0, total - stale) };
  }

  /**
   * Sends a dead letter again: PENDING, attempts from zero, due now (the last error stays until
   * an attempt replaces it). `WEBHOOK_DELIVERY_NOT_FOUND`, `WEBHOOK_DELIVERY_NOT_DEAD`.
   */
  async replay(id: string): Promise<WebhookDeliveryView> {
    const delivery = await this.deliveries.findOne({ _id: id });
    if (delivery === null) throw WebhookErrors.deliveryNotFound(id);
    if (delivery.status !== 'DEAD') throw WebhookErrors.deliveryNotDead(id, delivery.status);
    const now = this.now();
    await insertNew(this.dueQueue, [{ _id: dueIdOf(now, id), deliveryId: id, dueAt: now }]);
    const result = await this.deliveries.updateOne(
      { _id: id, version: delivery.version, status: 'DEAD' },
      { $set: { status: 'PENDING', attempts: 0, nextAttemptAt: now, leaseUntil: null, deadKey: null, updatedAt: now }, $inc: { version: 1, replays: 1 } },
    );
    if (result.modifiedCount !== 1) {
      const current = await this.deliveries.findOne({ _id: id });
      if (current !== null && current.status !== 'DEAD') throw WebhookErrors.deliveryNotDead(id, current.status);
      throw WebhookErrors.concurrentChange(id);
    }
    if (delivery.deadKey !== null) await this.deadLetterIndex.deleteOne({ _id: delivery.deadKey });
    this.logger?.info({ deliveryId: id, endpointId: delivery.endpointId }, 'webhook dead letter replayed');
    this.wake();
    const replayed = await this.deliveries.findOne({ _id: id });
    if (replayed === null) throw WebhookErrors.deliveryNotFound(id);
    return deliveryView(replayed);
  }

  private async handleSafely(entry: DueEntry, tally: Tally): Promise<void> {
    try {
      await this.handle(entry, tally);
    } catch (error) {
      // The entry stays: the next pass tries again (after the lease, if the claim was written).
      tally.failed += 1;
      this.counts.failures += 1;
      this.counts.lastError = (error as Error).message;
      this.logger?.error({ err: error, deliveryId: entry.deliveryId }, 'webhook delivery step failed; retried at the next pass');
    }
  }

  private async handle(entry: DueEntry, tally: Tally): Promise<void> {
    const delivery = await this.deliveries.findOne({ _id: entry.deliveryId });
    const now = this.now();
    if (delivery?.status !== 'PENDING' || delivery.nextAttemptAt.getTime() > now.getTime()) {
      // A dead letter whose index entry a crash kept from being written gets it here.
      if (delivery?.status === 'DEAD' && delivery.deadKey !== null && delivery.deadAt !== null) {
        await insertNew(this.deadLetterIndex, [{ _id: delivery.deadKey, deliveryId: delivery._id, deadAt: delivery.deadAt }]);
      }
      tally.stale += 1;
      await this.dueQueue.deleteOne({ _id: entry._id });
      return;
    }
    if (delivery.leaseUntil !== null && delivery.leaseUntil.getTime() > now.getTime()) {
      tally.busy += 1;
      return;
    }
    const attempt = delivery.attempts + 1;
    const claim = await this.deliveries.updateOne(
      { _id: delivery._id, version: delivery.version },
      { $set: { leaseUntil: new Date(now.getTime() + this.requestTimeoutMs + LEASE_MARGIN_MS), lastAttemptAt: now, updatedAt: now }, $inc: { attempts: 1, version: 1 } },
    );
    if (claim.modifiedCount !== 1) {
      tally.busy += 1;
      return;
    }
    const version = delivery.version + 1;
    const endpoint = this.byId.get(delivery.endpointId);
    // An endpoint this instance does not know (removed, or added on an instance with newer
    // configuration during a rolling deploy) fails like a refusing receiver: retried, then dead.
    const outcome: Outcome = endpoint === undefined ? { ok: false, statusCode: null, error: `endpoint ${delivery.endpointId} is not configured on this instance` } : await this.send(endpoint, delivery, now);
    const after = this.now();
    const log = { deliveryId: delivery._id, endpointId: delivery.endpointId, alertId: delivery.alertId, kind: delivery.kind, attempt };
    if (outcome.ok) {
      const done = await this.deliveries.updateOne(
        { _id: delivery._id, version },
        { $set: { status: 'DELIVERED', deliveredAt: after, leaseUntil: null, lastStatusCode: outcome.statusCode, updatedAt: after }, $inc: { version: 1 } },
      );
      if (done.modifiedCount !== 1) {
        this.lost(tally, log);
        return;
      }
      await this.dueQueue.deleteOne({ _id: entry._id });
      tally.delivered += 1;
      this.logger?.info({ ...log, statusCode: outcome.statusCode }, 'webhook delivered');
      return;
    }
    if (attempt >= this.maxAttempts) {
      const deadKey = dueIdOf(after, delivery._id);
      const dead = await this.deliveries.updateOne(
        { _id: delivery._id, version },
        { $set: { status: 'DEAD', deadAt: after, deadKey, leaseUntil: null, lastError: outcome.error, lastStatusCode: outcome.statusCode, updatedAt: after }, $inc: { version: 1 } },
      );
      if (dead.modifiedCount !== 1) {
        this.lost(tally, log);
        return;
      }
      await insertNew(this.deadLetterIndex, [{ _id: deadKey, deliveryId: delivery._id, deadAt: after }]);
      await this.dueQueue.deleteOne({ _id: entry._id });
      tally.dead += 1;
      this.logger?.warn({ ...log, lastError: outcome.error }, 'webhook delivery dead after its last attempt (replay: POST /webhooks/dead-letters/{id}/replay)');
      return;
    }
    const next = new Date(after.getTime() + retryDelayMs(attempt, this.baseDelayMs));
    // The next reminder before the delivery changes, the old one removed last.
    await insertNew(this.dueQueue, [{ _id: dueIdOf(next, delivery._id), deliveryId: delivery._id, dueAt: next }]);
    const retry = await this.deliveries.updateOne(
      { _id: delivery._id, version },
      { $set: { nextAttemptAt: next, leaseUntil: null, lastError: outcome.error, lastStatusCode: outcome.statusCode, updatedAt: after }, $inc: { version: 1 } },
    );
    if (retry.modifiedCount !== 1) {
      this.lost(tally, log);
      return;
    }
    await this.dueQueue.deleteOne({ _id: entry._id });
    tally.retried += 1;
    this.logger?.warn({ ...log, lastError: outcome.error, nextAttemptAt: next.toISOString() }, 'webhook attempt failed; retried later');
  }

  /** Someone changed the delivery during our attempt (our lease ran out): they carry on; our reminder is judged again later. */
  private lost(tally: Tally, log: Record<string, unknown>): void {
    tally.busy += 1;
    this.logger?.warn(log, 'webhook delivery changed during the attempt (lease ran out); left to the other writer');
  }

  private async send(endpoint: WebhookEndpoint, delivery: StoredDelivery, at: Date): Promise<Outcome> {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'minzheng-alerting-webhooks/1',
      ...webhookHeaders({ deliveryId: delivery._id, keyId: endpoint.keyId, secret: endpoint.secret, body: delivery.body, at }),
    };
    try {
      const response = await fetch(endpoint.url, { method: 'POST', headers, body: delivery.body, redirect: 'manual', signal: AbortSignal.timeout(this.requestTimeoutMs) });
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel();
        return { ok: true, statusCode: response.status };
      }
      const snippet = await snippetOf(response);
      return { ok: false, statusCode: response.status, error: `HTTP ${String(response.status)}${snippet === '' ? '' : `: ${snippet}`}` };
    } catch (error) {
      return { ok: false, statusCode: null, error: this.describe(error) };
    }
  }

  private describe(error: unknown): string {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${String(this.requestTimeoutMs)} ms`;
    if (!(error instanceof Error)) return 'network error';
    // fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in the cause.
    const cause: unknown = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const causeMessage = cause instanceof Error ? cause.message : undefined;
    return `network error: ${error.message}${code === undefined ? '' : ` (${code})`}${causeMessage === undefined || causeMessage === '' ? '' : `: ${causeMessage}`}`.slice(0, 500);
  }

  private wake(): void {
    if (!this.running) return;
    if (this.pass !== null) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.wakeRequested = false;
      this.pass = this.deliverDue()
        .then(
          () => undefined,
          (error: unknown) => {
            this.counts.failures += 1;
            this.counts.lastError = (error as Error).message;
            this.logger?.error({ err: error }, 'webhook pass failed; retried at the next poll');
          },
        )
        .finally(() => {
          this.pass = null;
          this.schedule(this.wakeRequested ? 0 : this.pollMs);
        });
    }, delay);
    this.timer.unref();
  }
}

interface ByteReader {
  read(): Promise<{ readonly done: true } | { readonly done: false; readonly value: Uint8Array }>;
  cancel(): Promise<void>;
}

/** The start of a refusing receiver's answer, on one line (for `lastError`). */
async function snippetOf(response: Response): Promise<string> {
  // Node's lib types leave the stream's chunks untyped; fetch's are bytes.
  const reader = response.body?.getReader() as ByteReader | undefined;
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 1024) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const value = chunk.value;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // The status says enough when the body cannot be read.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\s+/gu, ' ').trim().slice(0, ERROR_SNIPPET_CHARS);
}
