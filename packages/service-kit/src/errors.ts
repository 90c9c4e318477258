/**
 * The one error format of every service: `{ code, message, details }`, with the HTTP status the
 * error class carries. Services declare their own codes with their prefix (`ASSIST_`, `ELDER_`,
 * ...) through `defineError`; the kit's own codes are below. Coded errors from the shared packages
 * (`IdentityError`: `ID_*`, `REGION_*`; `ContractError`: `AVRO_*`) are input problems and map to
 * 400 with their own code, so a bad ID number says `ID_CHECK_DIGIT`, not a generic 400.
 */
import { ContractError } from '@minzheng/contracts';
import { IdentityError } from '@minzheng/identity/errors';

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** An error the API reports as it is: a code, a status and a message meant for the caller. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A factory for one error code: `const NotFound = defineError('ASSIST_NOT_FOUND', 404, ...)`. */
export interface ErrorFactory<A extends unknown[]> {
  (...args: A): ServiceError;
  readonly code: string;
  readonly statusCode: number;
  readonly description: string;
}

/**
 * Declares a coded error: its code, status, a description for the README/OpenAPI, and how its
 * message and details are built from the arguments.
 */
export function defineError<A extends unknown[]>(
  code: string,
  statusCode: number,
  description: string,
  build: (...args: A) => { message: string; details?: unknown },
): ErrorFactory<A> {
  const factory = (...args: A): ServiceError => {
    const { message, details } = build(...args);
    return new ServiceError(code, statusCode, message, details);
  };
  return Object.assign(factory, { code, statusCode, description });
}

/** A problem with one field of the request. `path` is dotted (`body.members.0.income`). */
export interface FieldIssue {
  readonly path: string;
  readonly rule: string;
}

export const KitErrors = {
  requestInvalid: defineError('REQUEST_INVALID', 400, '请求不符合接口定义 (the request does not match the route schema); details lists each field and rule', (issues: readonly FieldIssue[]) => ({
    message: `请求参数不合法 (invalid request): ${issues.map((issue) => `${issue.path} ${issue.rule}`).join('; ')}`,
    details: issues,
  })),
  authRequired: defineError('AUTH_REQUIRED', 401, '缺少身份凭证 (no bearer token)', () => ({ message: '需要登录 (a bearer token is required)' })),
  authInvalid: defineError('AUTH_INVALID_TOKEN', 401, '身份凭证无效 (bad signature, issuer, audience or claims)', (reason: string) => ({
    message: `身份凭证无效 (invalid token: ${reason})`,
    details: { reason },
  })),
  authExpired: defineError('AUTH_TOKEN_EXPIRED', 401, '身份凭证已过期 (token expired)', () => ({ message: '身份凭证已过期 (the token has expired)' })),
  forbiddenRole: defineError('AUTH_FORBIDDEN_ROLE', 403, '角色无权访问 (the caller has none of the roles the route allows)', (allowed: readonly string[], held: readonly string[]) => ({
    message: `无权访问 (this route needs one of the roles: ${allowed.join(', ')})`,
    details: { allowed, held },
  })),
  outOfJurisdiction: defineError('AUTH_OUT_OF_JURISDICTION', 403, '超出管辖范围 (the region is outside the caller\'s jurisdiction)', (regionCode: string, jurisdiction: string) => ({
    message: `超出管辖范围 (region ${regionCode} is outside jurisdiction ${jurisdiction})`,
    details: { regionCode, jurisdiction },
  })),
  notFound: defineError('NOT_FOUND', 404, '资源不存在 (no such resource)', (what: string, id: string) => ({ message: `${what}不存在 (${what} ${id} not found)`, details: { id } })),
  routeNotFound: defineError('ROUTE_NOT_FOUND', 404, '接口不存在 (no such route)', (method: string, url: string) => ({ message: `接口不存在 (no route ${method} ${url})` })),
  idempotencyKeyReused: defineError('IDEMPOTENCY_KEY_REUSED', 409, 'Idempotency-Key 已用于不同的请求 (same key, different request)', () => ({
    message: 'Idempotency-Key 已用于内容不同的请求 (this Idempotency-Key was used for a different request body)',
  })),
  idempotencyInProgress: defineError('IDEMPOTENCY_IN_PROGRESS', 409, '同一 Idempotency-Key 的请求仍在处理 (a request with this key is still running)', () => ({
    message: '相同 Idempotency-Key 的请求正在处理，请稍后重试 (a request with this Idempotency-Key is in progress; retry later)',
  })),
  idempotencyKeyInvalid: defineError('IDEMPOTENCY_KEY_INVALID', 400, 'Idempotency-Key 格式错误 (1-200 printable ASCII characters)', () => ({
    message: 'Idempotency-Key 格式错误 (the Idempotency-Key header must be 1-200 printable ASCII characters)',
    details: { rule: 'Idempotency-Key must be 1-200 printable ASCII characters' },
  })),
  payloadTooLarge: defineError('REQUEST_TOO_LARGE', 413, '请求体过大 (body over the limit)', (limit: number) => ({ message: `请求体过大 (the body exceeds ${limit} bytes)`, details: { limit } })),
  unsupportedMediaType: defineError('REQUEST_MEDIA_TYPE', 415, '不支持的内容类型 (send application/json)', (contentType: string) => ({
    message: `不支持的内容类型 (unsupported content type ${contentType}; send application/json)`,
  })),
  notReady: defineError('SERVICE_NOT_READY', 503, '服务依赖不可用 (a dependency does not answer)', (failed: Record<string, string>) => ({
    message: '服务尚未就绪 (not ready)',
    details: failed,
  })),
  internal: defineError('INTERNAL', 500, '服务内部错误 (logged with the request id; no detail leaves the service)', (requestId: string) => ({
    message: `服务内部错误，请联系运维并提供请求编号 ${requestId} (internal error; quote request id ${requestId})`,
    details: { requestId },
  })),
} as const;

