/**
 * `Idempotency-Key` on creating POSTs (routes with `config: { idempotent: true }`): the same key
 * with the same body gives the same result (the stored response is replayed, with the header
 * `Idempotent-Replayed: true`); the same key with a different body is 409
 * IDEMPOTENCY_KEY_REUSED; a second request while the first still runs is 409
 * IDEMPOTENCY_IN_PROGRESS. Keys are scoped to the caller (token subject) and the route, so two
 * callers never collide.
 *
 * Results are kept in the service's database (`idempotency_keys`): one document per key, claimed
 * with an insert on `_id` (atomic on MongoDB and FerretDB v1), completed when the response is
 * sent. 4xx results are kept (the same request gets the same refusal); a 5xx result releases the
 * key so the client can retry. Stored responses are encrypted with the service's field keyring
 * (they may contain personal data). Expired keys are removed hourly (FerretDB v1 has no TTL
 * indexes).
 *
 * Register it before the routes (it adds the header to their OpenAPI).
 */
import { createHash } from 'node:crypto';
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Connection } from 'mongoose';
import { KitErrors } from './errors.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/u;
const DUPLICATE_KEY = 11_000;

export interface IdempotencyOptions {
  readonly connection: Connection;
  readonly keyring: Keyring;
  readonly collection?: string;
  /** How long a key is remembered (default 24 hours). */
  readonly retentionHours?: number;
  /** A claim older than this is considered abandoned (its request died) and may be taken over. */
  readonly staleAfterMs?: number;
}

interface IdempotencyRecord {
  _id: string;
  fingerprint: string;
  state: 'running' | 'completed';
  statusCode?: number;
  contentType?: string;
  body?: string;
  createdAt: Date;
  expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The idempotency record this request claimed, if any. */
    idempotencyRecordId: string | undefined;
  }
}

/**
 * JSON with object keys sorted at every level and no whitespace, so `{a,b}` and `{b,a}` are the
 * same request (also the bytes a receipt signature covers, and what a content checksum hashes).
 * Dates as JSON.stringify writes them (ISO-8601).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  // JSON.stringify gives undefined for undefined, functions and symbols: not JSON, so null.
  return value === undefined || typeof value === 'function' || typeof value === 'symbol' ? 'null' : JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function idempotencyPlugin(app: FastifyInstance, options: IdempotencyOptions, done: (error?: Error) => void): void {
  const collection = options.connection.collection<IdempotencyRecord>(options.collection ?? 'idempotency_keys');
  const retentionMs = (options.retentionHours ?? 24) * 3_600_000;
  const staleAfterMs = options.staleAfterMs ?? 120_000;
  app.decorateRequest('idempotencyRecordId', undefined);

  // Document the header on every idempotent route.
  app.addHook('onRoute', (route) => {
    if (route.config?.idempotent !== true) return;
    const schema = (route.schema ??= {}) as { headers?: Record<string, unknown> };
    const headers = (schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> };
    headers.properties = {
      ...headers.properties,
      [IDEMPOTENCY_HEADER]: {
        type: 'string',
        description: '幂等键：同一键与相同请求体返回相同结果 (same key + same body = same result; a different body is 409)',
        minLength: 1,
        maxLength: 200,
      },
    };
    schema.headers = headers;
  });

  const replay = (record: IdempotencyRecord, reply: FastifyReply, id: string): FastifyReply => {
    void reply.header('idempotent-replayed', 'true');
    if (record.contentType) void reply.type(record.contentType);
    return reply.code(record.statusCode ?? 200).send(record.body === undefined ? undefined : decryptField(options.keyring, record.body, `idempotency|${id}`));
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.idempotent !== true) return;
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw KitErrors.idempotencyKeyInvalid();
    const scope = request.principal?.subject ?? 'anonymous';
    const id = sha256(`${scope}|${request.method}|${request.routeOptions.url ?? request.url}|${key}`);
    const fingerprint = sha256(canonicalJson(request.body));
    const now = new Date();
    try {
      await collection.insertOne({ _id: id, fingerprint, state: 'running', createdAt: now, expiresAt: new Date(now.getTime() + retentionMs) });
      request.idempotencyRecordId = id;
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
    }
    const existing = await collection.findOne({ _id: id });
    if (!existing) throw KitErrors.idempotencyInProgress(); // removed meanwhile (a 5xx released it): let the client retry
    if (existing.fingerprint !== fingerprint) throw KitErrors.idempotencyKeyReused();
    if (existing.state === 'completed') return replay(existing, reply, id);
    if (now.getTime() - existing.createdAt.getTime() < staleAfterMs) throw KitErrors.idempotencyInProgress();
    // The first request died without an answer: take the claim over.
    const taken = await collection.updateOne({ _id: id, state: 'running', createdAt: existing.createdAt }, { $set: { createdAt: now } });
    if (taken.modifiedCount !== 1) throw KitErrors.idempotencyInProgress();
    request.idempotencyRecordId = id;
    return undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const id = request.idempotencyRecordId;
    if (id === undefined) return payload;
    request.idempotencyRecordId = undefined;
    if (reply.statusCode >= 500) {
      await collection.deleteOne({ _id: id });
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    const contentType = reply.getHeader('content-type');
    await collection.updateOne(
      { _id: id },
      {
        $set: {
          state: 'completed',
          statusCode: reply.statusCode,
          ...(typeof contentType === 'string' ? { contentType } : {}),
          ...(body === undefined ? {} : { body: encryptField(options.keyring, body, `idempotency|${id}`) }),
        },
      },
    );
    return payload;
  });

  const cleanup = setInterval(() => {
    collection.deleteMany({ expiresAt: { $lt: new Date() } }).catch((error: unknown) => {
      app.log.warn({ err: error }, 'idempotency: removing expired keys failed');
    });
  }, 3_600_000);
  cleanup.unref();
  app.addHook('onClose', (_instance, closed) => {
    clearInterval(cleanup);
    closed();
  });
  done();
}

export const idempotency = fp(idempotencyPlugin, { name: 'minzheng-idempotency', fastify: '5.x' });
