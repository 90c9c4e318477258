/** 帮扶标准参数 (aid parameters): list, and publish a new version (admin). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import { AidKindSchema, EducationLevelSchema } from '../campaigns/campaign.view.js';
import type { CharityDeps } from '../deps.js';
import type { AidParameterVersion } from '../domain/aid-parameters.js';
import { publishAidParameter } from '../use-cases/aid-parameters.js';

const ParameterView = Type.Object({
  id: Type.String({ description: '版本编号 (version id: kind|level|region|effectiveFrom)' }),
  aidKind: AidKindSchema,
  educationLevel: Type.Union([EducationLevelSchema, Type.Null()]),
  regionCode: Type.String(),
  effectiveFrom: Type.String({ format: 'date' }),
  annualCapFen: Type.Integer({ description: '每人每年上限，分 (most per person per calendar year, fen)' }),
  source: Type.String({ description: '来源 (seed tag, or who configured it)' }),
}, { examples: [{ id: 'EDUCATION|UNIVERSITY|442000|2021-01-01', aidKind: 'EDUCATION', educationLevel: 'UNIVERSITY', regionCode: '442000', effectiveFrom: '2021-01-01', annualCapFen: 800_000, source: 'R-E12 [000] 中山市民政事业发展"十四五"规划' }] });

const view = (version: AidParameterVersion): Static<typeof ParameterView> => ({ ...version });

const PublishBody = Type.Object({
  aidKind: AidKindSchema,
  educationLevel: Type.Optional(EducationLevelSchema),
  regionCode: RegionCodeSchema,
  effectiveFrom: Type.String({ format: 'date', description: '生效日期 (effective from)' }),
  annualCapFen: Type.Integer({ minimum: 1, description: '每人每年上限，分 (most per person per calendar year, fen)' }),
  source: Type.String({ minLength: 2, maxLength: 200, description: '依据 (the decision or document the value comes from)' }),
}, { additionalProperties: false, examples: [{ aidKind: 'MAJOR_ILLNESS', regionCode: '442000', effectiveFrom: '2027-01-01', annualCapFen: 5_000_000, source: '示例值，非政策 (demo value, not policy)' }] });

export function aidParameterRoutes(app: App, deps: CharityDeps): void {
  app.get('/aid-parameters', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin', 'department-system'] },
    schema: {
      tags: ['aid-parameters'],
      summary: '帮扶标准参数版本 (aid parameter versions, e.g. R-E12 education aid per student per year)',
      querystring: Type.Object({ aidKind: Type.Optional(AidKindSchema) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ParameterView) }, { examples: [{ items: [{ id: 'EDUCATION|UNIVERSITY|442000|2021-01-01', aidKind: 'EDUCATION', educationLevel: 'UNIVERSITY', regionCode: '442000', effectiveFrom: '2021-01-01', annualCapFen: 800_000, source: 'R-E12 [000]' }] }] }), ...errorResponses },
    },
  }, async (request) => {
    const { aidKind } = request.query;
    const versions = await deps.parameters.all();
    return { items: versions.filter((version) => aidKind === undefined || version.aidKind === aidKind).map(view) };
  });

  app.post('/aid-parameters', {
    config: { roles: ['admin'], idempotent: true },
    schema: {
      tags: ['aid-parameters'],
      summary: '发布帮扶标准参数新版本 (publish an aid parameter version)',
      description: '版本不可修改：新版本自其生效日起取代旧版本。教育帮扶须注明学段。大病、危房改造帮扶金额种子文件未给出 (PARAMETER)：未配置即不设上限。事件 reference.standard-changed（主题 mz.reference.standards，按版本编号分区，项目 CHARITY_AID）。',
      body: PublishBody,
      response: { 201: ParameterView, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    const version = await publishAidParameter(deps, principalOf(request), { aidKind: body.aidKind, educationLevel: body.educationLevel ?? null, regionCode: body.regionCode, effectiveFrom: body.effectiveFrom, annualCapFen: body.annualCapFen, source: body.source });
    return reply.code(201).send(view(version));
  });
}
