/**
 * 线索 (flags): list and read the flags the 政策找人 rules raised, inside the caller's jurisdiction,
 * and act on them — acknowledge, resolve with an outcome, dismiss. Closing publishes
 * `data-sharing.flag-closed`. Flags about children (routed to 儿童主任, the protection station or
 * the child supervisor) are for child-protection staff, supervisors and admins only.
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Urgency } from '@minzheng/contracts';
import type { App } from '@minzheng/service-kit/app';
import { maySeeCase, withinJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { FLAG_OUTCOMES, FLAG_STATUSES, OPEN_STATUSES, type FlagDocument } from '../flags/flag.schema.js';
import { flagPersonRef } from '../flags/subject.js';

const READERS = ['analyst', 'caseworker', 'supervisor', 'child-protection', 'admin'] as const;
const ACTORS = ['caseworker', 'supervisor', 'child-protection', 'admin'] as const;
const URGENCIES = ['P1', 'P2', 'P3', 'P4'] as const;

const FactView = Type.Object({
  name: Type.String(),
  value: Type.String(),
  sourceEventId: Type.String(),
  sourceDepartment: Type.String(),
  occurredAt: Type.String({ format: 'date-time' }),
});

const FLAG_EXAMPLE = {
  flagId: '049a2dee-ef00-4fa4-9619-1b8d4e799166',
  ruleId: 'INCOME_BELOW_DIBAO',
  ruleVersion: '1',
  flagCode: 'DIBAO_CANDIDATE',
  title: '收入低于低保标准但未纳入低保',
  subjectKind: 'household',
  subjectKey: 'HH-442000101002-0001',
  regionCode: '442000101002',
  householdId: 'HH-442000101002-0001',
  status: 'OPEN',
  urgency: 'P3',
  targetRole: 'TOWN_ASSISTANCE_OFFICE',
  explanation: '家庭月人均收入900元，不高于当地低保标准1,250元，目前未享受低保或特困供养，请主动告知并协助申请。',
  suggestedProgram: 'DIBAO',
  standardVersionId: 'DIBAO-442000-2025-01-01',
  facts: [{ name: 'perCapitaIncomeFen', value: '90000', sourceEventId: '21d91d3b-f85a-4157-a809-c69529ef113b', sourceDepartment: 'CIVIL_AFFAIRS_ASSISTANCE', occurredAt: '2026-10-15T02:00:00.000Z' }],
  raisedAt: '2026-12-06T04:00:00.000Z',
  updatedAt: '2026-12-06T04:00:00.000Z',
  closedAt: null,
  outcome: null,
  closedBy: null,
  history: [],
  log: [{ at: '2026-12-06T04:00:00.000Z', action: 'RAISED', by: 'rules', note: null }],
};

export const FlagView = Type.Object(
  {
    flagId: Type.String({ format: 'uuid' }),
    ruleId: Type.String(),
    ruleVersion: Type.String(),
    flagCode: Type.String(),
    title: Type.String(),
    subjectKind: Type.String({ description: 'person（人员假名键）或 household（家庭编号）' }),
    subjectKey: Type.String(),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    householdId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Enum(FLAG_STATUSES),
    urgency: Type.Enum(URGENCIES),
    targetRole: Type.String(),
    explanation: Type.String({ description: '中文说明：规则依据的事实与建议 (why, in Chinese; never names a person)' }),
    suggestedProgram: Type.Union([Type.String(), Type.Null()]),
    standardVersionId: Type.Union([Type.String(), Type.Null()]),
    facts: Type.Array(FactView, { description: '事实依据：每项带来源部门、事件、时间 (the facts used, each with its source)' }),
    raisedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    outcome: Type.Union([Type.Enum(FLAG_OUTCOMES), Type.Null()]),
    closedBy: Type.Union([Type.String(), Type.Null()]),
    history: Type.Array(Type.Object({ flagId: Type.String(), ruleVersion: Type.String(), raisedAt: Type.String(), closedAt: Type.Union([Type.String(), Type.Null()]), status: Type.String(), outcome: Type.Union([Type.String(), Type.Null()]) }), { description: '同一规则、同一对象此前的线索 (earlier flags of this rule and subject)' }),
    log: Type.Array(Type.Object({ at: Type.String(), action: Type.String(), by: Type.String(), note: Type.Union([Type.String(), Type.Null()]) })),
  },
  { examples: [FLAG_EXAMPLE] },
);

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function viewOf(document: FlagDocument): Static<typeof FlagView> {
  return {
    flagId: document.flagId,
    ruleId: document.ruleId,
    ruleVersion: document.ruleVersion,
    flagCode: document.flagCode,
    title: document.title,
    subjectKind: document.subjectKind,
    subjectKey: document.subjectKey,
    regionCode: document.regionCode,
    householdId: document.householdId,
    status: document.status,
    urgency: document.urgency,
    targetRole: document.targetRole,
    explanation: document.explanation,
    suggestedProgram: document.suggestedProgram,
    standardVersionId: document.standardVersionId,
    facts: document.facts.map((fact) => ({ ...fact })),
    raisedAt: new Date(document.raisedAt).toISOString(),
    updatedAt: new Date(document.updatedAt).toISOString(),
    closedAt: iso(document.closedAt),
    outcome: document.outcome,
    closedBy: document.closedBy,
    history: document.history.map((entry) => ({ ...entry, raisedAt: new Date(entry.raisedAt).toISOString(), closedAt: iso(entry.closedAt) })),
    log: document.log.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })),
  };
}

/** May the caller see this flag: inside the jurisdiction, and children's flags for child-protection staff, supervisors and admins. */
function visible(principal: Principal, document: FlagDocument): boolean {
  if (document.regionCode === null || !withinJurisdiction(principal, document.regionCode)) return false;
  return maySeeCase(principal, document.targetRole);
}

