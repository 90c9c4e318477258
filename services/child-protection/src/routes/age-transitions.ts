/** 年龄节点 (age transitions): turning 18 within N months; 特困 minors turning 16 (covered to 18). */
import { Type } from '@fastify/type-provider-typebox';
import { maskName } from '@minzheng/identity/masking';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import { seesChildData } from '../access.js';
import { CategorySchema } from '../children/child.view.js';
import type { ChildDeps } from '../deps.js';
import { DEFAULT_LOOKAHEAD_MONTHS } from '../domain/age.js';
import { childContext, unseal } from '../protect.js';
import { ageTransitions } from '../use-cases/age-transitions.js';

const Item = Type.Object({
  childId: Type.String(),
  name: Type.String({ description: '姓名 (masked unless child-protection)' }),
  regionCode: Type.String(),
  category: CategorySchema,
  tekunMinor: Type.Boolean(),
  kind: Type.Union([Type.Literal('TURNS_18'), Type.Literal('TEKUN_TURNS_16')], { description: 'TURNS_18 满18周岁; TEKUN_TURNS_16 特困未成年人满16周岁（保障延续至18周岁）' }),
  date: Type.String({ format: 'date', description: '生日 (the birthday)' }),
  actions: Type.Array(Type.String(), { description: 'ADULT_ORPHAN_PLACEMENT_PLAN 成年孤儿安置, ALLOWANCE_ENDS 基本生活费终止, TEKUN_COVERAGE_CONTINUES_TO_18, TEKUN_COVERAGE_ENDS' }),
  coverageUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: '特困保障截止日（满18周岁前一日） (特困 coverage until)' }),
  masked: Type.Boolean(),
});

export function ageTransitionRoutes(app: App, deps: ChildDeps, audit: AccessAudit): void {
  app.get('/age-transitions', {
    config: { roles: ['child-protection', 'caseworker', 'supervisor'] },
    schema: {
      tags: ['children'],
      summary: '年龄节点：N个月内满18周岁（成年孤儿安置）、特困未成年人满16周岁（保障至18周岁） (children turning 18 within N months; 特困 minors turning 16)',
      querystring: Type.Object({
        months: Type.Integer({ minimum: 1, maximum: 24, default: DEFAULT_LOOKAHEAD_MONTHS, description: '提前月数，默认6 (look-ahead in months, default 6)' }),
        regionCode: Type.Optional(RegionCodeSchema),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ months: Type.Integer(), items: Type.Array(Item) }, {
          examples: [{ months: 6, items: [{ childId: 'CH-6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a', name: '陈小雨', regionCode: '442000001001', category: 'SCATTERED_ORPHAN', tekunMinor: false, kind: 'TURNS_18', date: '2027-03-15', actions: ['ADULT_ORPHAN_PLACEMENT_PLAN', 'ALLOWANCE_ENDS'], coverageUntil: null, masked: false }] }],
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const clear = seesChildData(principal);
    const months = request.query.months;
    const found = await ageTransitions(deps, principal, months, request.query.regionCode);
    if (clear && found.length > 0) await audit.record(request, { action: 'read', resource: 'age-transitions', resourceId: request.query.regionCode ?? principal.jurisdiction, personKeys: [...new Set(found.map(({ child }) => child.personKey))] });
    return {
      months,
      items: found.map(({ child, transition }) => {
        const name = unseal(deps.keyring, child.name, childContext(child._id, 'name'));
        return { childId: child._id, name: clear ? name : maskName(name), regionCode: child.regionCode, category: child.category, tekunMinor: child.tekunMinor, kind: transition.kind, date: transition.date, actions: [...transition.actions], coverageUntil: transition.coverageUntil, masked: !clear };
      }),
    };
  });
}
