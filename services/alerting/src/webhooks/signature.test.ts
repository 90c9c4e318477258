/** The webhook signature: what verifies, and every way a request is refused. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS, signWebhook, unixSeconds, verifyWebhookSignature, webhookHeaders } from './signature.js';

const secret = randomBytes(32).toString('base64');
const otherSecret = randomBytes(32).toString('base64');
const body = JSON.stringify({ id: 'sms|alert-1|ALERT_DELIVERED|1', kind: 'ALERT_DELIVERED', payload: { title: '低保边缘户收入骤降' } });
const at = new Date('2026-11-23T08:00:00.000Z');
const timestamp = unixSeconds(at);

describe('signWebhook / webhookHeaders', () => {
  it('signs "<timestamp>.<body>" with the decoded key, as v1=<hex>, and sends the four headers', () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'base64')).update(`${String(timestamp)}.${body}`).digest('hex');
    expect(signWebhook({ secret, timestamp, body })).toBe(`v1=${expected}`);
    expect(webhookHeaders({ deliveryId: 'd-1', keyId: 'k-2026', secret, body, at })).toEqual({
      [WEBHOOK_HEADERS.deliveryId]: 'd-1',
      [WEBHOOK_HEADERS.keyId]: 'k-2026',
      [WEBHOOK_HEADERS.timestamp]: '1795420800',
      [WEBHOOK_HEADERS.signature]: `v1=${expected}`,
    });
  });

  it('gives the same signature for the key as base64 text and as bytes, and for the body as text and as bytes', () => {
    const fromText = signWebhook({ secret, timestamp, body });
    expect(signWebhook({ secret: Buffer.from(secret, 'base64'), timestamp, body: Buffer.from(body, 'utf8') })).toBe(fromText);
  });
});

describe('verifyWebhookSignature', () => {
  const signature = signWebhook({ secret, timestamp, body });

  it('accepts a signed request, at the same instant and within the tolerance either way', () => {
    expect(verifyWebhookSignature({ secret, timestamp: String(timestamp), body, signature, now: at })).toEqual({ valid: true });
    expect(verifyWebhookSignature({ secret, timestamp, body: Buffer.from(body), signature, now: new Date(at.getTime() + 299_000) })).toEqual({ valid: true });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature, now: new Date(at.getTime() - 299_000) })).toEqual({ valid: true });
  });

  it('accepts when one of several signatures matches (a v2 beside it is ignored)', () => {
    const wrong = signWebhook({ secret: otherSecret, timestamp, body });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature: `v2=abc, ${wrong}, ${signature}`, now: at })).toEqual({ valid: true });
  });

  it('refuses a tampered body', () => {
    const tampered = body.replace('低保边缘户', '特困人员');
    expect(verifyWebhookSignature({ secret, timestamp, body: tampered, signature, now: at })).toEqual({ valid: false, reason: 'SIGNATURE_MISMATCH' });
    expect(verifyWebhookSignature({ secret, timestamp, body: `${body} `, signature, now: at })).toEqual({ valid: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a wrong secret', () => {
    expect(verifyWebhookSignature({ secret: otherSecret, timestamp, body, signature, now: at })).toEqual({ valid: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a timestamp changed after signing (it is part of the signed text)', () => {
    expect(verifyWebhookSignature({ secret, timestamp: timestamp + 1, body, signature, now: at })).toEqual({ valid: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a stale timestamp, and one too far in the future, even with a correct signature', () => {
    expect(verifyWebhookSignature({ secret, timestamp, body, signature, now: new Date(at.getTime() + 301_000) })).toEqual({ valid: false, reason: 'STALE_TIMESTAMP' });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature, now: new Date(at.getTime() - 301_000) })).toEqual({ valid: false, reason: 'STALE_TIMESTAMP' });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature, now: new Date(at.getTime() + 61_000), toleranceSeconds: 60 })).toEqual({ valid: false, reason: 'STALE_TIMESTAMP' });
  });

  it('refuses missing or malformed headers', () => {
    expect(verifyWebhookSignature({ secret, timestamp: undefined, body, signature, now: at })).toEqual({ valid: false, reason: 'MALFORMED_TIMESTAMP' });
    expect(verifyWebhookSignature({ secret, timestamp: '1795420800.5', body, signature, now: at })).toEqual({ valid: false, reason: 'MALFORMED_TIMESTAMP' });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature: undefined, now: at })).toEqual({ valid: false, reason: 'MALFORMED_SIGNATURE' });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature: signature.slice(3), now: at })).toEqual({ valid: false, reason: 'MALFORMED_SIGNATURE' });
    expect(verifyWebhookSignature({ secret, timestamp, body, signature: signature.slice(0, -2), now: at })).toEqual({ valid: false, reason: 'MALFORMED_SIGNATURE' });
  });
});
