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
    const supervisor = { authorization: `Bearer ${await service.token(['supervisor'], '442000', 'sup-city')}` };
    const validated = await service.app.inject({ method: 'POST', url: '/routing/validate', payload: requestExample(spec, '/routing/validate'), headers: supervisor });
    expect(validated.statusCode, validated.body).toBe(200);
  });
});
