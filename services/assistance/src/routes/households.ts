/** 家庭 (households): register, read, list. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import type { AssistanceDeps } from '../deps.js';
import { HouseholdView, LabourCapacitySchema, RelationSchema, DisabilityGradeSchema, DisabilityKindSchema, householdView, seesPersonalData } from '../households/household.view.js';
import { RECORD_REASONS } from '../households/household.schema.js';
import { registerHousehold } from '../use-cases/register-household.js';
import { changeComposition } from '../use-cases/composition-changes.js';
import { headOf } from '../households/household.people.js';
import { memberContext, unseal } from '../protect.js';
import { maskName } from '@minzheng/identity/masking';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';

const MemberProperties = {
    idNumber: Type.String({ description: '公民身份号码 (resident ID number, 18 characters, GB 11643)', examples: ['442000194107190425'] }),
    name: Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)', examples: ['高丽'] }),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$', description: '联系电话 (phone)' })),
    relationToHead: RelationSchema,
    localHukou: Type.Boolean({ description: '本地户籍 (local hukou)' }),
    livingTogether: Type.Boolean({ description: '共同生活 (lives in the household)' }),
    labourCapacity: LabourCapacitySchema,
    monthlyIncomeFen: Type.Integer({ minimum: 0, description: '月收入，分，不得为负 (monthly income in fen, not negative)' }),
    financialAssetsFen: Type.Integer({ minimum: 0, description: '金融资产，分 (financial assets in fen)' }),
    disabilityKind: Type.Optional(DisabilityKindSchema),
    disabilityGrade: Type.Optional(DisabilityGradeSchema),
    seriouslyIll: Type.Optional(Type.Boolean({ description: '重病 (seriously ill)' })),
};

const MemberInput = Type.Object(
  { ...MemberProperties, fromDate: Type.Optional(Type.String({ format: 'date', description: '成为家庭成员之日，默认今天 (member from; default today)' })) },
  { additionalProperties: false },
);

const RegisterHouseholdBody = Type.Object(
  {
    regionCode: Type.String({ pattern: '^\\d{12}$', description: '村（居）代码，12位 (village/community code)', examples: ['442000001001'] }),
    address: Type.String({ minLength: 2, maxLength: 200, description: '住址 (address)' }),
    reason: Type.Enum(RECORD_REASONS, { description: '登记原因 (why the composition is recorded)', default: 'APPLICATION' }),
    members: Type.Array(MemberInput, { minItems: 1, maxItems: 30 }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        regionCode: '442000001001',
        address: '中山市石岐街道某路12号',
        reason: 'APPLICATION',
        members: [
          { idNumber: '442000196803021018', name: '陈志强', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'PARTIAL', monthlyIncomeFen: 80000, financialAssetsFen: 0 },
          { idNumber: '442000197005062020', name: '李秀英', relationToHead: 'SPOUSE', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0, seriouslyIll: true },
        ],
      },
    ],
  },
);

const HouseholdSummary = Type.Object({
  id: Type.String(),
  regionCode: Type.String(),
  townCode: Type.String(),
  headName: Type.String({ description: '户主姓名（脱敏） (head of household, masked)' }),
  memberCount: Type.Integer({ description: '现有成员数 (current members)' }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
}, { examples: [{ id: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', regionCode: '442000001001', townCode: '442000001', headName: '陈**', memberCount: 2, version: 1, createdAt: '2026-11-02T03:00:00.000Z' }] });


export function householdRoutes(app: App, deps: AssistanceDeps, audit: AccessAudit): void {
  app.post('/households', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['households'],
      summary: '登记家庭及成员 (register a household and its members)',
      description: '身份证号按 GB 11643 校验；村居代码须在区划表内且在调用者管辖范围内；恰有一名户主。事件 assistance.household-composition-recorded 经发件箱发布。',
      body: RegisterHouseholdBody,
      response: { 201: HouseholdView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const household = await registerHousehold(deps, principal, request.body);
    await audit.record(request, { action: 'write', resource: 'household', resourceId: household._id, personKeys: household.members.map((member) => member.personKey) });
    return reply.code(201).header('location', `/households/${household._id}`).send(householdView(household, principal, deps.keyring));
  });

  app.get('/households/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['households'],
      summary: '查看家庭 (one household; personal fields masked unless caseworker/supervisor)',
      params: Type.Object({ id: Type.String() }),
      response: { 200: HouseholdView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const household = await deps.households.get(request.params.id, principal.jurisdiction);
    if (seesPersonalData(principal)) {
      await audit.record(request, { action: 'read', resource: 'household', resourceId: household._id, personKeys: household.members.map((member) => member.personKey) });
    }
    return householdView(household, principal, deps.keyring);
  });

  app.get('/households', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['households'],
      summary: '家庭列表（分页，按区划筛选） (households in the caller\'s jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(HouseholdSummary), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { regionCode } = request.query;
    const result = await deps.households.list(principal.jurisdiction, regionCode, {}, pageOf(request.query));
    return {
      ...result,
      items: result.items.map((household) => {
        // Only the head's name is shown, masked: decrypt that one field, not every member's.
        const head = headOf(household);
        return {
          id: household._id,
          regionCode: household.regionCode,
          townCode: household.townCode,
          headName: maskName(unseal(deps.keyring, head.name, memberContext(household._id, head.personKey, 'name'))),
          memberCount: household.members.filter((member) => member.toDate === null).length,
          version: household.version,
          createdAt: household.createdAt.toISOString(),
        };
      }),
    };
  });

  app.post('/households/:id/composition-changes', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: {
      tags: ['households'],
      summary: '家庭成员变更：加入、离开、情况变化 (composition change: joins, leaves, updates from a date)',
      description: '不删除记录：离开者记录截至变更前一日，变化者从变更日起另立记录。变更后须仍恰有一名户主。事件 assistance.household-composition-recorded（全部成员记录）。',
      params: Type.Object({ id: Type.String() }),
      body: Type.Object(
        {
          date: Type.String({ format: 'date', description: '变更生效日，不晚于今天 (first day of the new composition)' }),
          reason: Type.Enum(RECORD_REASONS, { description: '登记原因 (why the composition is recorded)' }),
          joins: Type.Optional(Type.Array(Type.Object(MemberProperties, { additionalProperties: false }), { maxItems: 30, description: '加入的成员 (people who join)' })),
          leaves: Type.Optional(Type.Array(Type.String(), { maxItems: 30, description: '离开的成员假名键 (person keys of members who leave)' })),
          updates: Type.Optional(Type.Array(Type.Object(
            {
              personKey: Type.String({ description: '成员假名键 (person key)' }),
              relationToHead: Type.Optional(RelationSchema),
              localHukou: Type.Optional(Type.Boolean()),
              livingTogether: Type.Optional(Type.Boolean()),
              labourCapacity: Type.Optional(LabourCapacitySchema),
              monthlyIncomeFen: Type.Optional(Type.Integer({ minimum: 0 })),
              financialAssetsFen: Type.Optional(Type.Integer({ minimum: 0 })),
              disabilityKind: Type.Optional(Type.Union([DisabilityKindSchema, Type.Null()])),
              disabilityGrade: Type.Optional(Type.Union([DisabilityGradeSchema, Type.Null()])),
              seriouslyIll: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
            },
            { additionalProperties: false },
          ), { maxItems: 30, description: '情况变化 (changed circumstances of current members)' })),
          version: Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号 (the version you read)' })),
        },
        {
          additionalProperties: false,
          examples: [
            { date: '2026-11-01', reason: 'CHANGE_REPORTED', updates: [{ personKey: 'pk_3q2hY7', monthlyIncomeFen: 150000, labourCapacity: 'FULL' }], version: 1 },
            { date: '2026-10-15', reason: 'CHANGE_REPORTED', joins: [{ idNumber: '442000202610010016', name: '陈小宝', relationToHead: 'GRANDCHILD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 }] },
          ],
        },
      ),
      response: { 200: HouseholdView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const household = await changeComposition(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'household', resourceId: household._id, personKeys: household.members.map((member) => member.personKey) });
    return householdView(household, principal, deps.keyring);
  });
}
