import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import { IdentityError } from '@minzheng/identity/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.js';
import { parseJwtKeys, requireJurisdiction, signToken, type Role } from './auth.js';
import { ServiceError } from './errors.js';

const keys = parseJwtKeys(`k1:${randomBytes(32).toString('base64')}`);
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let ready = true;
let app: App;

const token = (roles: Role[] = ['caseworker'], jurisdiction = '442000100', extra: { expiresInSeconds?: number } = {}) =>
  signToken(keys, { subject: 'u-1', roles, jurisdiction, ...extra });

beforeAll(async () => {
  app = await buildApp({
    service: { name: 'kit-test', version: '0.0.1', title: '测试服务', description: 'kit test' },
    jwtKeys: keys,
    logger: { level: 'info', destination: sink },
    readiness: {
      store: () => (ready ? Promise.resolve() : Promise.reject(new Error('connection refused'))),
      slow: () => new Promise((resolve) => setTimeout(resolve, ready ? 0 : 5_000)),
    },
    readinessTimeoutMs: 200,
  });
  app.post('/things', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: {
      body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 0 }), regionCode: Type.String() }, { additionalProperties: false }),
      response: { 201: Type.Object({ name: Type.String(), count: Type.Integer() }) },
    },
  }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) throw new Error('no principal');
    requireJurisdiction(principal, request.body.regionCode);
    request.log.info({ person: { idNumber: '442000194107190425', name: '高丽' } }, 'thing created');
    // `secret` is not in the response schema, so it must not leave.
    return reply.code(201).send({ ...request.body, secret: 'internal' } as { name: string; count: number });
  });
  app.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  app.get('/coded', () => {
    throw new ServiceError('KIT_TEST_CONFLICT', 409, '冲突 (conflict)', { rule: 'test' });
  });
  app.get('/identity', () => {
    throw new IdentityError('ID_CHECK_DIGIT', '公民身份号码校验位错误 (check digit mismatch)', { rule: 'check digit', expected: 'X' });
  });
  await app.ready();
});
afterAll(() => app.close());

