/** 规则 (the detection rules): the rule table and the parameters in force, as data, for people and for the console. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses } from '@minzheng/service-kit/routes';
import type { DataSharingDeps } from '../deps.js';
import { RULES } from '../rules/definitions.js';
import { PARAMETER_DEFINITIONS } from '../rules/parameters.js';

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
}