const URGENCY_ORDER: Readonly<Record<Urgency, number>> = { P1: 0, P2: 1, P3: 2, P4: 3 };

const ListQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Enum(['open', ...FLAG_STATUSES], { description: 'open = OPEN 或 ACKNOWLEDGED；默认 open (open: OPEN or ACKNOWLEDGED; the default)' })),
  ruleId: Type.Optional(Type.String()),
  urgency: Type.Optional(Type.Enum(URGENCIES)),
  targetRole: Type.Optional(Type.String()),
  regionCode: Type.Optional(RegionCodeSchema),
  subjectKey: Type.Optional(Type.String({ description: '人员假名键或家庭编号 (a pseudonym or household id)' })),
});

const ActBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2_000, description: '备注（勿写个人信息） (a note; no personal details)' })) }, { examples: [{ note: '已电话联系，本周入户' }] });
const CloseBody = Type.Object({ outcome: Type.Enum(FLAG_OUTCOMES, { description: 'HELP_GIVEN 已帮扶, REFERRED 已转介, NOT_ELIGIBLE 不符合条件, ALREADY_RECEIVING 已在享受, FALSE_ALARM 误报, UNREACHABLE 无法联系, OTHER 其他' }), note: Type.Optional(Type.String({ maxLength: 2_000 })) }, { examples: [{ outcome: 'HELP_GIVEN', note: '已纳入低保申请' }] });

