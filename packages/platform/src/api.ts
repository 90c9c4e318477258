/**
 * One client for every service's HTTP API, as the demo loader, the scenario stream, the summary
 * and the end-to-end tests call them: a bearer token per actor (signed with the platform's JWT key,
 * as the dev-token command does), JSON in and out, the services' one error format turned into an
 * `ApiError` that keeps the code, and a bounded worker pool for bulk work.
 */
import { parseJwtKeys, signToken, type JwtKeys, type Role } from '@minzheng/service-kit/auth';
import type { ServiceName } from './services.js';

/** Who calls: the claims of their token. */
export interface Actor {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly jurisdiction: string;
  readonly name?: string;
  readonly department?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly service: ServiceName,
    readonly request: string,
    readonly status: number,
    readonly code: string,
    readonly body: unknown,
  ) {
    super(`${service} ${request} → ${String(status)} ${code}: ${JSON.stringify(body).slice(0, 600)}`);
  }
}

export interface CallOptions {
  readonly as: Actor | null;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw body (NDJSON, CSV) with its content type, instead of JSON. */
  readonly raw?: { readonly contentType: string; readonly data: string | Uint8Array };
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export class PlatformApi {
  private readonly jwtKeys: JwtKeys;
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(
    readonly urls: Readonly<Record<ServiceName, string>>,
    jwtKeys: string | JwtKeys,
  ) {
    this.jwtKeys = typeof jwtKeys === 'string' ? parseJwtKeys(jwtKeys) : jwtKeys;
  }

  /** A bearer token for `actor` (cached for most of its 8 hours). */
  async token(actor: Actor): Promise<string> {
    const key = JSON.stringify(actor);
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.token;
    const token = await signToken(this.jwtKeys, { ...actor, roles: [...actor.roles] });
    this.tokens.set(key, { token, until: Date.now() + 7 * 3_600_000 });
    return token;
  }

  /** Calls `method path` on `service`; a status of 400 or more throws `ApiError` with the service's error code. */
  async call<T = Record<string, unknown>>(service: ServiceName, method: string, path: string, options: CallOptions): Promise<ApiResponse<T>> {
    const query = Object.entries(options.query ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
    const url = `${this.urls[service]}${path}${query.length === 0 ? '' : `?${new URLSearchParams(query.map(([name, value]): [string, string] => [name, String(value)])).toString()}`}`;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.as !== null) headers.authorization = `Bearer ${await this.token(options.as)}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.data;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const parsed: unknown = text.length > 0 && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    if (response.status >= 400) {
      const code = typeof parsed === 'object' && parsed !== null && 'code' in parsed ? String(parsed.code) : 'HTTP_ERROR';
      throw new ApiError(service, `${method} ${path}`, response.status, code, parsed);
    }
    return { status: response.status, body: parsed as T };
  }

  async get<T = Record<string, unknown>>(service: ServiceName, path: string, as: Actor | null, query?: CallOptions['query']): Promise<T> {
    return (await this.call<T>(service, 'GET', path, { as, ...(query === undefined ? {} : { query }) })).body;
  }

  async post<T = Record<string, unknown>>(service: ServiceName, path: string, as: Actor | null, body: unknown, idempotencyKey?: string): Promise<T> {
    return (await this.call<T>(service, 'POST', path, { as, body, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) })).body;
  }
}

/**
 * Runs `work` over `items` with at most `concurrency` at a time, in order of start; reports each
 * completion to `onDone`. The first failure stops new starts and is thrown once the started ones end.
 */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= error;
        return;
      }
      done += 1;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('a pool task failed', { cause: failure });
  return results;
}
