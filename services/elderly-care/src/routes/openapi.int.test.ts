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
    expect(operationCount(spec)).toBeGreaterThanOrEqual(15);
    const bodyExample = (path: string) => requestExample(spec, path);
    const caseworker = { authorization: `Bearer ${await service.token(['caseworker'], '442000005')}` };
    const created = await service.app.inject({ method: 'POST', url: '/elders', payload: bodyExample('/elders'), headers: caseworker });
    expect(created.statusCode).toBe(201);
    const elderId = created.json<{ id: string }>().id;
    for (const path of ['/elders/{id}/assessments', '/elders/{id}/services', '/elders/{id}/visits']) {
      const response = await service.app.inject({ method: 'POST', url: path.replace('{id}', elderId), payload: bodyExample(path), headers: caseworker });
      expect(response.statusCode, path).toBe(201);
    }
  });
});
