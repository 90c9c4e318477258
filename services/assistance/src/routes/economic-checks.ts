/** 家庭经济状况核对 (economic checks) of a household. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AssistanceDeps } from '../deps.js';
import { EconomicCheckView, PurposeSchema, RigidExpenditureSchema, economicCheckView } from '../economic-checks/economic-check.view.js';
import { recordEconomicCheck } from '../use-cases/economic-checks.js';
import { PageQuery, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';

const Params = Type.Object({ id: Type.String({ description: '家庭编号 (household id)' }) });
const fen = (description: string) => Type.Integer({ minimum: 0, description });

export function economicCheckRoutes(app: App, deps: AssistanceDeps): void {
  app.post('/households/:id/economic-checks', {
    config: { roles: ['caseworker', 'supervisor', 'department-system'], idempotent: true },
    schema: {
      tags: ['economic-checks'],
      summary: '记录家庭经济状况核对结果 (record an economic-check result for a household)',
      description: '家庭人数默认取现有共同生活成员数。事件 assistance.economic-check-completed。',
      params: Params,
      body: Type.Object(
        {
          applicationId: Type.Optional(Type.String({ description: '所属申请（须为本家庭的申请） (an application of this household)' })),
          purpose: PurposeSchema,
          periodFrom: Type.String({ format: 'date', description: '核对期间起 (period from)' }),
          periodTo: Type.String({ format: 'date', description: '核对期间止，不晚于今天 (period to, not after today)' }),
          householdSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
          monthlyIncomePerCapitaFen: fen('月人均收入，分 (monthly income per capita in fen)'),
          annualDisposableIncomeFen: fen('家庭年可支配收入，分 (annual disposable income in fen)'),
          financialAssetsFen: Type.Optional(fen('金融资产，分')),
          realEstateCount: Type.Optional(Type.Integer({ minimum: 0 })),
          vehicleCount: Type.Optional(Type.Integer({ minimum: 0 })),
          vehicleValueFen: Type.Optional(fen('车辆价值，分')),
          registeredBusiness: Type.Optional(Type.Boolean()),
          rigidExpenditures: Type.Optional(Type.Array(RigidExpenditureSchema, { maxItems: 20, description: '刚性支出 (rigid expenditures over the period)' })),
        },
        {
          additionalProperties: false,
          examples: [{ purpose: 'PERIODIC_REVIEW', periodFrom: '2026-05-01', periodTo: '2026-10-31', monthlyIncomePerCapitaFen: 42000, annualDisposableIncomeFen: 2016000, financialAssetsFen: 300000, realEstateCount: 1, vehicleCount: 0, registeredBusiness: false, rigidExpenditures: [{ kind: 'MEDICAL', amountFen: 1250000 }] }],
        },
      ),
      response: { 201: EconomicCheckView, ...errorResponses },
    },
  }, async (request, reply) => {
    const check = await recordEconomicCheck(deps, principalOf(request), request.params.id, request.body);
    return reply.code(201).send(economicCheckView(check));
  });

  app.get('/households/:id/economic-checks', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['economic-checks'],
      summary: '家庭的核对结果（最新在前） (a household\'s economic-check results, newest first)',
      params: Params,
      querystring: Type.Object({ ...PageQuery.properties }, { additionalProperties: false }),
      response: { 200: pageSchema(EconomicCheckView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    // The household first: a household outside the jurisdiction is "not found", not an empty list.
    await deps.households.get(request.params.id, principal.jurisdiction);
    const result = await deps.economicChecks.list(principal.jurisdiction, undefined, { householdId: request.params.id }, pageOf(request.query));
    return { ...result, items: result.items.map(economicCheckView) };
  });
}
