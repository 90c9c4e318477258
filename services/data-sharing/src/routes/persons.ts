/** 人员 (persons): search, and the profile now or as of a date, masked or (audited, with a purpose) in full. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import { requireFullView, VIEWS } from '../access.js';
import type { DataSharingDeps } from '../deps.js';
import { personProfile, regionOf, subjectOf } from '../use-cases/profiles.js';
import { AGE_BANDS, SORTS, matchingPersons, searchPersons } from '../use-cases/search.js';
import { sendCsv } from './csv.js';
import { PersonListItem, PersonProfileView } from './views.js';

const READERS = ['analyst', 'caseworker', 'supervisor', 'child-protection', 'admin'] as const;

export const ProfileQuery = Type.Object({
  view: Type.Enum(VIEWS, { default: 'masked', description: 'masked（脱敏，默认）或 full（完整：限辖区内社工/主管，须 X-Access-Purpose，留痕） (masked, or full: caseworkers inside their jurisdiction, with a purpose, audited)' }),
  asOf: Type.Optional(Type.String({ format: 'date', description: '历史时点 YYYY-MM-DD：按当日及以前发生的事实重算 (a past date: the profile from the facts that had occurred by then)' })),
});

const SearchQuery = Type.Object({
  regionCode: Type.Optional(RegionCodeSchema),
  program: Type.Optional(Type.String({ description: '项目，如 DIBAO (program)' })),
  category: Type.Optional(Type.String({ description: '类别 field:value，如 livingArrangement:ALONE (category)' })),
  ageBand: Type.Optional(Type.Enum(AGE_BANDS)),
  deceased: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: '脱敏姓名、脱敏身份证号片段或假名键前缀 (text on the masked name or ID number, or a pseudonym prefix)' })),
  sort: Type.Optional(Type.Enum(SORTS, { default: 'regionCode' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
});

const EXPORT_COLUMNS = [
  ['personKey', '人员假名键 person key'],
  ['maskedName', '姓名（脱敏） name (masked)'],
  ['maskedIdNumber', '身份证号（脱敏） ID number (masked)'],
  ['sex', '性别 sex'],
  ['age', '年龄 age'],
  ['ageBand', '年龄段 age band'],
  ['regionCode', '区划 region'],
  ['deceased', '已故 deceased'],
  ['programs', '在享项目 programs'],
  ['categories', '类别 categories'],
  ['conflicts', '来源冲突字段 conflicting fields'],
  ['households', '家庭 households'],
] as const;

export function personRoutes(app: App, deps: DataSharingDeps): void {
  app.get('/persons/export', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['persons'],
      summary: '导出检索结果 CSV（脱敏，流式） (export the search results as CSV; masked, streamed)',
      description: '条件同人员检索，导出全部结果（不分页）；每次导出写入访问审计。',
      querystring: SearchQuery,
      produces: ['text/csv'],
      response: { 200: Type.String({ description: 'CSV（UTF-8，带 BOM） (CSV, UTF-8 with BOM)', examples: ['personKey,maskedName\r\n5826c85d…,何**\r\n'] }), ...errorResponses },
    },
  }, async (request, reply) => {
    const matches = await matchingPersons(deps, principalOf(request), request.query);
    await deps.audit.record(request, { action: 'export', resource: 'persons', resourceId: new URLSearchParams(Object.entries(request.query).map(([key, value]): [string, string] => [key, String(value)])).toString() || '(all)', personKeys: [] });
    return sendCsv(reply, 'persons.csv', EXPORT_COLUMNS.map(([, title]) => title), matches.map((row) => EXPORT_COLUMNS.map(([field]) => row[field])));
  });

  app.get('/persons', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['persons'],
      summary: '人员检索（脱敏） (search persons; masked)',
      description: '按区划（镇街/村居前缀）、项目、类别、年龄段、是否死亡与脱敏姓名/身份证号文本检索，限本人辖区；分页、排序。项目含本人及所在家庭在享项目。',
      querystring: Type.Object({
        ...PageQuery.properties,
        ...SearchQuery.properties,
      }),
      response: { 200: pageSchema(PersonListItem), ...errorResponses },
    },
  }, async (request) => {
    const { page, pageSize, ...query } = request.query;
    return searchPersons(deps, principalOf(request), query, pageOf({ page, pageSize }));
  });

  app.get('/persons/:personKey', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['persons'],
      summary: '人员画像：当前或历史时点，脱敏或完整 (a person\'s profile, now or as of a date; masked or full)',
      description: '各字段取值带来源（部门、事件、时间），来源冲突按优先级取值并列出落选值。完整视图须在辖区内、须说明访问事由（X-Access-Purpose），并写入访问审计。',
      params: Type.Object({ personKey: Type.String({ pattern: '^[0-9a-f]{64}$', description: '人员假名键 (pseudonym)' }) }),
      querystring: ProfileQuery,
      response: { 200: PersonProfileView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const person = await subjectOf(deps, 'person', request.params.personKey);
    const view = request.query.view;
    if (view === 'full') requireFullView(request, principal, regionOf(person));
    const profile = await personProfile(deps, person, view, request.query.asOf ?? null);
    // Every profile read is recorded; masked ones as such (the architecture: every access, who, when, why).
    await deps.audit.record(request, { action: 'read', resource: view === 'full' ? 'person' : 'person-masked', resourceId: person._id, personKeys: [person._id] });
    return profile;
  });
}