export function flagRoutes(app: App, deps: DataSharingDeps): void {
  app.get('/flags', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['flags'],
      summary: '线索列表（本人辖区） (flags in the caller\'s jurisdiction)',
      description: '按状态（默认未办结）、规则、紧急程度、推送角色、区划、对象筛选；按紧急程度、生成时间（最新在前）排序；分页。',
      querystring: ListQuery,
      response: { 200: pageSchema(FlagView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { page, pageSize, status = 'open', ruleId, urgency, targetRole, regionCode, subjectKey } = request.query;
    if (regionCode !== undefined && !regionCode.startsWith(principal.jurisdiction) && !principal.jurisdiction.startsWith(regionCode)) {
      throw dataSharingError('DS_INVALID_QUERY', `区划超出辖区 (regionCode ${regionCode} is outside jurisdiction ${principal.jurisdiction})`, { field: 'regionCode', rule: 'must lie inside the caller\'s jurisdiction' });
    }
    const matches = (await deps.flags.all())
      .filter((document) => visible(principal, document))
      .filter((document) => (status === 'open' ? OPEN_STATUSES.includes(document.status) : document.status === status))
      .filter((document) => (ruleId === undefined || document.ruleId === ruleId) && (urgency === undefined || document.urgency === urgency) && (targetRole === undefined || document.targetRole === targetRole))
      .filter((document) => (regionCode === undefined || document.regionCode?.startsWith(regionCode) === true) && (subjectKey === undefined || document.subjectKey === subjectKey))
      .sort((a, b) => URGENCY_ORDER[a.urgency] - URGENCY_ORDER[b.urgency] || new Date(b.raisedAt).getTime() - new Date(a.raisedAt).getTime() || (a._id < b._id ? -1 : 1));
    const { page: number, pageSize: size } = pageOf({ page, pageSize });
    return { items: matches.slice((number - 1) * size, number * size).map(viewOf), page: number, pageSize: size, total: matches.length };
  });

  const load = async (principal: Principal, flagId: string): Promise<FlagDocument> => {
    const document = await deps.flags.byFlagId(flagId);
    // Outside the jurisdiction looks like nothing at all (no probing for flags elsewhere).
    if (document === null || !visible(principal, document)) throw dataSharingError('DS_NOT_FOUND', `线索不存在 (no flag ${flagId} in your jurisdiction)`, { field: 'flagId', rule: 'must name a flag inside the caller\'s jurisdiction' });
    return document;
  };

  app.get('/flags/:flagId', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['flags'],
      summary: '线索详情：规则、版本、标准、事实与来源 (a flag with its rule, version, standard, facts and sources)',
      params: Type.Object({ flagId: Type.String({ format: 'uuid' }) }),
      response: { 200: FlagView, ...errorResponses },
    },
  }, async (request) => viewOf(await load(principalOf(request), request.params.flagId)));

  const act = (action: 'ACKNOWLEDGED' | 'RESOLVED' | 'DISMISSED', path: string, summary: string, body: typeof ActBody | typeof CloseBody) => {
    app.post(`/flags/:flagId/${path}`, {
      config: { roles: [...ACTORS] },
      schema: { tags: ['flags'], summary, params: Type.Object({ flagId: Type.String({ format: 'uuid' }) }), body, response: { 200: FlagView, ...errorResponses } },
    }, async (request) => {
      const principal = principalOf(request);
      const document = await load(principal, request.params.flagId);
      if (document.flagId !== request.params.flagId) throw dataSharingError('DS_FLAG_NOT_OPEN', `线索已结束 (flag ${request.params.flagId} was closed; the rule raised a newer one)`, { field: 'flagId', rule: 'only the current open flag can change' });
      const input = request.body as { note?: string; outcome?: (typeof FLAG_OUTCOMES)[number] };
      const subject = { regionCode: document.regionCode ?? principal.jurisdiction, householdId: document.householdId, person: await flagPersonRef(deps.persons, deps.keyring, document) };
      const result = await deps.flags.act(document, action, principal.subject, input.outcome ?? null, input.note ?? null, subject, deps.now());
      if (result === 'not-open') throw dataSharingError('DS_FLAG_NOT_OPEN', `线索不在可办理状态 (the flag is ${document.status})`, { field: 'flagId', rule: action === 'ACKNOWLEDGED' ? 'only an OPEN flag can be acknowledged' : 'only an OPEN or ACKNOWLEDGED flag can be closed' });
      if (result === 'conflict') throw dataSharingError('DS_CONCURRENT_CHANGE', '线索已被他人修改，请刷新后重试 (the flag changed meanwhile; read it again)', { field: 'flagId', rule: 'the flag must not change between reading and acting' });
      return viewOf(result);
    });
  };
  act('ACKNOWLEDGED', 'acknowledge', '确认已接收线索 (acknowledge a flag)', ActBody);
  act('RESOLVED', 'resolve', '办结线索并登记结果 (resolve a flag with an outcome)', CloseBody);
  act('DISMISSED', 'dismiss', '不予处理（如误报） (dismiss a flag, e.g. a false alarm)', CloseBody);
}
