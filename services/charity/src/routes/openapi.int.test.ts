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
    // The request examples are accepted by the API itself: organisation, then campaign, donation and disbursement.
    const exampleOf = (path: string): object => {
      const media = spec.paths[path]?.post?.requestBody?.content['application/json'];
      const [example] = media ? examplesOf(media) : [];
      return example as object;
    };
    const as = async (roles: Parameters<TestService['token']>[0]) => ({ authorization: `Bearer ${await service.token(roles, '442000', 'docs-user')}` });
    const organisation = await service.app.inject({ method: 'POST', url: '/organisations', payload: exampleOf('/organisations'), headers: await as(['admin']) });
    expect(organisation.statusCode).toBe(201);
    const campaign = await service.app.inject({ method: 'POST', url: '/campaigns', payload: exampleOf('/campaigns'), headers: await as(['supervisor']) });
    expect(campaign.statusCode).toBe(201);
    const { id } = campaign.json<{ id: string }>();
    const donation = await service.app.inject({ method: 'POST', url: `/campaigns/${id}/donations`, payload: exampleOf('/campaigns/{id}/donations'), headers: await as(['caseworker']) });
    expect(donation.statusCode).toBe(201);
    const wish = await service.app.inject({ method: 'POST', url: '/micro-wishes', payload: exampleOf('/micro-wishes'), headers: await as(['caseworker']) });
    expect(wish.statusCode).toBe(201);
    // The public route needs no token and says so.
    expect(spec.paths['/public/campaigns/{id}']?.get).toMatchObject({ security: [] });
  });
});
