/** What callers see of a charitable organisation (no personal data). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import { ORGANISATION_FORMS, type StoredOrganisation } from './organisation.schema.js';

export const OrganisationFormSchema = Type.Enum(ORGANISATION_FORMS, { description: '组织形式 (FOUNDATION 基金会, SOCIAL_GROUP 社会团体, SOCIAL_SERVICE_AGENCY 社会服务机构, OTHER 其他)' });

export const OrganisationView = Type.Object({
  creditCode: Type.String({ description: '统一社会信用代码 (unified social credit code, GB 32100)' }),
  name: Type.String({ description: '名称 (name)' }),
  form: OrganisationFormSchema,
  regionCode: Type.String({ description: '登记区划 (registration region)' }),
  recognisedDate: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: '认定为慈善组织日期 (date recognised as a charitable organisation)' }),
  publicFundraising: Type.Boolean({ description: '具有公开募捐资格 (may raise funds publicly)' }),
  createdAt: Type.String({ format: 'date-time' }),
}, { examples: [{ creditCode: '53442000MJL0000018', name: '中山市慈善总会', form: 'SOCIAL_GROUP', regionCode: '442000', recognisedDate: '2017-03-01', publicFundraising: true, createdAt: '2026-11-01T02:00:00.000Z' }] });
export type OrganisationView = Static<typeof OrganisationView>;

export const organisationView = (organisation: StoredOrganisation): OrganisationView => ({
  creditCode: organisation._id,
  name: organisation.name,
  form: organisation.form,
  regionCode: organisation.regionCode,
  recognisedDate: organisation.recognisedDate,
  publicFundraising: organisation.publicFundraising,
  createdAt: organisation.createdAt.toISOString(),
});
