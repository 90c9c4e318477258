/** 应享未享与政策模拟 (take-up and what-if): who qualifies for what and does not receive it, and what a changed standard or parameter would do — read-only, no flag touched. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { DataSharingDeps } from '../deps.js';
import { ELIGIBILITY } from '../rules/eligibility.js';
import { takeUpReport, whatIf } from '../use-cases/eligibility.js';

const PROGRAMS = ELIGIBILITY.map((item) => item.program);
const Count = Type.Union([Type.Integer(), Type.String({ pattern: '^<\\d+$' })], { description: '计数；分析人员视图中小于阈值显示为 "<5" (a count; "<5" for analysts when below the threshold)' });
const Fen = Type.Union([Type.Integer(), Type.Null()], { description: '金额（分/月）；无法计算或已抑制时为空 (fen a month; null when not computable or suppressed)' });
const DATE = Type.String({ format: 'date', description: '日期 YYYY-MM-DD' });

const StandardChange = Type.Object({
  program: Type.Enum(PROGRAMS, { description: '项目 (program)' }),
  standardKind: Type.Enum(['MONTHLY_AMOUNT', 'INCOME_THRESHOLD_MULTIPLIER'], { default: 'MONTHLY_AMOUNT', description: 'MONTHLY_AMOUNT 月标准（低保标准、津贴月额）；INCOME_THRESHOLD_MULTIPLIER 低收入认定倍数 (a monthly amount, or the low-income multiplier)' }),
  regionCode: RegionCodeSchema,
  effectiveFrom: DATE,
  valueFen: Type.Optional(Type.Integer({ minimum: 0, description: '月标准（分） (monthly amount, fen)' })),
  ratioPermille: Type.Optional(Type.Integer({ minimum: 0, description: '倍数（‰） (multiplier, per mille)' })),
}, { additionalProperties: false });

export function eligibilityRoutes(app: App, deps: DataSharingDeps, threshold: number): void {
  app.get('/eligibility', {
    config: { roles: ['analyst', 'supervisor', 'admin'] },
    schema: {
      tags: ['eligibility'],
      summary: '应享未享：按项目×镇街统计符合条件、已享受、未享受人数 (take-up: eligible, receiving, not receiving by program × town)',
      description: `资格可由专题库计算的项目：${ELIGIBILITY.map((item) => `${item.program} ${item.title}`).join('；')}。未享受者的月待遇合计按现行标准估算（低保为补差×人数）。分析人员视图小格抑制。`,
      querystring: Type.Object({ regionCode: Type.Optional(RegionCodeSchema), program: Type.Optional(Type.Enum(PROGRAMS)) }),
      response: {
        200: Type.Object({
          date: Type.String(),
          scope: Type.String(),
          threshold: Type.Union([Type.Integer(), Type.Null()]),
          cells: Type.Array(Type.Object({ program: Type.String(), title: Type.String(), townCode: Type.String(), eligible: Count, eligiblePersons: Count, receiving: Count, notReceiving: Count, takeUpRatio: Type.Union([Type.Number(), Type.Null()]), unpaidMonthlyFen: Fen, suppressed: Type.Boolean() })),
        }, { examples: [{ date: '2026-12-07', scope: '442000', threshold: null, cells: [{ program: 'DIBAO', title: '最低生活保障（低保）', townCode: '442000101', eligible: 212, eligiblePersons: 431, receiving: 187, notReceiving: 25, takeUpRatio: 0.8821, unpaidMonthlyFen: 2_150_000, suppressed: false }] }] }),
        ...errorResponses,
      },
    },
  }, async (request) => takeUpReport(deps, principalOf(request), request.query, threshold));

  app.post('/what-if', {
    config: { roles: ['analyst', 'supervisor', 'admin'] },
    schema: {
      tags: ['eligibility'],
      summary: '政策模拟：调整标准或参数后新增/退出的家庭与人数（按镇街）及月度资金变化 (what-if: who newly qualifies or stops, by town, and the monthly cost difference)',
      description: '以现行标准与参数和调整后的标准与参数在同一时点各评估一次，不写入、不影响现有线索。资金变化 = 调整后所有符合条件者的月待遇 − 调整前（假定应享尽享；低保按补差×人数，不含分类救助金）；recipients 为现享受者部分。',
      body: Type.Object({
        standards: Type.Optional(Type.Array(StandardChange, { maxItems: 50 })),
        parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '规则参数 {名称: 值}（见 GET /rules） (rule parameters by name)' })),
        date: Type.Optional(DATE),
        regionCode: Type.Optional(RegionCodeSchema),
      }, { additionalProperties: false, examples: [{ standards: [{ program: 'DIBAO', regionCode: '442000101', effectiveFrom: '2027-01-01', valueFen: 125_000 }] }] }),
      response: {
        200: Type.Object({
          date: Type.String(),
          scope: Type.String(),
          threshold: Type.Union([Type.Integer(), Type.Null()]),
          changes: Type.Object({ standards: Type.Array(Type.Unknown()), parameters: Type.Record(Type.String(), Type.Unknown()) }),
          subjectsEvaluated: Type.Integer(),
          totals: Type.Object({ newlyEligible: Type.Object({ households: Count, persons: Count }), noLongerEligible: Type.Object({ households: Count, persons: Count }), monthlyCostDifferenceFen: Fen }),
          cells: Type.Array(Type.Object({
            program: Type.String(),
            title: Type.String(),
            townCode: Type.String(),
            newlyEligible: Type.Object({ subjects: Count, persons: Count, notReceiving: Count }),
            noLongerEligible: Type.Object({ subjects: Count, persons: Count, receiving: Count }),
            monthlyCostDifferenceFen: Fen,
            recipientsMonthlyCostDifferenceFen: Fen,
            suppressed: Type.Boolean(),
          })),
          unpriced: Type.Array(Type.String()),
        }, { examples: [{ date: '2027-01-01', scope: '442000', threshold: null, changes: { standards: [{ program: 'DIBAO', standardKind: 'MONTHLY_AMOUNT', regionCode: '442000101', effectiveFrom: '2027-01-01', valueFen: 125_000 }], parameters: {} }, subjectsEvaluated: 61_204, totals: { newlyEligible: { households: 38, persons: 71 }, noLongerEligible: { households: 0, persons: 0 }, monthlyCostDifferenceFen: 3_911_000 }, cells: [{ program: 'DIBAO', title: '最低生活保障（低保）', townCode: '442000101', newlyEligible: { subjects: 38, persons: 71, notReceiving: 38 }, noLongerEligible: { subjects: 0, persons: 0, receiving: 0 }, monthlyCostDifferenceFen: 3_911_000, recipientsMonthlyCostDifferenceFen: 2_431_000, suppressed: false }], unpriced: [] }] }),
        ...errorResponses,
      },
    },
  }, async (request) => whatIf(deps, principalOf(request), request.body, threshold));
}
