/**
 * The webhook signature (签名), scheme `v1`: HMAC-SHA256 with the endpoint's key (the base64-decoded
 * bytes of its configured secret) over `"<timestamp>.<raw body>"`, sent as
 *
 *     X-MZ-Webhook-Id: <delivery id>        (the same on every retry: the receiver's idempotency key)
 *     X-MZ-Key-Id:     <key id>             (which key signed: lets a receiver rotate keys)
 *     X-MZ-Timestamp:  <unix seconds>       (of this attempt)
 *     X-MZ-Signature:  v1=<64 lower-case hex digits>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later with a
 * fresh timestamp; the receiver refuses timestamps outside its tolerance (5 minutes by default).
 * The body is signed as the exact bytes sent: a receiver verifies the raw body before parsing it.
 *
 * `verifyWebhookSignature` is the receiver's side, in this module so the platform's own tests and
 * any Node receiver use the one implementation the README describes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  deliveryId: 'X-MZ-Webhook-Id',
  keyId: 'X-MZ-Key-Id',
  timestamp: 'X-MZ-Timestamp',
  signature: 'X-MZ-Signature',
} as const;

export const SIGNATURE_VERSION = 'v1';

/** How far a receiver lets a timestamp be from its clock, either way, by default (seconds). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A key as configured (base64 text) or as bytes (the decoded key). */
export type WebhookSecret = string | Uint8Array;

/** A body as text (UTF-8) or as the raw bytes received. */
export type WebhookBody = string | Uint8Array;

const keyOf = (secret: WebhookSecret): Buffer => (typeof secret === 'string' ? Buffer.from(secret, 'base64') : Buffer.from(secret));
const bytesOf = (body: WebhookBody): Buffer => (typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body));

/** Unix seconds of an instant (what `X-MZ-Timestamp` carries). */
export const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`. */
function digest(secret: WebhookSecret, timestamp: number, body: WebhookBody): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`${String(timestamp)}.`, 'utf8').update(bytesOf(body)).digest();
}

/** The `X-MZ-Signature` value: `v1=<hex>`. */
export function signWebhook(input: { readonly secret: WebhookSecret; readonly timestamp: number; readonly body: WebhookBody }): string {
  return `${SIGNATURE_VERSION}=${digest(input.secret, input.timestamp, input.body).toString('hex')}`;
}

/** The four headers of one attempt. */
export function webhookHeaders(input: { readonly deliveryId: string; readonly keyId: string; readonly secret: WebhookSecret; readonly body: WebhookBody; readonly at: Date }): Record<string, string> {
  const timestamp = unixSeconds(input.at);
  return {
    [WEBHOOK_HEADERS.deliveryId]: input.deliveryId,
    [WEBHOOK_HEADERS.keyId]: input.keyId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook({ secret: input.secret, timestamp, body: input.body }),
  };
}

export type SignatureFailure = 'MALFORMED_TIMESTAMP' | 'STALE_TIMESTAMP' | 'MALFORMED_SIGNATURE' | 'SIGNATURE_MISMATCH';

export type SignatureVerification = { readonly valid: true } | { readonly valid: false; readonly reason: SignatureFailure };

export interface VerifyWebhookInput {
  /** The endpoint's secret as configured (base64 text), or its decoded bytes. */
  readonly secret: WebhookSecret;
  /** The `X-MZ-Timestamp` header (unix seconds). */
  readonly timestamp: string | number | undefined;
  /** The raw request body, exactly as received (verify before parsing). */
  readonly body: WebhookBody;
  /** The `X-MZ-Signature` header: `v1=<hex>` (several, comma-separated, are accepted; one must match). */
  readonly signature: string | undefined;
  /** How far the timestamp may be from `now`, either way (default 300 s). */
  readonly toleranceSeconds?: number;
  /** The receiver's clock (default: the current time). */
  readonly now?: Date;
}

/**
 * Checks a received webhook: the timestamp is an integer within `toleranceSeconds` of `now`, and
 * one `v1=` signature equals the HMAC of `"<timestamp>.<body>"`, compared in constant time (a
 * byte-by-byte compare would tell an attacker how many leading bytes were right). Never throws on
 * bad input: it says why the request is refused, for the receiver's log (answer 401 either way).
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): SignatureVerification {
  const timestampText = typeof input.timestamp === 'number' ? String(input.timestamp) : (input.timestamp ?? '').trim();
  if (!/^\d{1,12}$/u.test(timestampText)) return { valid: false, reason: 'MALFORMED_TIMESTAMP' };
  const timestamp = Number(timestampText);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(unixSeconds(input.now ?? new Date()) - timestamp) > tolerance) return { valid: false, reason: 'STALE_TIMESTAMP' };
  const candidates = (input.signature ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .map((part) => part.slice(SIGNATURE_VERSION.length + 1))
    .filter((hex) => /^[0-9a-fA-F]{64}$/u.test(hex));
  if (candidates.length === 0) return { valid: false, reason: 'MALFORMED_SIGNATURE' };
  const expected = digest(input.secret, timestamp, input.body);
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const hex of candidates) matched = timingSafeEqual(expected, Buffer.from(hex, 'hex')) || matched;
  return matched ? { valid: true } : { valid: false, reason: 'SIGNATURE_MISMATCH' };
}