describe('buildApp', () => {
  it('answers liveness, readiness (503 naming the failed checks) and Prometheus metrics without a token', async () => {
    expect((await app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/health/ready' })).json()).toEqual({ status: 'ready', checks: { store: 'ok', slow: 'ok' } });
    ready = false;
    const notReady = await app.inject({ url: '/health/ready' });
    ready = true;
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ code: 'SERVICE_NOT_READY', message: expect.any(String) as string, details: { store: 'connection refused', slow: 'no answer within 200 ms' } });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/health\/ready"/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('publishes OpenAPI at /docs/json with the bearer scheme and the routes, and the UI at /docs', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json<{ openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } }>();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/things', '/health/live', '/health/ready', '/metrics']));
    expect(spec.components.securitySchemes).toHaveProperty('bearerAuth');
    const ui = await app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('refuses a missing, malformed, forged or expired token, and a role the route does not allow', async () => {
    const body = { name: 'x', count: 1, regionCode: '442000100001' };
    const missing = await app.inject({ method: 'POST', url: '/things', payload: body });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    const malformed = await app.inject({ method: 'POST', url: '/things', payload: body, headers: { authorization: 'Token abc' } });
    expect(malformed.json()).toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
    const otherKeys = parseJwtKeys(`k1:${randomBytes(32).toString('base64')}`);
    const forged = await signToken(otherKeys, { subject: 'mallory', roles: ['admin'], jurisdiction: '442000' });
    const forgedResponse = await app.inject({ method: 'POST', url: '/things', payload: body, headers: { authorization: `Bearer ${forged}` } });
    expect(forgedResponse.statusCode).toBe(401);
    expect(forgedResponse.json()).toMatchObject({ code: 'AUTH_INVALID_TOKEN', details: { reason: 'signature does not verify' } });
    const expired = await app.inject({ method: 'POST', url: '/things', payload: body, headers: { authorization: `Bearer ${await token(['caseworker'], '442000100', { expiresInSeconds: -10 })}` } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    const analyst = await app.inject({ method: 'POST', url: '/things', payload: body, headers: { authorization: `Bearer ${await token(['analyst'])}` } });
    expect(analyst.statusCode).toBe(403);
    expect(analyst.json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE', details: { allowed: ['caseworker', 'supervisor'], held: ['analyst'] } });
  });

  it('refuses a region outside the caller\'s jurisdiction', async () => {
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x', count: 1, regionCode: '442000101001' }, headers: { authorization: `Bearer ${await token()}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION', details: { regionCode: '442000101001', jurisdiction: '442000100' } });
  });

  it('reports every invalid field with its rule, including unknown fields, bad JSON and wrong media type', async () => {
    const authorization = `Bearer ${await token()}`;
    const invalid = await app.inject({ method: 'POST', url: '/things', payload: { name: '', count: -1, extra: true }, headers: { authorization } });
    expect(invalid.statusCode).toBe(400);
    const body = invalid.json<{ code: string; details: { path: string; rule: string }[] }>();
    expect(body.code).toBe('REQUEST_INVALID');
    expect(body.details.map((issue) => issue.path).sort()).toEqual(['body.count', 'body.extra', 'body.name', 'body.regionCode']);
    const badJson = await app.inject({ method: 'POST', url: '/things', payload: '{"name":', headers: { authorization, 'content-type': 'application/json' } });
    expect(badJson.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body', rule: '不是有效的 JSON (is not valid JSON)' }] });
    const xml = await app.inject({ method: 'POST', url: '/things', payload: '<a/>', headers: { authorization, 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ code: 'REQUEST_MEDIA_TYPE' });
  });

  it('sends only the fields of the response schema, echoes the request id, and redacts personal data in logs', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x', count: 2, regionCode: '442000100001' },
      headers: { authorization: `Bearer ${await token()}`, 'x-request-id': 'req-42' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'x', count: 2 });
    expect(response.headers['x-request-id']).toBe('req-42');
    const logged = lines.find((line) => line.msg === 'thing created');
    expect(logged).toMatchObject({ requestId: 'req-42', person: { idNumber: '[已脱敏 redacted]', name: '[已脱敏 redacted]' } });
    expect(JSON.stringify(lines)).not.toContain('442000194107190425');
  });

  it('turns unknown errors into 500 INTERNAL without their message, coded errors into their own code, and unknown routes into 404', async () => {
    const authorization = `Bearer ${await token()}`;
    const boom = await app.inject({ url: '/boom', headers: { authorization, 'x-request-id': 'req-boom' } });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toMatchObject({ code: 'INTERNAL', details: { requestId: 'req-boom' } });
    expect(boom.body).not.toContain('hunter2');
    expect(lines.some((line) => line.requestId === 'req-boom' && line.level === 50)).toBe(true);
    expect((await app.inject({ url: '/coded', headers: { authorization } })).json()).toEqual({ code: 'KIT_TEST_CONFLICT', message: '冲突 (conflict)', details: { rule: 'test' } });
    const identity = await app.inject({ url: '/identity', headers: { authorization } });
    expect(identity.statusCode).toBe(400);
    expect(identity.json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { expected: 'X' } });
    const missing = await app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('coded domain errors', () => {
  it('reports an error with its own upper-snake code and 4xx status as that status, and anything else as 500', async () => {
    class DomainError extends Error {
      readonly code = 'ASSIST_ILLEGAL_TRANSITION';
      readonly statusCode = 409;
      readonly details = { from: 'PAID', action: 'review' };
    }
    const { toErrorResponse } = await import('./errors.js');
    expect(toErrorResponse(new DomainError('illegal'), 'r-1')).toEqual({ statusCode: 409, body: { code: 'ASSIST_ILLEGAL_TRANSITION', message: 'illegal', details: { from: 'PAID', action: 'review' } }, expected: true });
    const lowerCase = Object.assign(new Error('x'), { code: 'ECONNRESET', statusCode: 400 });
    expect(toErrorResponse(lowerCase, 'r-2').statusCode).toBe(500);
    const serverSide = Object.assign(new Error('x'), { code: 'SOME_FAILURE', statusCode: 503 });
    expect(toErrorResponse(serverSide, 'r-3')).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL' } });
  });
});
