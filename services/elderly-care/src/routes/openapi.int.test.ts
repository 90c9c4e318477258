/**
 * The OpenAPI document: every route has a summary and a tag, every request body and every success
 * response has examples, and the request examples are accepted by the API itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

/** @fastify/swagger puts one example in `example`, several in `examples` (OpenAPI media object). */
interface Media {
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

const examplesOf = (media: Media): unknown[] => (media.examples ? Object.values(media.examples).map((example) => example.value) : media.example === undefined ? [] : [media.example]);

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: { content: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
}

describe('GET /docs/json', () => {
  it('documents every route with a summary and a tag, and every body with examples the API accepts', async () => {
    const spec = (await service.app.inject({ url: '/docs/json' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const { path, method, operation } of operations) {
      expect(operation.summary, `${method} ${path} summary`).toEqual(expect.any(String));
      expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      const body = operation.requestBody?.content['application/json'];
      if (body) {
        expect(examplesOf(body).length, `${method} ${path} examples`).toBeGreaterThan(0);
      }
      if (operation.tags?.includes('operations') === true) continue;
      const successes = Object.entries(operation.responses ?? {}).filter(([code]) => code.startsWith('2'));
      expect(successes.length, `${method} ${path} success responses`).toBeGreaterThan(0);
      for (const [code, response] of successes) {
        const media = response.content?.['application/json'];
        expect(media ? examplesOf(media).length : 0, `${method} ${path} ${code} response example`).toBeGreaterThan(0);
      }
    }
    const bodyExample = (path: string) => {
      const media = spec.paths[path]?.post?.requestBody?.content['application/json'];
      return (media ? examplesOf(media) : [])[0] as Record<string, unknown>;
    };
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
