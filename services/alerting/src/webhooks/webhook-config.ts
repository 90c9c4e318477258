/**
 * The webhook endpoints (外部通知系统: 短信网关, 12345 平台, ...) as configuration: a JSON array in
 * `MZ_WEBHOOKS`, validated once at start-up. An endpoint list that does not validate is refused as a
 * whole with every problem named (`WEBHOOK_CONFIG_INVALID`, `details.problems` = `{ path, rule }`),
 * so the service never starts half-configured and an operator fixes everything in one go.
 *
 * Secrets are never echoed: no message, no detail, no log line and no JSON of an endpoint carries
 * one (the parsed key is a non-enumerable property, so spreading, logging or serialising an
 * endpoint leaves it out).
 */
import type { VariableSpec } from '@minzheng/service-kit/config';
import { defineError } from '@minzheng/service-kit/errors';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const WEBHOOK_EVENTS = ['ALERT_DELIVERED', 'ALERT_ESCALATED', 'ALERT_RESOLVED'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_URGENCIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type WebhookUrgency = (typeof WEBHOOK_URGENCIES)[number];

/** The shortest HMAC key accepted: 32 bytes, the size of the SHA-256 output (as for `MZ_JWT_KEYS`). */
export const MIN_SECRET_BYTES = 32;

/**
 * One endpoint as written in `MZ_WEBHOOKS`. The id becomes part of each delivery's `_id`
 * (`<id>|<alertId>|<kind>|<n>`), so it may not hold `|`; the key id travels in a header, so it is
 * plain ASCII.
 */
export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: '端点编号 (endpoint id: letters, digits, _ . -; at most 64)' }),
    url: Type.String({ pattern: '^https?://', maxLength: 2000, description: '接收地址 (http or https URL)' }),
    keyId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: '密钥编号，随 X-MZ-Key-Id 发送 (key id, sent as X-MZ-Key-Id)' }),
    secret: Type.String({ minLength: 1, description: '签名密钥，base64，至少32字节 (HMAC key, base64, at least 32 bytes)' }),
    urgencies: Type.Optional(Type.Array(Type.Enum(WEBHOOK_URGENCIES), { minItems: 1, uniqueItems: true, description: '只推送这些紧急程度 (only these urgencies; all when absent)' })),
    ruleIds: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), { minItems: 1, uniqueItems: true, description: '只推送这些规则 (only these rules; all when absent)' })),
    events: Type.Optional(Type.Array(Type.Enum(WEBHOOK_EVENTS), { minItems: 1, uniqueItems: true, description: '只推送这些事件 (only these events; all when absent)' })),
  },
  { additionalProperties: false },
);

export const WebhookConfigSchema = Type.Array(WebhookEndpointSchema, { description: 'MZ_WEBHOOKS: the endpoints (an empty array: no webhooks)' });

export type WebhookEndpointInput = Static<typeof WebhookEndpointSchema>;

/** An endpoint as the dispatcher uses it. Absent filters are `null` (= everything). */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly keyId: string;
  /** The HMAC key: the base64-decoded bytes of `secret`. Non-enumerable: never logged or serialised. */
  readonly secret: Uint8Array;
  readonly urgencies: readonly WebhookUrgency[] | null;
  readonly ruleIds: readonly string[] | null;
  readonly events: readonly WebhookEvent[] | null;
}

export interface WebhookConfigProblem {
  /** A JSON pointer into the array (`/0/secret`); empty for the whole value. */
  readonly path: string;
  readonly rule: string;
}

export const WebhookConfigErrors = {
  invalid: defineError('WEBHOOK_CONFIG_INVALID', 400, 'Webhook 配置无效 (the webhook endpoints do not validate; details list each field and rule)', (problems: readonly WebhookConfigProblem[]) => ({
    message: `Webhook 配置无效，共 ${String(problems.length)} 处问题 (webhook configuration invalid): ${problems.map((problem) => `${problem.path || '/'} ${problem.rule}`).join('; ')}`,
    details: { problems },
  })),
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/u;

/**
 * Parses and validates `MZ_WEBHOOKS` (JSON text). Throws `WEBHOOK_CONFIG_INVALID` naming every
 * problem: schema rules first (all of them); then, on a value of the right shape, the rules a
 * schema cannot say (a URL that parses, a secret of at least 32 bytes, unique ids).
 */
export function parseWebhooks(raw: string): readonly WebhookEndpoint[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    // JSON.parse's message may quote the text, and the text holds secrets: only the position leaves.
    const position = /at position (\d+)/u.exec((error as Error).message)?.[1];
    throw WebhookConfigErrors.invalid([{ path: '', rule: `must be JSON${position === undefined ? '' : ` (syntax error at position ${position})`}` }]);
  }
  const problems = schemaProblems(value);
  if (problems.length > 0) throw WebhookConfigErrors.invalid(problems);
  const inputs = value as WebhookEndpointInput[];
  const seen = new Map<string, number>();
  inputs.forEach((input, index) => {
    const at = `/${String(index)}`;
    const urlProblem = checkUrl(input.url);
    if (urlProblem !== null) problems.push({ path: `${at}/url`, rule: urlProblem });
    if (!BASE64.test(input.secret)) problems.push({ path: `${at}/secret`, rule: 'must be base64 (A-Z a-z 0-9 + /, padded with =)' });
    else if (Buffer.from(input.secret, 'base64').length < MIN_SECRET_BYTES) problems.push({ path: `${at}/secret`, rule: `must decode to at least ${String(MIN_SECRET_BYTES)} bytes` });
    const first = seen.get(input.id);
    if (first !== undefined) problems.push({ path: `${at}/id`, rule: `must be unique (${input.id} is also /${String(first)}/id)` });
    else seen.set(input.id, index);
  });
  if (problems.length > 0) throw WebhookConfigErrors.invalid(problems);
  return Object.freeze(inputs.map(endpointOf));
}

