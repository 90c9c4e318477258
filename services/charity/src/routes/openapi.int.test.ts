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
    // The request examples are accepted by the API itself: organisation, then campaign, donation and disbursement.
    const exampleOf = (path: string): object => requestExample(spec, path);
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
