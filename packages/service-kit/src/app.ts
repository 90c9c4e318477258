/**
 * `buildApp`: the Fastify 5 instance every service starts from. It brings
 *
 * - TypeBox types on every route (the response schema is the output allow-list: fields not in it
 *   never leave), request validation that rejects unknown fields, with all problems reported;
 * - OpenAPI through `@fastify/swagger`, the UI at `/docs`, the JSON at `/docs/json`;
 * - pino with personal data redacted (`logger.ts`), a request id per request (`x-request-id`,
 *   taken from the caller when well-formed, echoed in the response);
 * - one error format `{ code, message, details }` (`errors.ts`);
 * - bearer-JWT auth on every route that is not `config: { public: true }`, with the roles of
 *   `config.roles` checked (`auth.ts`);
 * - `/health/live`, `/health/ready` (ready only when every readiness check answers) and
 *   Prometheus metrics at `/metrics`.
 *
 * Services register their routes on the returned instance; `listenUntilSignal` starts it and
 * closes it with grace on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ROLES, ROLE_NAMES, verifyToken, type JwtKeys, type Principal, type Role } from './auth.js';
import { KitErrors, ServiceError, toErrorResponse, type FieldIssue } from './errors.js';
import { createLogger } from './logger.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Open without a token (health, metrics, docs). Routes are closed by default. */
    public?: boolean;
    /** Roles allowed on the route; any authenticated caller when absent. */
    roles?: readonly Role[];
    /** A creating POST that honours `Idempotency-Key` (see `idempotency.ts`). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; undefined only on public routes. */
    principal: Principal | undefined;
  }
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A readiness check: resolves when the dependency answers, rejects (or times out) otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface BuildAppOptions {
  readonly service: {
    /** Short name, e.g. `assistance` (logs, metrics prefix). */
    readonly name: string;
    readonly version: string;
    /** OpenAPI title and description (Chinese, with English). */
    readonly title: string;
    readonly description: string;
  };
  readonly jwtKeys: JwtKeys;
  /** A pino logger, or settings for one; `false` silences logging (tests). */
  readonly logger?: Logger | { level?: string; destination?: NodeJS.WritableStream } | false;
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  readonly readinessTimeoutMs?: number;
  readonly bodyLimit?: number;
  /** Extra OpenAPI tags (name + description) for the service's routes. */
  readonly tags?: readonly { name: string; description: string }[];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/u;

export const ErrorResponse = Type.Object(
  {
    code: Type.String({ description: '错误代码 (error code), e.g. ASSIST_ILLEGAL_TRANSITION' }),
    message: Type.String({ description: '错误说明 (message for the caller)' }),
    details: Type.Optional(Type.Unknown({ description: '细节：字段与规则等 (details: fields and rules, ...)' })),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse', description: '统一错误格式 (the one error format)' },
);

function isLogger(value: BuildAppOptions['logger']): value is Logger {
  return typeof value === 'object' && typeof (value as Partial<Logger>).child === 'function';
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { service } = options;
  const logger = isLogger(options.logger)
    ? options.logger
    : createLogger({ service: service.name, level: options.logger === false ? 'silent' : options.logger?.level, destination: options.logger === false ? undefined : options.logger?.destination });
  const bodyLimit = options.bodyLimit ?? 1_048_576;

  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: baseLogger,
    bodyLimit,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    ajv: {
      // Unknown fields are an error (`additionalProperties: false`), not silently dropped; report
      // every problem at once (the body limit bounds the cost).
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', undefined);
  app.addSchema(ErrorResponse);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: service.title, description: service.description, version: service.version },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: `JWT (HS256)，声明 roles（${ROLES.map((role) => `${role} ${ROLE_NAMES[role]}`).join('、')}）与 jurisdiction（行政区划代码前缀）。本地开发：./mz dev-token`,
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [{ name: 'operations', description: '运维：健康检查与指标 (health and metrics)' }, ...(options.tags ?? [])],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  // --- request id, auth ------------------------------------------------------------------------
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    const config = request.routeOptions.config;
    if (config.public === true || request.routeOptions.url === undefined || request.routeOptions.url.startsWith('/docs')) return;
    request.principal = await authenticate(request, options.jwtKeys);
    const allowed = config.roles;
    if (allowed && !request.principal.roles.some((role) => allowed.includes(role))) {
      throw KitErrors.forbiddenRole(allowed, request.principal.roles);
    }
  });

  // --- errors ----------------------------------------------------------------------------------
  app.setErrorHandler((error: FastifyError | ServiceError | Error, request, reply) => {
    const known = fastifyErrorToServiceError(error, bodyLimit);
    const { statusCode, body, expected } = toErrorResponse(known ?? error, request.id);
    if (expected) request.log.info({ code: body.code, statusCode }, 'request refused');
    else request.log.error({ err: error }, 'request failed');
    return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = KitErrors.routeNotFound(request.method, request.url.split('?')[0] ?? request.url);
    return reply.code(404).send({ code: error.code, message: error.message });
  });

  // --- metrics ---------------------------------------------------------------------------------
  const registry = new Registry();
  registry.setDefaultLabels({ service: service.name });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'http_request_errors_total',
    help: 'HTTP error responses by route and error code',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = /"code":"([A-Z0-9_]+)"/u.exec(payload)?.[1] ?? String(reply.statusCode);
      errors.inc({ route: request.routeOptions.url ?? 'unmatched', code });
    }
    return payload;
  });

  // --- operations routes ------------------------------------------------------------------------
  const readiness = options.readiness ?? {};
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  app.get('/health/live', {
    config: { public: true },
    schema: { tags: ['operations'], summary: '存活检查 (liveness)', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, () => ({ status: 'ok' as const }));
  app.get('/health/ready', {
    config: { public: true },
    schema: {
      tags: ['operations'],
      summary: '就绪检查：Kafka 与数据库均可用 (readiness: every dependency answers)',
      security: [],
      response: {
        200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.Literal('ok')) }),
        503: Type.Ref('ErrorResponse'),
      },
    },
  }, async () => {
    const results = await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await settle(check, readinessTimeoutMs)] as const));
    const failed = Object.fromEntries(results.filter(([, result]) => result !== 'ok'));
    if (Object.keys(failed).length > 0) throw KitErrors.notReady(failed);
    return { status: 'ready' as const, checks: Object.fromEntries(results.map(([name]) => [name, 'ok' as const])) };
  });
  app.get('/metrics', {
    config: { public: true },
    schema: { tags: ['operations'], summary: 'Prometheus 指标 (metrics, text exposition format)', security: [], produces: ['text/plain'] },
  }, async (_request, reply) => {
    void reply.type(registry.contentType);
    return registry.metrics();
  });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry: services add their own metrics to it. */
    metrics: Registry;
  }
}

