/** 慈善组织 (charitable organisations): register, read, list. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { CharityDeps } from '../deps.js';
import { OrganisationFormSchema, OrganisationView, organisationView } from '../organisations/organisation.view.js';
import { registerOrganisation } from '../use-cases/organisations.js';

const RegisterBody = Type.Object({
  creditCode: Type.String({ minLength: 1, maxLength: 30, description: '统一社会信用代码，按 GB 32100 校验 (unified social credit code, checked per GB 32100)' }),
  name: Type.String({ minLength: 2, maxLength: 100, description: '名称 (name)' }),
  form: OrganisationFormSchema,
  regionCode: RegionCodeSchema,
  recognisedDate: Type.Optional(Type.String({ format: 'date', description: '认定为慈善组织日期，不晚于今天 (date recognised; not after today)' })),
  publicFundraising: Type.Boolean({ description: '具有公开募捐资格 (may raise funds publicly)' }),
}, { additionalProperties: false, examples: [{ creditCode: '53442000MJL0000018', name: '中山市慈善总会', form: 'SOCIAL_GROUP', regionCode: '442000', recognisedDate: '2017-03-01', publicFundraising: true }] });

export function organisationRoutes(app: App, deps: CharityDeps): void {
  app.post('/organisations', {
    config: { roles: ['supervisor', 'admin'], idempotent: true },
    schema: {
      tags: ['organisations'],
      summary: '登记慈善组织 (register a charitable organisation)',
      description: '统一社会信用代码按 GB 32100 校验码校验（错误码 CHARITY_USCC_FORMAT / CHARITY_USCC_CHECK_CHARACTER，details.field 指明字段）；区划须在区划表内且在管辖范围内。事件 charity.organisation-registered（按信用代码分区）。',
      body: RegisterBody,
      response: { 201: OrganisationView, ...errorResponses },
    },
  }, async (request, reply) => {
    const organisation = await registerOrganisation(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/organisations/${organisation._id}`).send(organisationView(organisation));
  });

  app.get('/organisations/:creditCode', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['organisations'],
      summary: '查看慈善组织 (one organisation)',
      params: Type.Object({ creditCode: Type.String() }),
      response: { 200: OrganisationView, ...errorResponses },
    },
  }, async (request) => organisationView(await deps.organisations.get(request.params.creditCode.toUpperCase(), principalOf(request).jurisdiction)));

  app.get('/organisations', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['organisations'],
      summary: '慈善组织列表（分页，按区划、组织形式筛选） (organisations in the caller\'s jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), form: Type.Optional(OrganisationFormSchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(OrganisationView), ...errorResponses },
    },
  }, async (request) => {
    const { regionCode, form } = request.query;
    const result = await deps.organisations.list(principalOf(request).jurisdiction, regionCode, form === undefined ? {} : { form }, pageOf(request.query));
    return { ...result, items: result.items.map(organisationView) };
  });
}
