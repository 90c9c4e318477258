import { randomBytes } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelemetry } from './telemetry.js';

const telemetry = startTelemetry({ serviceName: 'telemetry-test', env: {} });
afterAll(() => telemetry.shutdown());

describe('startTelemetry', () => {
  it('continues the caller\'s trace in a Fastify handler (W3C traceparent) and exports nothing without an endpoint', async () => {
    expect(telemetry.exporting).toBe(false);
    // Loaded after the SDK started, as server.ts does.
    const { buildApp } = await import('./app.js');
    const { parseJwtKeys } = await import('./auth.js');
    const app = await buildApp({ service: { name: 't', version: '0', title: 't', description: 't' }, jwtKeys: parseJwtKeys(`k:${randomBytes(32).toString('base64')}`), logger: false });
    let seen: string | undefined;
    app.get('/trace', { config: { public: true } }, () => {
      seen = trace.getActiveSpan()?.spanContext().traceId;
      return { ok: true };
    });
    await app.ready();
    const traceId = randomBytes(16).toString('hex');
    await app.inject({ url: '/trace', headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
    await app.close();
    expect(seen).toBe(traceId);
  });
});
