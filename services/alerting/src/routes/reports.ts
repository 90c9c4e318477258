/** 规则精度：each rule's alerts and outcomes in the jurisdiction — the share resolved as "help given". */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { AlertingDeps } from '../deps.js';
import { precisionByRule } from '../use-cases/precision.js';

const Row = Type.Object({
  ruleId: Type.String(),
  alerts: Type.Integer({ description: '预警数' }),
  open: Type.Integer({ description: '在办（待签收、已签收）' }),
  resolved: Type.Integer({ description: '已办结' }),
  cancelled: Type.Integer({ description: '线索消除而撤销' }),
  escalated: Type.Integer({ description: '曾升级' }),
  outcomes: Type.Record(Type.String(), Type.Integer(), { description: '各处置结果的数量' }),
  precision: Type.Union([Type.Number(), Type.Null()], { description: '精度 = 已帮扶 / 已办结（无办结时为 null）' }),
});

export function reportRoutes(app: App, deps: AlertingDeps): void {
  app.get('/reports/precision', {
    config: { roles: ['supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['reports'],
      summary: '各规则预警精度（帮扶到位占办结的比例） (per-rule precision: share of resolved alerts resolved as help given)',
      querystring: Type.Object({
        regionCode: Type.Optional(RegionCodeSchema),
        from: Type.Optional(Type.String({ format: 'date', description: '预警创建日期起（含）' })),
        to: Type.Optional(Type.String({ format: 'date', description: '预警创建日期止（含）' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ regionCode: Type.String(), rules: Type.Array(Row) }, { examples: [{ regionCode: '442000101', rules: [{ ruleId: 'WATER_METER_SILENCE', alerts: 12, open: 2, resolved: 10, cancelled: 0, escalated: 3, outcomes: { HELP_GIVEN: 4, FALSE_ALARM: 6 }, precision: 0.4 }] }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const asked = request.query.regionCode;
    const scope = asked?.startsWith(principal.jurisdiction) === true ? asked : principal.jurisdiction;
    return { regionCode: scope, rules: await precisionByRule(deps, scope, request.query.from, request.query.to) };
  });
}
