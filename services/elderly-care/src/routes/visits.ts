/** 巡访 (visits) and the monthly-visit obligation (特殊困难老年人月探访率 100%). */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { requireJurisdiction } from '@minzheng/service-kit/auth';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { VISIT_KINDS, VISIT_OUTCOMES } from '../domain/vocabulary.js';
import { ELDER_SUMMARY_EXAMPLE, ElderSummary, WorkerRoleSchema, elderSummary } from '../elders/elder.view.js';
import { recordVisit, unvisitedIn } from '../use-cases/visits.js';
import { ElderParams } from './elders.js';

const VisitView = Type.Object({
  visitId: Type.String({ description: '巡访编号 (visit id)' }),
  elderId: Type.String(),
  regionCode: Type.String(),
  visitorId: Type.String(),
  visitorRole: WorkerRoleSchema,
  visitKind: Type.Enum(VISIT_KINDS, { description: '巡访方式 (how)' }),
  outcome: Type.Enum(VISIT_OUTCOMES, { description: '巡访结果 (outcome)' }),
  visitedAt: Type.String({ format: 'date-time' }),
  visitMonth: Type.String({ description: '所属月份（北京时间） (month, China time)' }),
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()], { description: '巡访记录 (note, as written; shown to its writer\'s roles)' }),
}, {
  examples: [{
    visitId: 'XF-5b8f2e1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', elderId: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', regionCode: '442000005003', visitorId: 'SW-005-0012', visitorRole: 'SOCIAL_WORKER',
    visitKind: 'HOME_VISIT', outcome: 'WELL', visitedAt: '2026-03-05T02:00:00.000Z', visitMonth: '2026-03', durationMinutes: 40, note: '身体状况良好',
  }],
});

export function visitRoutes(app: App, deps: ElderlyCareDeps, audit: AccessAudit): void {
  app.post('/elders/:id/visits', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['visits'],
      summary: '记录巡访 (record a visit, care call or patrol)',
      description: '巡访记录加密存储。事件 elderly-care.visit-recorded。',
      params: ElderParams,
      body: Type.Object({
        visitorId: Type.String({ minLength: 1, maxLength: 80, description: '巡访人编号 (visitor id)' }),
        visitorRole: WorkerRoleSchema,
        visitKind: Type.Enum(VISIT_KINDS, { description: '巡访方式 (how)' }),
        outcome: Type.Enum(VISIT_OUTCOMES, { description: '巡访结果 (outcome)' }),
        visitedAt: Type.String({ format: 'date-time', description: '巡访时间，不晚于现在 (when, not in the future)' }),
        durationMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
        note: Type.Optional(Type.String({ maxLength: 2000, description: '巡访记录（加密存储） (note, stored encrypted)' })),
      }, { additionalProperties: false, examples: [{ visitorId: 'SW-005-0012', visitorRole: 'SOCIAL_WORKER', visitKind: 'HOME_VISIT', outcome: 'WELL', visitedAt: '2026-03-05T02:00:00.000Z', durationMinutes: 40, note: '身体状况良好' }] }),
      response: { 201: VisitView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { visit, elder } = await recordVisit(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'visit', resourceId: visit._id, personKeys: [elder.personKey] });
    const { _id: visitId, visitedAt } = visit;
    return reply.code(201).send({ ...visit, visitId, visitedAt: visitedAt.toISOString(), note: request.body.note ?? null });
  });

  app.get('/visits/unvisited', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['visits'],
      summary: '当月未巡访的特殊困难老年人（月探访义务） (specially difficult elders in the jurisdiction NOT visited in a month)',
      description: '特殊困难老年人：独居、空巢、留守、失能（当前有效评估为重度）、重残、计划生育特殊家庭。任何方式的巡访都计入，结果为 NOT_MET（未见到本人）的不计。月份按北京时间；只计当月月底前已登记的老人。',
      querystring: Type.Object({
        ...PageQuery.properties,
        month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '月份 YYYY-MM，不晚于本月 (month, not after the current one)' }),
        regionCode: Type.Optional(RegionCodeSchema),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          month: Type.String(),
          regionCode: Type.String(),
          priorityElders: Type.Integer({ description: '特殊困难老年人数 (priority elders)' }),
          visited: Type.Integer({ description: '当月已巡访 (visited in the month)' }),
          visitRatePermille: Type.Integer({ description: '月探访率，千分比 (monthly visit rate in permille; target 1000)' }),
          items: Type.Array(ElderSummary),
          page: Type.Integer(),
          pageSize: Type.Integer(),
          total: Type.Integer({ description: '未巡访人数 (unvisited)' }),
        }, { examples: [{ month: '2026-03', regionCode: '442000005', priorityElders: 40, visited: 38, visitRatePermille: 950, items: [ELDER_SUMMARY_EXAMPLE], page: 1, pageSize: 20, total: 2 }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const regionCode = request.query.regionCode ?? principal.jurisdiction;
    requireJurisdiction(principal, regionCode);
    const report = await unvisitedIn(deps, regionCode, request.query.month);
    const { page, pageSize } = pageOf(request.query);
    const items = report.unvisited.slice((page - 1) * pageSize, page * pageSize).map((elder) => elderSummary(elder, deps.keyring));
    return { month: report.month, regionCode, priorityElders: report.priorityElders, visited: report.visited, visitRatePermille: report.visitRatePermille, items, page, pageSize, total: report.unvisited.length };
  });
}
