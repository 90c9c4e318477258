/** Response schemas of the analyst API, with the examples the docs show. */
import { Type } from '@fastify/type-provider-typebox';

const SOURCE_EXAMPLE = { department: 'PUBLIC_SECURITY', eventId: 'e4133a2b-d7cf-4999-9e39-0aa02846e923', eventType: 'public-security.marriage-status-changed', occurredAt: '2024-06-01T02:00:00.000Z', recordedAt: '2024-06-01T02:05:00.000Z' };

const Source = Type.Object(
  {
    department: Type.String({ description: '来源部门 (department)' }),
    eventId: Type.String({ description: '来源事件编号 (event id)' }),
    eventType: Type.String(),
    occurredAt: Type.String({ format: 'date-time', description: '发生时间（业务时间） (business time)' }),
    recordedAt: Type.String({ format: 'date-time', description: '记录时间 (recorded)' }),
  },
  { description: '来源：部门、事件、时间 (provenance)' },
);

const Value = Type.Unknown({ description: '取值：标量或小对象；个人信息按视图脱敏或明文 (a scalar or a small object; personal values masked or in clear per view)' });

const Attribute = Type.Object({
  value: Value,
  source: Source,
  conflicts: Type.Array(Type.Object({ value: Value, source: Source }), { description: '其他部门的不同取值（按优先级落选，保留可见） (values of other departments that lost by precedence, kept visible)' }),
});

const Enrolment = Type.Object({
  key: Type.String({ description: '部门:来源编号 (department:source id)' }),
  program: Type.String({ description: '救助帮扶项目 (program)' }),
  department: Type.String(),
  status: Type.Enum(['ACTIVE', 'ENDED']),
  startDate: Type.Union([Type.String(), Type.Null()]),
  endDate: Type.Union([Type.String(), Type.Null()]),
  monthlyAmountFen: Type.Union([Type.Number(), Type.Null()], { description: '月金额（分） (monthly amount in fen)' }),
  coveredMembers: Type.Array(Type.String()),
  standardVersionId: Type.Union([Type.String(), Type.Null()], { description: '所用标准版本 (standard version used)' }),
  endReason: Type.Union([Type.String(), Type.Null()]),
  sources: Type.Array(Type.String()),
});

const Timeline = Type.Object({
  total: Type.Integer(),
  items: Type.Array(Type.Object({ ...Source.properties, summary: Type.Record(Type.String(), Type.Unknown(), { description: '事件的非个人标量字段 (the event\'s non-personal scalar fields)' }) }), { description: '最近在前，最多 100 条 (latest first, at most 100)' }),
});

const ENROLMENT_EXAMPLE = { key: 'CIVIL_AFFAIRS_ASSISTANCE:ENR-1', program: 'DIBAO', department: 'CIVIL_AFFAIRS_ASSISTANCE', status: 'ACTIVE', startDate: '2025-02-01', endDate: null, monthlyAmountFen: 115000, coveredMembers: ['5826c85d86ec0c66399f9ca476dd0538224d85967a8d3e2d3874b7eae953c7ad'], standardVersionId: 'STD-442000-DIBAO-2025', endReason: null, sources: ['7a83948f-468f-4aae-b8f2-91407b11aa2f'] };
const TIMELINE_EXAMPLE = { total: 1, items: [{ ...SOURCE_EXAMPLE, summary: { changeKind: 'SPOUSE_DECEASED', newStatus: 'WIDOWED', effectiveDate: '2024-05-30' } }] };

export const PERSON_LIST_ITEM_EXAMPLE = {
  personKey: '5826c85d86ec0c66399f9ca476dd0538224d85967a8d3e2d3874b7eae953c7ad',
  maskedName: '何**',
  maskedIdNumber: '442000********0019',
  sex: 'M',
  age: 86,
  ageBand: '80+',
  regionCode: '442000101002',
  deceased: false,
  programs: ['ADVANCED_AGE_ALLOWANCE', 'DIBAO'],
  categories: ['livingArrangement:ALONE'],
  conflicts: ['name'],
  households: ['HH-442000101002-0012'],
  lastOccurredAt: '2025-09-15T02:00:00.000Z',
};

export const PersonListItem = Type.Object(
  {
    personKey: Type.String({ description: '人员假名键 (pseudonym)' }),
    maskedName: Type.Union([Type.String(), Type.Null()], { description: '姓名（脱敏） (masked name)' }),
    maskedIdNumber: Type.Union([Type.String(), Type.Null()], { description: '身份证号（脱敏） (masked ID number)' }),
    sex: Type.Union([Type.Enum(['M', 'F']), Type.Null()]),
    age: Type.Union([Type.Integer(), Type.Null()]),
    ageBand: Type.Union([Type.Enum(['0-17', '18-59', '60-79', '80+']), Type.Null()]),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    deceased: Type.Boolean(),
    programs: Type.Array(Type.String(), { description: '在享项目（本人及所在家庭） (active programs, own and household)' }),
    categories: Type.Array(Type.String()),
    conflicts: Type.Array(Type.String(), { description: '来源不一致的字段 (fields whose sources disagree)' }),
    households: Type.Array(Type.String()),
    lastOccurredAt: Type.Union([Type.String(), Type.Null()]),
  },
  { examples: [PERSON_LIST_ITEM_EXAMPLE] },
);

