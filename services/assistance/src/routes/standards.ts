/** 救助标准 (standards): list, the version in force, publish a new version. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { standardOn } from '../domain/standards.js';
import { ProgramSchema } from '../applications/application.view.js';
import { STANDARD_EXAMPLE, StandardView, standardView } from '../standards/standard.view.js';
import { publishStandard } from '../use-cases/standards.js';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';

const RegionCode = RegionCodeSchema;
const readers = ['caseworker', 'supervisor', 'analyst', 'admin', 'department-system'] as const;

export function standardRoutes(app: App, deps: AssistanceDeps): void {
  app.get('/standards', {
    config: { roles: [...readers] },
    schema: {
      tags: ['standards'],
      summary: '救助标准版本列表 (every standard version, by program, region and date)',
      querystring: Type.Object({ program: Type.Optional(ProgramSchema), regionCode: Type.Optional(RegionCode) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(StandardView) }, { examples: [{ items: [STANDARD_EXAMPLE] }] }), ...errorResponses },
    },
  }, async (request) => {
    const { program, regionCode } = request.query;
    const stored = await deps.standards.list({ ...(program === undefined ? {} : { program }), ...(regionCode === undefined ? {} : { regionCode }) });
    return { items: stored.map(standardView) };
  });

  app.get('/standards/in-force', {
    config: { roles: [...readers] },
    schema: {
      tags: ['standards'],
      summary: '某地某日有效的标准 (the version in force for a program, region and date)',
      description: '最具体的区划优先，其次生效日期最晚者。无有效版本时返回 ASSIST_NO_STANDARD (422)。',
      querystring: Type.Object(
        { program: ProgramSchema, regionCode: RegionCode, date: Type.Optional(Type.String({ format: 'date', description: '日期，默认今天 (default today)' })) },
        { additionalProperties: false },
      ),
      response: { 200: StandardView, ...errorResponses },
    },
  }, async (request) => {
    const { program, regionCode, date } = request.query;
    const version = standardOn(await deps.standards.versions(), program, regionCode, date ?? chinaToday(deps.now()));
    const [stored] = await deps.standards.list({ _id: version.id });
    if (stored === undefined) throw new Error(`standard ${version.id} vanished`);
    return standardView(stored);
  });

  app.post('/standards', {
    config: { roles: ['admin'], idempotent: true },
    schema: {
      tags: ['standards'],
      summary: '发布新的标准版本 (publish a new standard version)',
      description: '版本不可修改：新版本自生效日起替代同项目同区划的上一版本。区划须在调用者管辖范围内。每个项目只接受本项目的数值字段。事件 reference.standard-changed（主题 mz.reference.standards）。',
      body: Type.Object(
        {
          program: ProgramSchema,
          regionCode: RegionCode,
          effectiveFrom: Type.String({ format: 'date', description: '生效日期 (first day it applies)' }),
          source: Type.String({ minLength: 2, maxLength: 500, description: '依据文件 (the policy document it comes from)' }),
          monthlyStandardFen: Type.Optional(Type.Integer({ minimum: 0, description: '低保/特困月标准，分 (DIBAO, TEKUN)' })),
          categoricalSupplements: Type.Optional(Type.Union([
            Type.Object({
              amountsFen: Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 }), { description: '类别 → 每人每月金额，分' }),
              stacking: Type.Enum(['HIGHEST', 'SUM'], { description: '多类别时取最高 (HIGHEST) 或相加 (SUM)' }),
            }, { additionalProperties: false }),
            Type.Null(),
          ], { description: '分类救助金 (DIBAO only)' })),
          lowIncomeMultiplierPermille: Type.Optional(Type.Integer({ minimum: 1000, description: '低收入上限 = 低保标准 × 此值/1000 (LOW_INCOME)' })),
          temporaryAidFloorPermille: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: '镇街普通临时救助下限 = 低保标准 × 此值/1000；null 为无下限 (TEMPORARY_AID)' })),
          rigidExpenditureRatioPermille: Type.Optional(Type.Integer({ minimum: 1, description: '支出型困难：刚性支出 ≥ 年可支配收入 × 此值/1000 (EXPENDITURE_HARDSHIP)' })),
        },
        {
          additionalProperties: false,
          examples: [
            { program: 'DIBAO', regionCode: '442000', effectiveFrom: '2027-01-01', source: '中山市民政局关于调整城乡低保标准的通知（示例）', monthlyStandardFen: 115000 },
            { program: 'EXPENDITURE_HARDSHIP', regionCode: '442000', effectiveFrom: '2027-01-01', source: '本地政策参数（种子文件未给出）', rigidExpenditureRatioPermille: 500 },
          ],
        },
      ),
      response: { 201: StandardView, ...errorResponses },
    },
  }, async (request, reply) => {
    const stored = await publishStandard(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/standards/in-force?program=${stored.program}&regionCode=${stored.regionCode}&date=${stored.effectiveFrom}`).send(standardView(stored));
  });
}