/**
 * The `MZ_WEBHOOKS` variable for the service's config spec (`parseConfig`): optional (unset: no
 * webhooks), marked secret (it holds the keys), parsed by `parseWebhooks`.
 */
export const webhooksVariable: VariableSpec<readonly WebhookEndpoint[]> = {
  doc: 'webhook endpoints, JSON array of { id, url, keyId, secret (base64, ≥ 32 bytes), urgencies?, ruleIds?, events? } (unset: no webhooks)',
  secret: true,
  parse: (raw) => (raw === undefined ? [] : parseWebhooks(raw)),
};

/** What may be shown of an endpoint (routes, logs): everything but the secret. */
export function publicEndpoint(endpoint: WebhookEndpoint): { id: string; url: string; keyId: string; urgencies: WebhookUrgency[] | null; ruleIds: string[] | null; events: WebhookEvent[] | null } {
  return {
    id: endpoint.id,
    url: endpoint.url,
    keyId: endpoint.keyId,
    urgencies: endpoint.urgencies === null ? null : [...endpoint.urgencies],
    ruleIds: endpoint.ruleIds === null ? null : [...endpoint.ruleIds],
    events: endpoint.events === null ? null : [...endpoint.events],
  };
}

/** Whether a notification goes to an endpoint: every filter the endpoint has must match. */
export function endpointMatches(endpoint: WebhookEndpoint, notification: { readonly kind: WebhookEvent; readonly urgency: WebhookUrgency; readonly ruleId: string }): boolean {
  return (
    (endpoint.events === null || endpoint.events.includes(notification.kind)) &&
    (endpoint.urgencies === null || endpoint.urgencies.includes(notification.urgency)) &&
    (endpoint.ruleIds === null || endpoint.ruleIds.includes(notification.ruleId))
  );
}

function schemaProblems(value: unknown): WebhookConfigProblem[] {
  const problems: WebhookConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(WebhookConfigSchema, value)) {
    // `additionalProperties: false` reports each extra property twice (once as `boolean`); one line per path is enough.
    if (error.keyword === 'boolean') continue;
    const key = `${error.instancePath}|${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const params = error.params as { additionalProperties?: string[]; allowedValues?: string[] };
    // TypeBox names the pattern in its message; the rule reads better with what the pattern means.
    const meaning = error.keyword === 'pattern' ? patternMeaning(error.instancePath) : undefined;
    const detail = params.additionalProperties !== undefined ? ` (${params.additionalProperties.join(', ')})` : params.allowedValues !== undefined ? ` (${params.allowedValues.join(', ')})` : '';
    problems.push({ path: error.instancePath, rule: meaning ?? `${error.message}${detail}` });
  }
  return problems;
}

function patternMeaning(path: string): string | undefined {
  const field = /^\/\d+\/(\w+)/u.exec(path)?.[1];
  switch (field) {
    case 'id':
      return 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)';
    case 'url':
      return 'must be an http:// or https:// URL';
    case 'keyId':
      return 'must be 1-64 letters, digits, _ . -';
    case 'ruleIds':
      return 'must be a rule id (upper case letters, digits, _)';
    default:
      return undefined;
  }
}

function checkUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be a valid http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  // `GET /webhooks` shows the URL, and logs name it: credentials in it would leak.
  if (url.username !== '' || url.password !== '') return 'must not carry credentials (user:password@); the signature authenticates the sender';
  return null;
}

function endpointOf(input: WebhookEndpointInput): WebhookEndpoint {
  const endpoint = {
    id: input.id,
    url: input.url,
    keyId: input.keyId,
    urgencies: input.urgencies === undefined ? null : Object.freeze([...input.urgencies]),
    ruleIds: input.ruleIds === undefined ? null : Object.freeze([...input.ruleIds]),
    events: input.events === undefined ? null : Object.freeze([...input.events]),
  };
  Object.defineProperty(endpoint, 'secret', { value: new Uint8Array(Buffer.from(input.secret, 'base64')), enumerable: false });
  return Object.freeze(endpoint) as WebhookEndpoint;
}