export const PersonProfileView = Type.Object(
  {
    personKey: Type.String(),
    view: Type.Enum(['masked', 'full']),
    asOf: Type.Union([Type.String(), Type.Null()], { description: '历史时点（空为当前） (the date of a historical view; null: now)' }),
    idNumber: Type.Union([Type.String(), Type.Null()]),
    birthDate: Type.Union([Type.String(), Type.Null()], { description: '完整视图为日期，脱敏视图仅年份 (full: the date; masked: the year)' }),
    sex: Type.Union([Type.Enum(['M', 'F']), Type.Null()]),
    age: Type.Union([Type.Integer(), Type.Null()]),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    deceased: Type.Boolean(),
    attributes: Type.Record(Type.String(), Attribute, { description: '各字段当前取值（按来源优先级），含来源与冲突 (each field\'s value by source precedence, with its source and conflicts)' }),
    conflicts: Type.Array(Type.String()),
    enrolments: Type.Array(Type.Object({ ...Enrolment.properties, via: Type.String({ description: 'person 或所在家庭编号 (person, or the household)' }) })),
    households: Type.Array(Type.Object({ householdId: Type.String(), member: Type.Boolean(), relationToHead: Type.Union([Type.String(), Type.Null()]), from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) })),
    timeline: Timeline,
  },
  {
    examples: [
      {
        personKey: PERSON_LIST_ITEM_EXAMPLE.personKey,
        view: 'masked',
        asOf: null,
        idNumber: '442000********0019',
        birthDate: '1940',
        sex: 'M',
        age: 86,
        regionCode: '442000101002',
        deceased: false,
        attributes: { maritalStatus: { value: 'WIDOWED', source: SOURCE_EXAMPLE, conflicts: [] }, name: { value: '何**', source: SOURCE_EXAMPLE, conflicts: [{ value: '何**', source: { ...SOURCE_EXAMPLE, department: 'CIVIL_AFFAIRS_ASSISTANCE' } }] } },
        conflicts: ['name'],
        enrolments: [{ ...ENROLMENT_EXAMPLE, via: 'HH-442000101002-0012' }],
        households: [{ householdId: 'HH-442000101002-0012', member: true, relationToHead: 'HEAD', from: '2025-01-10T02:00:00.000Z', to: null }],
        timeline: TIMELINE_EXAMPLE,
      },
    ],
  },
);

export const HouseholdProfileView = Type.Object(
  {
    householdId: Type.String(),
    view: Type.Enum(['masked', 'full']),
    asOf: Type.Union([Type.String(), Type.Null()]),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    attributes: Type.Record(Type.String(), Attribute),
    enrolments: Type.Array(Enrolment),
    members: Type.Array(Type.Object({ personKey: Type.String(), name: Type.Union([Type.String(), Type.Null()]), relationToHead: Type.String(), livingTogether: Type.Boolean() })),
    membershipHistory: Type.Array(Type.Object({ personKey: Type.String(), from: Type.String(), to: Type.Union([Type.String(), Type.Null()]) })),
    timeline: Timeline,
  },
  {
    examples: [
      {
        householdId: 'HH-442000101002-0012',
        view: 'masked',
        asOf: null,
        regionCode: '442000101002',
        attributes: { residenceRegion: { value: { countyCode: '442000', townCode: '442000101', villageCode: '442000101002' }, source: { ...SOURCE_EXAMPLE, department: 'CIVIL_AFFAIRS_ASSISTANCE' }, conflicts: [] } },
        enrolments: [ENROLMENT_EXAMPLE],
        members: [{ personKey: PERSON_LIST_ITEM_EXAMPLE.personKey, name: '何**', relationToHead: 'HEAD', livingTogether: true }],
        membershipHistory: [{ personKey: PERSON_LIST_ITEM_EXAMPLE.personKey, from: '2025-01-10T02:00:00.000Z', to: null }],
        timeline: TIMELINE_EXAMPLE,
      },
    ],
  },
);

export const ACCESS_RECORD_EXAMPLE = {
  at: '2026-11-23T02:00:00.000Z',
  subject: 'sw-0107',
  roles: ['caseworker'],
  action: 'read',
  resource: 'person',
  resourceId: PERSON_LIST_ITEM_EXAMPLE.personKey,
  personKeys: [PERSON_LIST_ITEM_EXAMPLE.personKey],
  purpose: '低保复核 CASE-2026-0117',
  requestId: 'req-1',
};

export const AccessRecordView = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    subject: Type.String({ description: '访问者 (who)' }),
    roles: Type.Array(Type.String()),
    action: Type.String(),
    resource: Type.String(),
    resourceId: Type.String(),
    personKeys: Type.Array(Type.String(), { description: '被查看人员 (whose data)' }),
    purpose: Type.Union([Type.String(), Type.Null()], { description: '访问事由 (why)' }),
    requestId: Type.String(),
  },
  { examples: [ACCESS_RECORD_EXAMPLE] },
);
