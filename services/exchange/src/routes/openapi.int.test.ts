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
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const { path, method, operation } of operations) {
      expect(operation.summary, `${method} ${path} summary`).toEqual(expect.any(String));
      expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      const body = operation.requestBody?.content['application/json'];
      if (body) {
        expect(examplesOf(body).length, `${method} ${path} examples`).toBeGreaterThan(0);
      }
      // Every success answer of the service's own routes has an example too (operations routes are the kit's).
      if (operation.tags?.includes('operations') === true) continue;
      const successes = Object.entries(operation.responses ?? {}).filter(([code]) => code.startsWith('2'));
      expect(successes.length, `${method} ${path} success responses`).toBeGreaterThan(0);
      for (const [code, response] of successes) {
        const media = response.content?.['application/json'];
        expect(media ? examplesOf(media).length : 0, `${method} ${path} ${code} response example`).toBeGreaterThan(0);
      }
    }
    // The client example registers a client whose token then delivers the event example.
    const clientBody = spec.paths['/clients']?.post?.requestBody?.content['application/json'];
    const [client] = clientBody ? examplesOf(clientBody) : [];
    expect((await service.app.inject({ method: 'POST', url: '/clients', payload: client as object, headers: { authorization: `Bearer ${await service.token(['admin'])}` } })).statusCode).toBe(201);
    const eventBody = spec.paths['/events/{eventType}']?.post?.requestBody?.content['application/json'];
    const [event] = eventBody ? examplesOf(eventBody) : [];
    const delivered = await service.app.inject({ method: 'POST', url: '/events/public-security.death-registered', payload: event as object, headers: { authorization: `Bearer ${await service.token(['department-system'], '442000', 'gongan-hukou')}` } });
    expect(delivered.statusCode, delivered.body).toBe(202);
  });
});