async function authenticate(request: FastifyRequest, keys: JwtKeys): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw KitErrors.authRequired();
  const match = /^Bearer\s+(\S+)$/iu.exec(header);
  if (!match?.[1]) throw KitErrors.authInvalid('the Authorization header must be "Bearer <token>"');
  return verifyToken(keys, match[1]);
}

async function settle(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`no answer within ${timeoutMs} ms`)); }, timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Fastify's own request errors (validation, body size, media type, bad JSON) in the one format. */
function fastifyErrorToServiceError(error: FastifyError | ServiceError | Error, bodyLimit: number): ServiceError | undefined {
  if (error instanceof ServiceError) return undefined;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'body';
    const issues: FieldIssue[] = fastifyError.validation.map((issue) => {
      const params = issue.params;
      const base = [context, ...issue.instancePath.split('/').filter((part) => part !== '')].join('.');
      if (issue.keyword === 'required' && typeof params.missingProperty === 'string') return { path: `${base}.${params.missingProperty}`, rule: '为必填项 (is required)' };
      if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
        return { path: `${base}.${params.additionalProperty}`, rule: '不是接口定义的字段 (is not a field of this request)' };
      }
      return { path: base, rule: issue.message ?? issue.keyword };
    });
    return KitErrors.requestInvalid(issues);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return KitErrors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    {
      const contentType = (error as { contentType?: unknown }).contentType;
      return KitErrors.unsupportedMediaType(typeof contentType === 'string' ? contentType : 'unknown');
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return KitErrors.requestInvalid([{ path: 'body', rule: '不能为空 (must not be empty when Content-Type is application/json)' }]);
    default:
      break;
  }
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return KitErrors.requestInvalid([{ path: 'body', rule: '不是有效的 JSON (is not valid JSON)' }]);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 && fastifyError.code.startsWith('FST_')) {
    return new ServiceError('REQUEST_INVALID', fastifyError.statusCode, `请求不合法 (${fastifyError.message})`, { fastifyCode: fastifyError.code });
  }
  return undefined;
}

export interface ListenOptions {
  readonly port: number;
  readonly host?: string;
  /** How long in-flight requests may take to finish on shutdown. */
  readonly graceMs?: number;
  /** Run after the server stopped accepting and finished (close consumers, relays, DB). */
  readonly onShutdown?: () => Promise<void>;
}

/** Listens, and on SIGTERM/SIGINT closes with grace (then `onShutdown`), exiting 0 — or 1 if the grace period runs out. */
export async function listenUntilSignal(app: App, options: ListenOptions): Promise<void> {
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error({ graceMs: options.graceMs ?? 10_000 }, 'graceful shutdown timed out');
      process.exit(1);
    }, options.graceMs ?? 10_000);
    timer.unref();
    void (async () => {
      await app.close();
      await options.onShutdown?.();
      clearTimeout(timer);
      process.exit(0);
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
