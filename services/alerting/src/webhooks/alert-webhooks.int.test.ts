/**
 * Webhooks from the alerts, on the real stack: a flag's alert, escalated, then resolved, is told to
 * a department's endpoint (a real HTTP receiver checking the signature) as ALERT_DELIVERED,
 * ALERT_ESCALATED and ALERT_RESOLVED — filtered by the endpoint's urgencies, without personal data.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdOf } from '../alerts/alert.schema.js';
import { flagRaised, idNumber, startTestService, type TestService } from '../test-support/service.js';
import { WEBHOOK_HEADERS, verifyWebhookSignature } from './signature.js';
import { parseWebhooks } from './webhook-config.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

const secret = randomBytes(32).toString('base64');
const received: { body: Record<string, unknown>; valid: boolean }[] = [];
let server: Server;
let service: TestService;
let dispatcher: WebhookDispatcher;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = (name: string) => request.headers[name.toLowerCase()] as string | undefined;
      const verification = verifyWebhookSignature({ secret, timestamp: header(WEBHOOK_HEADERS.timestamp), body: raw, signature: header(WEBHOOK_HEADERS.signature) });
      received.push({ body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, valid: verification.valid });
      response.writeHead(verification.valid ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hooks`;
  const endpoints = parseWebhooks(JSON.stringify([{ id: 'sms-gateway', url, keyId: 'sms-1', secret, urgencies: ['P1'] }]));
  // The dispatcher needs the service's database: a holder filled once the harness made it.
  const holder: { dispatcher?: WebhookDispatcher } = {};
  service = await startTestService({
    notifier: {
      enqueue: (notification) => {
        if (holder.dispatcher === undefined) throw new Error('no dispatcher yet');
        return holder.dispatcher.enqueue(notification);
      },
    },
  });
  dispatcher = new WebhookDispatcher({ connection: service.connection, endpoints, baseDelayMs: 10 });
  holder.dispatcher = dispatcher;
});
afterAll(async () => {
  await service.close();
  await new Promise((resolve) => server.close(resolve));
});

const kinds = () => received.map((item) => String(item.body.kind ?? item.body.event));

describe('webhooks of the alerts', () => {
  it('tells the endpoint of each P1 alert delivered, escalated and resolved, signed, without personal data; not of a P3', async () => {
    const id = idNumber('1938-08-08', 'F');
    const value = flagRaised(service, { person: { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: null } });
    await service.flags.publish('data-sharing.flag-raised', value);
    await service.flags.publish('data-sharing.flag-raised', flagRaised(service, { urgency: 'P3', ruleId: 'INCOME_BELOW_DIBAO', flagCode: 'DIBAO_CANDIDATE', targetRole: 'TOWN_ASSISTANCE_OFFICE' }));
    const alertId = alertIdOf(value.flagId as string);
    const alert = await waitFor(() => service.deps.alerts.byId(alertId), { timeoutMs: 20_000, description: 'the alert' });
    await dispatcher.deliverDue();
    service.setNow(new Date(alert.ackDueAt.getTime() + 1).toISOString());
    try {
      await service.escalator.runOnce();
    } finally {
      service.setNow(undefined);
    }
    const supervisor = { authorization: `Bearer ${await service.token(['supervisor'], '442000101', 'sup-101')}` };
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alertId}/resolve`, headers: supervisor, payload: { outcome: 'HELP_GIVEN' } })).statusCode).toBe(200);
    await waitFor(async () => {
      await dispatcher.deliverDue();
      return received.length >= 3;
    }, { timeoutMs: 20_000, description: 'three webhook calls' });

    expect(received.every((item) => item.valid)).toBe(true);
    expect(received.map((item) => JSON.stringify(item.body)).join('')).not.toContain(id);
    expect(JSON.stringify(received)).toContain(alertId);
    expect(received).toHaveLength(3);
    expect(kinds().sort()).toEqual(['ALERT_DELIVERED', 'ALERT_ESCALATED', 'ALERT_RESOLVED']);
  });
});
