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
    expect(operationCount(spec)).toBeGreaterThanOrEqual(18);
    const example = requestExample(spec, '/children');
    const created = await service.app.inject({ method: 'POST', url: '/children', payload: example, headers: { authorization: `Bearer ${await service.token(['child-protection'], '442000001')}` } });
    expect(created.statusCode, created.body).toBe(201);
    const report = requestExample(spec, '/reports');
    const received = await service.app.inject({ method: 'POST', url: '/reports', payload: report, headers: { authorization: `Bearer ${await service.token(['department-system'], '442000')}` } });
    expect(received.statusCode, received.body).toBe(201);
  });
});
