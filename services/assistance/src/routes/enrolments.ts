/** 纳入保障 (enrolments) and 月度发放 (monthly payment runs). */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { EndReasonSchema, EnrolmentProgramSchema, EnrolmentView, SupportModeSchema, enrolmentView } from '../enrolments/enrolment.view.js';
import { PaymentRunView, paymentRunView } from '../payment-runs/payment-run.view.js';
import { changeAmount, end, shorten, startFromApplication } from '../use-cases/enrolments.js';
import { startPaymentRun } from '../use-cases/payment-runs.js';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';

const Params = Type.Object({ id: Type.String({ description: '编号 (id)' }) });
const RegionQuery = Type.Optional(RegionCodeSchema);
const Version = Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号 (the version you read)' }));

export function enrolmentRoutes(app: App, deps: AssistanceDeps): void {
  const today = () => chinaToday(deps.now());

  app.post('/enrolments', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['enrolments'],
      summary: '纳入保障：按已批准的申请开始保障 (start the enrolment an approved application decided)',
      description: '自批准次月1日起保障，金额与标准版本取自审批核定。事件 assistance.enrolment-started。',
      body: Type.Object(
        {
          applicationId: Type.String({ description: '已批准的申请编号 (an APPROVED or PAID application)' }),
          supportMode: Type.Optional(SupportModeSchema),
          nextReviewDate: Type.Optional(Type.String({ format: 'date', description: '下次复核日期 (next review date)' })),
        },
        { additionalProperties: false, examples: [{ applicationId: 'APP-5b0d7c2e-8f0a-4f7e-9d0e-2b1c3d4e5f60', nextReviewDate: '2027-09-30' }] },
      ),
      response: { 201: EnrolmentView, ...errorResponses },
    },
  }, async (request, reply) => {
    const enrolment = await startFromApplication(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/enrolments/${enrolment._id}`).send(enrolmentView(enrolment, today()));
  });

  app.post('/enrolments/:id/amount-changes', {
    config: { roles: ['supervisor'] },
    schema: {
      tags: ['enrolments'],
      summary: '调整保障金额 (change the monthly amount from the first day of a month)',
      description: '不给金额时，低保按当日家庭收入与有效标准重算差额、特困取有效标准（标准调整即 STANDARD_REINDEXED）。事件 assistance.enrolment-changed。',
      params: Params,
      body: Type.Object(
        {
          effectiveFrom: Type.String({ format: 'date', description: '生效日期，须为某月1日 (first day of a month)' }),
          monthlyAmountFen: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: '新月金额，分；不给则重算 (new amount; absent: recomputed)' })),
          reason: Type.Optional(Type.String({ maxLength: 2000, description: '变更原因 (reason)' })),
          version: Version,
        },
        { additionalProperties: false, examples: [{ effectiveFrom: '2027-01-01', reason: '家庭收入变化，重新核算' }, { effectiveFrom: '2027-01-01', monthlyAmountFen: 250000, reason: '复核调整' }] },
      ),
      response: { 200: EnrolmentView, ...errorResponses },
    },
  }, async (request) => enrolmentView(await changeAmount(deps, principalOf(request), request.params.id, request.body), today()));

  app.post('/enrolments/:id/end', {
    config: { roles: ['supervisor'] },
    schema: {
      tags: ['enrolments'],
      summary: '终止保障（低保可设渐退期，最长12个月） (end; 低保 may exit gradually, at most 12 months)',
      description: '事件 assistance.enrolment-ended。',
      params: Params,
      body: Type.Object(
        {
          endDate: Type.String({ format: 'date', description: '正常保障最后一日 (last day of regular eligibility)' }),
          reason: EndReasonSchema,
          gradualExit: Type.Optional(Type.Object({
            endDate: Type.String({ format: 'date', description: '渐退期最后一日 (last day of the gradual exit)' }),
            monthlyAmountFen: Type.Optional(Type.Integer({ minimum: 0, description: '渐退期月金额，默认最后一次正常金额 (default: the last regular amount)' })),
          }, { additionalProperties: false })),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
          version: Version,
        },
        { additionalProperties: false, examples: [{ endDate: '2027-03-31', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2027-09-30' }, note: '就业后收入超过标准' }, { endDate: '2027-02-28', reason: 'DEATH' }] },
      ),
      response: { 200: EnrolmentView, ...errorResponses },
    },
  }, async (request) => enrolmentView(await end(deps, principalOf(request), request.params.id, request.body), today()));

  app.post('/enrolments/:id/gradual-exit-shortening', {
    config: { roles: ['supervisor'] },
    schema: {
      tags: ['enrolments'],
      summary: '提前结束渐退期 (cut a gradual exit short)',
      description: '事件 assistance.enrolment-ended（新的渐退期结束日期）。',
      params: Params,
      body: Type.Object(
        { endDate: Type.String({ format: 'date' }), reason: EndReasonSchema, note: Type.Optional(Type.String({ maxLength: 2000 })), version: Version },
        { additionalProperties: false, examples: [{ endDate: '2027-05-31', reason: 'MOVED_AWAY' }] },
      ),
      response: { 200: EnrolmentView, ...errorResponses },
    },
  }, async (request) => enrolmentView(await shorten(deps, principalOf(request), request.params.id, request.body), today()));

  app.get('/enrolments/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: { tags: ['enrolments'], summary: '查看保障 (one enrolment, with its amounts and months paid)', params: Params, response: { 200: EnrolmentView, ...errorResponses } },
  }, async (request) => enrolmentView(await deps.enrolments.get(request.params.id, principalOf(request).jurisdiction), today()));

  app.get('/enrolments', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['enrolments'],
      summary: '保障列表（分页；按区划、项目、状态、家庭筛选） (enrolments, newest first)',
      querystring: Type.Object(
        { ...PageQuery.properties, regionCode: RegionQuery, program: Type.Optional(EnrolmentProgramSchema), status: Type.Optional(Type.Enum(['ACTIVE', 'ENDED'])), householdId: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
      response: { 200: pageSchema(EnrolmentView), ...errorResponses },
    },
  }, async (request) => {
    const { regionCode, program, status, householdId } = request.query;
    const filter = { ...(program === undefined ? {} : { program }), ...(status === undefined ? {} : { status }), ...(householdId === undefined ? {} : { householdId }) };
    const result = await deps.enrolments.list(principalOf(request).jurisdiction, regionCode, filter, pageOf(request.query));
    const day = today();
    return { ...result, items: result.items.map((enrolment) => enrolmentView(enrolment, day)) };
  });

  app.post('/payment-runs', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: {
      tags: ['payments'],
      summary: '月度发放：为辖区内应发未发的保障发放某月待遇 (run the monthly payments of a month)',
      description: '立即返回 202，批次在后台执行，GET /payment-runs/:id 查看进度。同一保障同一月份只发一次，重复执行只补发未发部分。审批人不得发放其审批的保障。每笔发放一个事件 assistance.payment-issued。',
      body: Type.Object(
        {
          month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '发放月份 YYYY-MM，不晚于本月 (not after the current month)' }),
          regionCode: RegionQuery,
        },
        { additionalProperties: false, examples: [{ month: '2026-11' }, { month: '2026-11', regionCode: '442000001' }] },
      ),
      response: { 202: PaymentRunView, ...errorResponses },
    },
  }, async (request, reply) => {
    const { run } = await startPaymentRun(deps, principalOf(request), request.body, request.log);
    return reply.code(202).header('location', `/payment-runs/${run._id}`).send(paymentRunView(run));
  });

  app.get('/payment-runs/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: { tags: ['payments'], summary: '发放批次进度与结果 (a payment run: progress and outcome)', params: Params, response: { 200: PaymentRunView, ...errorResponses } },
  }, async (request) => paymentRunView(await deps.paymentRuns.get(request.params.id, principalOf(request).jurisdiction)));

  app.get('/payment-runs', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['payments'],
      summary: '发放批次列表 (payment runs, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: RegionQuery, month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })) }, { additionalProperties: false }),
      response: { 200: pageSchema(PaymentRunView), ...errorResponses },
    },
  }, async (request) => {
    const { regionCode, month } = request.query;
    const result = await deps.paymentRuns.list(principalOf(request).jurisdiction, regionCode, month === undefined ? {} : { month }, pageOf(request.query));
    return { ...result, items: result.items.map(paymentRunView) };
  });
}
