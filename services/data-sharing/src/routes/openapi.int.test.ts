/**
 * The OpenAPI document: every route has a summary and a tag, every success answer has examples
 * (the kit's `openApiProblems`).
 */
import { openApiProblems, operationCount, type OpenApiDocument } from '@minzheng/service-kit/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('GET /docs/json', () => {
  it('documents every route with a summary, a tag and examples', async () => {
    const spec = (await service.app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
    expect(openApiProblems(spec)).toEqual([]);
    expect(operationCount(spec)).toBeGreaterThanOrEqual(6);
  });
});