/**
 * The response for any thrown value. Unknown errors become 500 INTERNAL (never a 400, never with
 * their message); coded errors from the shared packages become 400 with their own code.
 */
export function toErrorResponse(error: unknown, requestId: string): { statusCode: number; body: ErrorBody; expected: boolean } {
  if (error instanceof ServiceError) {
    return { statusCode: error.statusCode, body: bodyOf(error.code, error.message, error.details), expected: error.statusCode < 500 };
  }
  if (error instanceof IdentityError) return { statusCode: 400, body: bodyOf(error.code, error.message, error.details), expected: true };
  if (isCodedClientError(error)) return { statusCode: error.statusCode, body: bodyOf(error.code, error.message, error.details), expected: true };
  if (error instanceof ContractError) return { statusCode: 400, body: bodyOf(error.code, error.message, error.problems), expected: true };
  const internal = KitErrors.internal(requestId);
  return { statusCode: 500, body: bodyOf(internal.code, internal.message, internal.details), expected: false };
}

/**
 * A domain error that carries its own code and 4xx status (e.g. a service's pure domain module,
 * which need not depend on this package): `code` in upper snake case, `statusCode` 400-499.
 */
function isCodedClientError(error: unknown): error is Error & { code: string; statusCode: number; details?: unknown } {
  if (!(error instanceof Error)) return false;
  const candidate = error as Error & { code?: unknown; statusCode?: unknown };
  return typeof candidate.code === 'string' && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/u.test(candidate.code) && typeof candidate.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500;
}

function bodyOf(code: string, message: string, details: unknown): ErrorBody {
  return details === undefined ? { code, message } : { code, message, details };
}

/**
 * Runs a check on one input field: an identity error (ID number, region) keeps its own code
 * (`ID_CHECK_DIGIT`, `REGION_UNKNOWN`, ...) and gains `details.field` and the field in its message.
 */
export function atField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof IdentityError) {
      throw new ServiceError(error.code, 400, `${field}: ${error.message}`, { ...error.details, field }, { cause: error });
    }
    throw error;
  }
}
