/** 规则 (the detection rules): the rule table and the parameters in force, as data, for people and for the console. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { DataSharingDeps } from '../deps.js';
import { RULES } from '../rules/definitions.js';
import { PARAMETER_DEFINITIONS } from '../rules/parameters.js';
import type { Condition } from '../rules/conditions.js';
import { backtest } from '../use-cases/backtest.js';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';

const RuleView = Type.Object({
  id: Type.String(),
  version: Type.String(),
  title: Type.String(),
  description: Type.String(),
  subject: Type.String(),
  inputs: Type.Array(Type.String()),
  condition: Type.Unknown({ description: '条件（json-rules-engine 格式） (the condition, in json-rules-engine\'s shape)' }),
  urgency: Type.String(),
  escalation: Type.Union([Type.Object({ condition: Type.Unknown(), urgency: Type.String() }), Type.Null()]),
  targetRole: Type.String(),
  flagCode: Type.String(),
  suggestedProgram: Type.Union([Type.String(), Type.Null()]),
  explanation: Type.String({ description: '说明模板 (explanation template)' }),
  clears: Type.String(),
  evidence: Type.Array(Type.String()),
  seed: Type.String(),
});

const ParameterView = Type.Object({
  name: Type.String(),
  value: Type.Union([Type.Number(), Type.Array(Type.String())]),
  default: Type.Union([Type.Number(), Type.Array(Type.String())]),
  unit: Type.String(),
  title: Type.String(),
  given: Type.String({ description: 'seed：种子文件给出；parameter：种子未给出，为可配置假设 (seed: given by the seeds; parameter: an assumption to configure)' }),
  reference: Type.String(),
});

export function ruleRoutes(app: App, deps: DataSharingDeps): void {
  app.get('/rules', {
    config: { roles: ['analyst', 'caseworker', 'supervisor', 'child-protection', 'admin'] },
    schema: {
      tags: ['rules'],
      summary: '政策找人规则表与现行参数 (the detection rules and the parameters in force)',
      response: {
        200: Type.Object(
          { rules: Type.Array(RuleView), parameters: Type.Array(ParameterView) },
          { examples: [{ rules: [{ id: 'TURNING_80_WITHOUT_ALLOWANCE', version: '1', title: '年满 80 周岁未享受高龄津贴（免申可领）', description: '…', subject: 'person', inputs: ['age', 'programs'], condition: { all: [] }, urgency: 'P4', escalation: null, targetRole: 'CIVIL_AFFAIRS_ASSISTANT', flagCode: 'ADVANCED_AGE_ALLOWANCE_CANDIDATE', suggestedProgram: 'ADVANCED_AGE_ALLOWANCE', explanation: '…', clears: 'condition', evidence: [], seed: '§8 rule 16' }], parameters: [{ name: 'advancedAgeYears', value: 80, default: 80, unit: 'years', title: '高龄津贴起始年龄', given: 'seed', reference: 'R-E10' }] }] },
        ),
        ...errorResponses,
      },
    },
  }, () => ({
    rules: RULES.map((rule) => ({ ...rule, inputs: [...rule.inputs], evidence: [...rule.evidence], escalation: rule.escalation ?? null })),
    parameters: Object.entries(PARAMETER_DEFINITIONS).map(([name, definition]) => {
      const value = (deps.ruleParameters as unknown as Record<string, number | readonly string[]>)[name] ?? definition.value;
      return { name, value: typeof value === 'number' ? value : [...value], default: typeof definition.value === 'number' ? definition.value : [...definition.value], unit: definition.unit, title: definition.title, given: definition.given, reference: definition.reference };
    }),
  }));

  const DATE = Type.String({ format: 'date', description: '日期 YYYY-MM-DD' });
  app.post('/rules/:ruleId/backtest', {
    config: { roles: ['analyst', 'supervisor', 'admin'] },
    schema: {
      tags: ['rules'],
      summary: '规则回测：新规则或修改后的规则在历史事件上会在何时标记谁 (backtest: what a new or changed rule would have flagged, and when)',
      description: '对辖区内每个对象，按其（及其家庭或成员）每次事件发生时与时间事实变化时（生日、无用水达到阈值等）重建当时的画像并评估规则；每段成立期为一条记录：何时会发起、说明、何时条件不再成立。不写入任何数据。可给出修改后的条件（json-rules-engine 格式）与参数。',
      params: Type.Object({ ruleId: Type.String() }),
      body: Type.Object({
        condition: Type.Optional(Type.Unknown({ description: '修改后的条件（json-rules-engine 格式）；缺省为现行条件 (a changed condition; default the rule\'s own)' })),
        parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '规则参数 {名称: 值} (rule parameters by name)' })),
        from: DATE,
        to: DATE,
        regionCode: Type.Optional(RegionCodeSchema),
        limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 200, description: '列出的记录数（统计含全部） (episodes listed; the counts cover all)' }),
      }, { additionalProperties: false, examples: [{ from: '2026-01-01', to: '2026-12-31', parameters: { waterSilenceThresholdHours: 18 } }] }),
      response: {
        200: Type.Object({
          ruleId: Type.String(),
          ruleVersion: Type.String(),
          changed: Type.Boolean(),
          from: Type.String(),
          to: Type.String(),
          scope: Type.String(),
          subjectsEvaluated: Type.Integer(),
          evaluations: Type.Integer(),
          episodes: Type.Object({
            total: Type.Integer(),
            subjects: Type.Integer(),
            items: Type.Array(Type.Object({ subjectKind: Type.String(), subjectKey: Type.String(), regionCode: Type.Union([Type.String(), Type.Null()]), raisedAt: Type.String(), clearedAt: Type.Union([Type.String(), Type.Null()]), urgency: Type.String(), explanation: Type.String(), causationId: Type.Union([Type.String(), Type.Null()]) })),
          }),
          byMonth: Type.Array(Type.Object({ month: Type.String(), raised: Type.Integer() })),
          byTown: Type.Array(Type.Object({ townCode: Type.String(), raised: Type.Integer() })),
          seconds: Type.Number(),
        }, { examples: [{ ruleId: 'WATER_METER_SILENCE', ruleVersion: '1', changed: false, from: '2026-01-01', to: '2026-12-31', scope: '442000', subjectsEvaluated: 5_210, evaluations: 61_877, episodes: { total: 41, subjects: 37, items: [{ subjectKind: 'person', subjectKey: '3f9a…', regionCode: '442000101002', raisedAt: '2026-03-08T01:00:00.000Z', clearedAt: null, urgency: 'P1', explanation: '独居老人（85岁）的智能水表已连续30小时无用水…', causationId: 'ceab3806-858c-4de4-8a1d-e702f744b060' }] }, byMonth: [{ month: '2026-03', raised: 6 }], byTown: [{ townCode: '442000101', raised: 9 }], seconds: 4.2 }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { condition, ...rest } = request.body;
    return backtest(deps, principalOf(request), { ruleId: request.params.ruleId, ...rest, ...(condition === undefined ? {} : { condition: condition as Condition }) });
  });
}
