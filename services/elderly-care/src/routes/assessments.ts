/** 老年人能力评估 and 照护补助 (ability assessments and the care subsidy). */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { chinaDate } from '../domain/dates.js';
import { dateInFuture } from '../domain/errors.js';
import { CareDependencyLevelSchema, CareSubsidyDecisionView, PriorityGroupSchema } from '../elders/elder.view.js';
import { careSubsidyOn, recordAssessment } from '../use-cases/assessments.js';
import { ElderParams } from './elders.js';

const decisionExample = { qualifies: true, monthlyAmountFen: 200_000, versionId: 'DEMO-ZHBZ-442000-2019-v1', ruleId: 'MODERATE-ECONOMIC-DIFFICULTY', reason: 'rule MODERATE-ECONOMIC-DIFFICULTY', decidedOn: '2026-02-26' };

const AssessmentView = Type.Object({
  assessmentId: Type.String({ description: '评估编号 (assessment id)' }),
  elderId: Type.String(),
  careDependencyLevel: CareDependencyLevelSchema,
  score: Type.Union([Type.Integer(), Type.Null()]),
  assessmentStandard: Type.Union([Type.String(), Type.Null()]),
  assessorOrganisationId: Type.String(),
  assessedDate: Type.String({ format: 'date' }),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  careSubsidy: CareSubsidyDecisionView,
  priorityGroups: Type.Array(PriorityGroupSchema, { description: '评估后的特殊困难类别 (priority groups after this assessment)' }),
  version: Type.Integer({ description: '老人档案新版本号 (the elder record\'s new version)' }),
}, {
  examples: [{
    assessmentId: 'PG-0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', elderId: 'ELD-109bd76492e40f6702689a9f39858fb6', careDependencyLevel: 'MODERATE', score: 58, assessmentStandard: 'GB/T 42195-2022',
    assessorOrganisationId: 'ORG-PG-0003', assessedDate: '2026-02-26', validUntil: '2027-02-25', careSubsidy: decisionExample, priorityGroups: ['EMPTY_NEST'], version: 2,
  }],
});

export function assessmentRoutes(app: App, deps: ElderlyCareDeps, audit: AccessAudit): void {
  app.post('/elders/:id/assessments', {
    config: { roles: ['caseworker', 'supervisor', 'department-system'], idempotent: true },
    schema: {
      tags: ['assessments'],
      summary: '记录老年人能力评估并判定照护补助 (record an ability assessment; answers the care subsidy the elder qualifies for)',
      description: '照护补助按评估时生效的参数表版本判定并保存（2018 年双低重度失能 2,000、孤老优抚 1,500 元；2019 年每月最高 4,000 元，各级金额为参数）。事件 elderly-care.ability-assessment-completed 与 elderly-care.care-subsidy-decided。',
      params: ElderParams,
      body: Type.Object({
        careDependencyLevel: CareDependencyLevelSchema,
        score: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: '评估得分 (score)' })),
        assessmentStandard: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: '评估标准 (instrument, e.g. GB/T 42195-2022)' })),
        assessorOrganisationId: Type.String({ minLength: 1, maxLength: 80, description: '评估机构 (assessor organisation id)' }),
        assessedDate: Type.String({ format: 'date', description: '评估日期，不晚于今天 (assessment date, not in the future)' }),
        validUntil: Type.Optional(Type.String({ format: 'date', description: '有效期至 (valid until)' })),
        version: Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号 (the elder version you read)' })),
      }, { additionalProperties: false, examples: [{ careDependencyLevel: 'MODERATE', score: 58, assessmentStandard: 'GB/T 42195-2022', assessorOrganisationId: 'ORG-PG-0003', assessedDate: '2026-02-26', validUntil: '2027-02-25' }] }),
      response: { 201: AssessmentView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { elder, assessment } = await recordAssessment(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'elder', resourceId: elder._id, personKeys: [elder.personKey] });
    return reply.code(201).send({ ...assessment, elderId: elder._id, priorityGroups: elder.priorityGroups, version: elder.version });
  });

  app.get('/elders/:id/care-subsidy', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['assessments'],
      summary: '照护补助资格（按日期） (the care subsidy the elder qualifies for on a date, with the table version used)',
      params: ElderParams,
      querystring: Type.Object({ date: Type.Optional(Type.String({ format: 'date', description: '日期，默认今天 (date, default today)' })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          elderId: Type.String(),
          assessmentId: Type.Union([Type.String(), Type.Null()], { description: '所依据的有效评估 (the valid assessment used)' }),
          decision: CareSubsidyDecisionView,
        }, { examples: [{ elderId: 'ELD-109bd76492e40f6702689a9f39858fb6', assessmentId: 'PG-0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', decision: decisionExample }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const today = chinaDate(deps.now());
    const date = request.query.date ?? today;
    if (date > today) throw dateInFuture('date');
    const elder = await deps.elders.get(request.params.id, principal.jurisdiction);
    const { decision, assessmentId } = careSubsidyOn(deps, elder, date);
    return { elderId: elder._id, assessmentId, decision };
  });
}
