/**
 * The OpenAPI document: every route has a summary and a tag, every request body and every success
 * answer has examples (the kit's `openApiProblems`), and the request examples are accepted by the
 * API itself.
 */
import { openApiProblems, operationCount, requestExample, type OpenApiDocument } from '@minzheng/service-kit/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('GET /docs/json', () => {
  it('documents every route with a summary, a tag and examples, and accepts its own request examples', async () => {
    const spec = (await service.app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
    expect(openApiProblems(spec)).toEqual([]);
    expect(operationCount(spec)).toBeGreaterThanOrEqual(10);
    // The client example registers a client whose token then delivers the event example.
    expect((await service.app.inject({ method: 'POST', url: '/clients', payload: requestExample(spec, '/clients'), headers: { authorization: `Bearer ${await service.token(['admin'])}` } })).statusCode).toBe(201);
    const delivered = await service.app.inject({ method: 'POST', url: '/events/public-security.death-registered', payload: requestExample(spec, '/events/{eventType}'), headers: { authorization: `Bearer ${await service.token(['department-system'], '442000', 'gongan-hukou')}` } });
    expect(delivered.statusCode, delivered.body).toBe(202);
  });
});
