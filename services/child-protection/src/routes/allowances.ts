/** 儿童基本生活费 (living allowance): review, approval, monthly payment runs; 低保 versions and rules. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import { ALL_READERS, seesChildData } from '../access.js';
import { ChildView, childView } from '../children/child.view.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { approveAllowance, reviewAllowance, runAllowancePayments } from '../use-cases/allowances.js';
import { enterDibaoVersion } from '../use-cases/dibao-standards.js';
import { peopleOf } from './children.js';

const Params = Type.Object({ id: Type.String({ description: '儿童档案编号 (child record id)' }) });
const Version = Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号 (the version you read)' }));

const DIBAO_EXAMPLE = { versionId: 'DIBAO-442000-2021-01-01', standardId: 'DIBAO-442000', regionCode: '442000', effectiveFrom: '2021-01-01', monthlyStandardFen: 112000, areaScope: 'ALL', withdrawn: false, supersedesVersionId: 'DIBAO-442000-2020-01-01', sourceDocument: '[001]', via: 'KAFKA', receivedAt: '2026-11-01T00:00:00.000Z' };

const DibaoVersionView = Type.Object({
  versionId: Type.String({ description: '低保标准版本编号 (reference versionId)' }),
  standardId: Type.String(),
  regionCode: Type.String(),
  effectiveFrom: Type.String({ format: 'date' }),
  monthlyStandardFen: Type.Integer({ description: '低保标准，分/月 (monthly standard in fen)' }),
  areaScope: Type.String(),
  withdrawn: Type.Boolean(),
  supersedesVersionId: Type.Union([Type.String(), Type.Null()]),
  sourceDocument: Type.String(),
  via: Type.Union([Type.Literal('KAFKA'), Type.Literal('OPERATOR')], { description: '来源：事件或运维录入 (received from Kafka or entered by an operator)' }),
  receivedAt: Type.String({ format: 'date-time' }),
}, { examples: [DIBAO_EXAMPLE] });

const RunResultView = Type.Object({
  runId: Type.String(),
  month: Type.String(),
  regionCode: Type.String(),
  considered: Type.Integer({ description: '在保儿童数 (ACTIVE allowances looked at)' }),
  paid: Type.Integer(),
  skipped: Type.Integer({ description: '已发或当月不在保 (already paid, or not in force that month)' }),
  totalFen: Type.Integer(),
  failures: Type.Array(Type.Object({ childId: Type.String(), code: Type.String(), message: Type.String() })),
}, { examples: [{ runId: 'CRUN-1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f', month: '2026-11', regionCode: '442000001', considered: 2, paid: 2, skipped: 0, totalFen: 358400, failures: [] }] });

export function allowanceRoutes(app: App, deps: ChildDeps, audit: AccessAudit): void {
  const today = () => chinaToday(deps.now());

  app.post('/children/:id/allowance/review', {
    config: { roles: ['child-protection'] },
    schema: {
      tags: ['allowances'],
      summary: '基本生活费审核（孤儿、事实无人抚养儿童） (review the living allowance of an orphan or 事实无人抚养 child)',
      description: '起始日须为某月1日，默认次月1日；保障至满18周岁前一日。审核人不得审批或发放。事件 child-protection.allowance-reviewed。',
      params: Params,
      body: Type.Object({ startDate: Type.Optional(Type.String({ format: 'date', description: '起始日（某月1日） (first day of a month)' })), version: Version }, { additionalProperties: false, examples: [{ startDate: '2026-11-01' }] }),
      response: { 200: ChildView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const child = await reviewAllowance(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'child-allowance', resourceId: child._id, personKeys: peopleOf(child) });
    return childView(child, deps.keyring, seesChildData(principal), today());
  });

  app.post('/children/:id/allowance/approval', {
    config: { roles: ['supervisor'] },
    schema: {
      tags: ['allowances'],
      summary: '基本生活费审批：按 1.6 × 现行低保标准核定金额 (approve: amounts = 1.6 × the 低保 standard in force, with the versions cited)',
      description: '审批人不得为审核人。金额按规则版本与低保版本逐月核定并记录两个版本号；低保标准变化时自动重算。回答中个人信息已脱敏。事件 child-protection.allowance-determined（APPROVED；重算时 RECOMPUTED）。',
      params: Params,
      body: Type.Object({ version: Version }, { additionalProperties: false, examples: [{ version: 3 }] }),
      response: { 200: ChildView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const child = await approveAllowance(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'child-allowance', resourceId: child._id, personKeys: peopleOf(child) });
    return childView(child, deps.keyring, seesChildData(principal), today());
  });

  app.post('/allowance-payment-runs', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['allowances'],
      summary: '基本生活费月度发放 (pay one month for every allowance in force in a region)',
      description: '每名儿童每月至多发放一次；审核人、审批人不得发放（列入 failures）。事件 child-protection.allowance-paid。',
      body: Type.Object({
        month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: '发放月份 YYYY-MM，不晚于本月 (month, not after the current one)' }),
        regionCode: Type.Optional(RegionCodeSchema),
      }, { additionalProperties: false, examples: [{ month: '2026-11', regionCode: '442000001' }] }),
      response: { 201: RunResultView, ...errorResponses },
    },
  }, async (request, reply) => reply.code(201).send(await runAllowancePayments(deps, principalOf(request), request.body)));

  app.get('/standards/dibao', {
    config: { roles: [...ALL_READERS, 'department-system'] },
    schema: {
      tags: ['standards'],
      summary: '本服务已知的低保标准版本（来自社会救助服务事件） (the 低保 versions received)',
      response: { 200: Type.Object({ items: Type.Array(DibaoVersionView) }, { examples: [{ items: [DIBAO_EXAMPLE] }] }), ...errorResponses },
    },
  }, async () => ({ items: (await deps.dibao.all()).map(({ _id: _unused, receivedAt, ...rest }) => ({ ...rest, receivedAt: receivedAt.toISOString() })) }));

  app.post('/standards/dibao', {
    config: { roles: ['admin'], idempotent: true },
    schema: {
      tags: ['standards'],
      summary: '运维录入低保标准版本并重算基本生活费 (operator enters a 低保 version; allowances are re-computed)',
      description: '正常情况下版本来自 mz.reference.standards 上的 reference.standard-changed 事件；此接口供运维补录与测试。',
      body: Type.Object({
        versionId: Type.String({ minLength: 1, maxLength: 128, description: '版本编号，与社会救助服务一致 (the reference versionId)' }),
        regionCode: RegionCodeSchema,
        effectiveFrom: Type.String({ format: 'date' }),
        monthlyStandardFen: Type.Integer({ minimum: 0, description: '低保标准，分/月 (monthly standard in fen)' }),
        sourceDocument: Type.String({ minLength: 1, maxLength: 500, description: '政策依据 (policy document)' }),
        changeKind: Type.Optional(Type.Union([Type.Literal('PUBLISHED'), Type.Literal('CORRECTED'), Type.Literal('WITHDRAWN')])),
      }, { additionalProperties: false, examples: [{ versionId: 'DIBAO-442000-2022-01-01', regionCode: '442000', effectiveFrom: '2022-01-01', monthlyStandardFen: 115000, sourceDocument: '中山市2022年低保标准调整通知' }] }),
      response: {
        201: Type.Object({ version: DibaoVersionView, considered: Type.Integer({ description: '在保儿童数 (allowances looked at)' }), recomputed: Type.Integer({ description: '金额变化的儿童数 (allowances whose amounts changed)' }) }, { examples: [{ version: DIBAO_EXAMPLE, considered: 2, recomputed: 2 }] }),
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const { version, considered, recomputed } = await enterDibaoVersion(deps, principalOf(request), request.body, request.id);
    const { _id: _unused, receivedAt, ...rest } = version;
    return reply.code(201).send({ version: { ...rest, receivedAt: receivedAt.toISOString() }, considered, recomputed });
  });

  app.get('/standards/allowance-rules', {
    config: { roles: [...ALL_READERS, 'department-system'] },
    schema: {
      tags: ['standards'],
      summary: '基本生活费计算规则版本（低保标准倍数） (allowance rule versions: ratio × 低保)',
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), regionCode: Type.String(), effectiveFrom: Type.String({ format: 'date' }), ratioPermille: Type.Integer(), source: Type.String() })) }, { examples: [{ items: [{ id: 'CHILD-ALLOWANCE-RULE-442000-2021-01-01', regionCode: '442000', effectiveFrom: '2021-01-01', ratioPermille: 1600, source: '[000]' }] }] }),
        ...errorResponses,
      },
    },
  }, () => Promise.resolve({ items: deps.allowanceRules.map((rule) => ({ ...rule })) }));
}
