/** 救助申请 (applications): submit, review, decide, pay, withdraw, read, list. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { APPLICATION_STATUSES } from '../domain/application-workflow.js';
import type { AssistanceDeps } from '../deps.js';
import { seesPersonalData } from '../households/household.view.js';
import { ApplicationView, ChannelSchema, ProgramSchema, RejectionReasonSchema, TemporaryAidGradeSchema, TemporaryAidTypeSchema, applicationView } from '../applications/application.view.js';
import { decide, pay, review, submit, withdraw } from '../use-cases/applications.js';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';

const Params = Type.Object({ id: Type.String({ description: '申请编号 (application id)' }) });
const StepBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000, description: '意见 (note)' })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号，防止覆盖他人修改 (the version you read)' })),
  },
  { additionalProperties: false, examples: [{ note: '已入户核实家庭收入', version: 1 }] },
);

export function applicationRoutes(app: App, deps: AssistanceDeps, audit: AccessAudit): void {
  app.post('/applications', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['applications'],
      summary: '受理救助申请 (submit an application for a household)',
      description: '临时救助须给出类型与档次；先行救助仅限急难型临时救助。事件 assistance.application-submitted。',
      body: Type.Object(
        {
          householdId: Type.String({ description: '家庭编号 (household id)' }),
          program: ProgramSchema,
          channel: ChannelSchema,
          reason: Type.Optional(Type.String({ maxLength: 2000, description: '申请理由 (reason)' })),
          temporaryAidType: Type.Optional(TemporaryAidTypeSchema),
          temporaryAidGrade: Type.Optional(TemporaryAidGradeSchema),
          aidFirst: Type.Optional(Type.Boolean({ description: '先行救助 (aid first, paperwork later; emergency temporary aid only)' })),
          originFlagId: Type.Optional(Type.String({ format: 'uuid', description: '来自政策找人预警的编号 (the flag that found this household)' })),
        },
        {
          additionalProperties: false,
          examples: [
            { householdId: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', program: 'DIBAO', channel: 'WINDOW', reason: '户主患病，收入下降' },
            { householdId: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', program: 'TEMPORARY_AID', channel: 'PROACTIVE_DISCOVERY', temporaryAidType: 'EMERGENCY', temporaryAidGrade: 'ORDINARY', aidFirst: true },
          ],
        },
      ),
      response: { 201: ApplicationView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const application = await submit(deps, principal, request.body);
    return reply.code(201).header('location', `/applications/${application._id}`).send(applicationView(application, principal, deps.keyring));
  });

  app.post('/applications/:id/review', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['applications'], summary: '审核 (review: the reviewer may not approve or pay the same application)', description: '事件 assistance.application-reviewed。', params: Params, body: StepBody, response: { 200: ApplicationView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    return applicationView(await review(deps, principal, request.params.id, request.body), principal, deps.keyring);
  });

  app.post('/applications/:id/decision', {
    config: { roles: ['supervisor'] },
    schema: {
      tags: ['applications'],
      summary: '审批：批准或不予批准 (decide: approve or reject; the approver may not have reviewed, submitted or pay it)',
      description: '批准时按当日有效的救助标准核定金额，并记录所用标准版本。事件 assistance.application-decided。',
      params: Params,
      body: Type.Object(
        {
          decision: Type.Enum(['APPROVED', 'REJECTED'], { description: '审批结果 (decision)' }),
          rejectionReason: Type.Optional(RejectionReasonSchema),
          oneOffAmountFen: Type.Optional(Type.Integer({ minimum: 1, description: '临时救助金额，分 (temporary aid amount in fen)' })),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
          version: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        {
          additionalProperties: false,
          examples: [
            { decision: 'APPROVED', note: '符合低保条件', version: 2 },
            { decision: 'REJECTED', rejectionReason: 'INCOME_ABOVE_THRESHOLD', version: 2 },
            { decision: 'APPROVED', oneOffAmountFen: 300000 },
          ],
        },
      ),
      response: { 200: ApplicationView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    return applicationView(await decide(deps, principal, request.params.id, request.body), principal, deps.keyring);
  });

  app.post('/applications/:id/payment', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['applications'], summary: '发放 (pay: the payer may not have reviewed, approved or submitted it)', description: '事件 assistance.payment-issued。', params: Params, body: StepBody, response: { 200: ApplicationView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    return applicationView(await pay(deps, principal, request.params.id, request.body), principal, deps.keyring);
  });

  app.post('/applications/:id/withdrawal', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['applications'], summary: '撤回申请 (withdraw, before a decision)', params: Params, body: StepBody, response: { 200: ApplicationView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    return applicationView(await withdraw(deps, principal, request.params.id, request.body), principal, deps.keyring);
  });

  app.get('/applications/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: { tags: ['applications'], summary: '查看申请 (one application)', params: Params, response: { 200: ApplicationView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const application = await deps.applications.get(request.params.id, principal.jurisdiction);
    // The reason describes the family's situation: a clear read of it is audited.
    if (seesPersonalData(principal) && application.reason !== null) {
      await audit.record(request, { action: 'read', resource: 'application', resourceId: application._id, personKeys: [application.applicantPersonKey] });
    }
    return applicationView(application, principal, deps.keyring);
  });

  app.get('/applications', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['applications'],
      summary: '申请列表（分页；按区划、项目、状态、受理日期筛选） (applications, newest first)',
      querystring: Type.Object(
        {
          ...PageQuery.properties,
          regionCode: Type.Optional(RegionCodeSchema),
          program: Type.Optional(ProgramSchema),
          status: Type.Optional(Type.Enum(APPLICATION_STATUSES)),
          submittedFrom: Type.Optional(Type.String({ format: 'date', description: '受理日期起（含） (submitted on or after)' })),
          submittedTo: Type.Optional(Type.String({ format: 'date', description: '受理日期止（含） (submitted on or before)' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: pageSchema(ApplicationView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { regionCode, program, status, submittedFrom, submittedTo } = request.query;
    const filter: Record<string, unknown> = {};
    if (program !== undefined) filter.program = program;
    if (status !== undefined) filter.status = status;
    if (submittedFrom !== undefined || submittedTo !== undefined) {
      // Calendar dates in China Standard Time.
      filter.createdAt = {
        ...(submittedFrom === undefined ? {} : { $gte: new Date(`${submittedFrom}T00:00:00+08:00`) }),
        ...(submittedTo === undefined ? {} : { $lt: new Date(new Date(`${submittedTo}T00:00:00+08:00`).getTime() + 86_400_000) }),
      };
    }
    const result = await deps.applications.list(principal.jurisdiction, regionCode, filter, pageOf(request.query));
    const shown = result.items.filter((application) => application.reason !== null).map((application) => application.applicantPersonKey);
    if (seesPersonalData(principal) && shown.length > 0) {
      await audit.record(request, { action: 'read', resource: 'application-list', resourceId: request.url, personKeys: shown });
    }
    return { ...result, items: result.items.map((application) => applicationView(application, principal, deps.keyring)) };
  });
}
