/** 儿童信息台账 (children registry): register, read, list, statistics, guardianship changes, visits. */
import { Type } from '@fastify/type-provider-typebox';
import { maskName } from '@minzheng/identity/masking';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { FastifyRequest } from 'fastify';
import { ALL_READERS, readScope, seesChildData } from '../access.js';
import type { StoredChild } from '../children/child.schema.js';
import { CategorySchema, ChangeKindSchema, ChildView, RelationSchema, SituationSchema, VisitKindSchema, VisitOutcomeSchema, VisitView, VisitorRoleSchema, childView, visitView } from '../children/child.view.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { hasEffectiveGuardian } from '../domain/guardianship.js';
import { childContext, unseal } from '../protect.js';
import { changeGuardianship } from '../use-cases/guardianship.js';
import { registerChild } from '../use-cases/register-child.js';
import { recordVisit } from '../use-cases/visits.js';

const Params = Type.Object({ id: Type.String({ description: '儿童档案编号 (child record id)' }) });
const IdNumber = Type.String({ description: '公民身份号码 (resident ID number, 18 characters, GB 11643)', examples: ['442000201503150022'] });
const Version = Type.Optional(Type.Integer({ minimum: 1, description: '读取时的版本号 (the version you read)' }));

const GuardianInput = Type.Object({
  idNumber: IdNumber,
  name: Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)' }),
  relation: RelationSchema,
  livesWithChild: Type.Boolean({ description: '与儿童共同生活 (lives with the child)' }),
  situation: SituationSchema,
}, { additionalProperties: false });

const ChildSummary = Type.Object({
  id: Type.String(),
  name: Type.String({ description: '姓名 (masked unless child-protection)' }),
  birthYear: Type.String(),
  regionCode: Type.String(),
  category: CategorySchema,
  hasEffectiveGuardian: Type.Union([Type.Boolean(), Type.Null()]),
  allowanceStatus: Type.Union([Type.String(), Type.Null()]),
  masked: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
}, { examples: [{ id: 'CH-6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a', name: '陈**', birthYear: '2015', regionCode: '442000001001', category: 'DEFACTO_UNSUPPORTED', hasEffectiveGuardian: false, allowanceStatus: 'ACTIVE', masked: true, createdAt: '2026-09-01T02:00:00.000Z' }] });

/** Person keys whose data a clear view of the child shows. */
export const peopleOf = (child: StoredChild): string[] => [child.personKey, ...child.guardians.map((guardian) => guardian.personKey)];

export function childRoutes(app: App, deps: ChildDeps, audit: AccessAudit): void {
  const today = () => chinaToday(deps.now());
  /** The view for this caller; a clear view is audited. */
  const answer = async (request: FastifyRequest, child: StoredChild, action: 'read' | 'write') => {
    const principal = principalOf(request);
    const clear = seesChildData(principal);
    if (clear || action === 'write') await audit.record(request, { action, resource: 'child', resourceId: child._id, personKeys: peopleOf(child) });
    return childView(child, deps.keyring, clear, today());
  };

  app.post('/children', {
    config: { roles: ['child-protection'], idempotent: true },
    schema: {
      tags: ['children'],
      summary: '登记儿童 (register a child in the registry)',
      description: '身份证号按 GB 11643 校验，须未满18周岁；村居代码须在管辖范围内；类别须与监护状况相符。事件 child-protection.child-registered。',
      body: Type.Object({
        idNumber: IdNumber,
        name: Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)' }),
        regionCode: Type.String({ pattern: '^\\d{12}$', description: '村（居）代码 (village/community code)' }),
        hukouResident: Type.Boolean({ description: '本市户籍 (local hukou)' }),
        category: CategorySchema,
        guardians: Type.Array(GuardianInput, { maxItems: 10, description: '监护人及其状况 (guardians; empty for an institutional orphan)' }),
        institutionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '养育机构 (institution raising the child)' })),
        childDirectorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '负责儿童主任 (responsible 儿童主任)' })),
        tekunMinor: Type.Optional(Type.Boolean({ description: '特困供养未成年人 (a 特困 minor; covered to 18, R-E3)' })),
      }, {
        additionalProperties: false,
        examples: [{
          idNumber: '442000201503150022', name: '陈小雨', regionCode: '442000001001', hukouResident: true, category: 'LEFT_BEHIND', childDirectorId: 'cd-0101',
          guardians: [
            { idNumber: '442000198507070017', name: '陈大海', relation: 'FATHER', livesWithChild: false, situation: 'WORKING_AWAY' },
            { idNumber: '442000195806060026', name: '林阿婆', relation: 'GRANDPARENT', livesWithChild: true, situation: 'ABLE' },
          ],
        }],
      }),
      response: { 201: ChildView, ...errorResponses },
    },
  }, async (request, reply) => {
    const child = await registerChild(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/children/${child._id}`).send(await answer(request, child, 'write'));
  });

  app.get('/children/statistics', {
    config: { roles: [...ALL_READERS] },
    schema: {
      tags: ['children'],
      summary: '儿童统计（按镇街、类别汇总，无个人信息） (counts by town and category; no personal data)',
      querystring: Type.Object({ regionCode: Type.Optional(RegionCodeSchema) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          regionCode: Type.String(),
          total: Type.Integer(),
          rows: Type.Array(Type.Object({ townCode: Type.String(), category: CategorySchema, count: Type.Integer(), withActiveAllowance: Type.Integer() })),
        }, { examples: [{ regionCode: '442000', total: 3, rows: [{ townCode: '442000001', category: 'DEFACTO_UNSUPPORTED', count: 2, withActiveAllowance: 2 }, { townCode: '442000001', category: 'LEFT_BEHIND', count: 1, withActiveAllowance: 0 }] }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const scope = readScope(principal, request.query.regionCode);
    if (scope === null) return { regionCode: request.query.regionCode ?? principal.jurisdiction, total: 0, rows: [] };
    const rows = new Map<string, { townCode: string; category: StoredChild['category']; count: number; withActiveAllowance: number }>();
    const children = await deps.children.countsByTownAndCategory(scope);
    for (const child of children) {
      const key = `${child.townCode}|${child.category}`;
      const row = rows.get(key) ?? { townCode: child.townCode, category: child.category as StoredChild['category'], count: 0, withActiveAllowance: 0 };
      row.count += 1;
      if (child.allowanceStatus === 'ACTIVE') row.withActiveAllowance += 1;
      rows.set(key, row);
    }
    return { regionCode: scope, total: children.length, rows: [...rows.values()].sort((a, b) => a.townCode.localeCompare(b.townCode) || a.category.localeCompare(b.category)) };
  });

  app.get('/children/:id', {
    config: { roles: [...ALL_READERS] },
    schema: {
      tags: ['children'],
      summary: '查看儿童档案（仅儿童保护角色可见明文） (one child; clear only for child-protection, audited)',
      params: Params,
      response: { 200: ChildView, ...errorResponses },
    },
  }, async (request) => answer(request, await deps.children.get(request.params.id, principalOf(request).jurisdiction), 'read'));

  app.get('/children', {
    config: { roles: [...ALL_READERS] },
    schema: {
      tags: ['children'],
      summary: '儿童列表（分页，按区划、类别筛选） (children in the jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), category: Type.Optional(CategorySchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(ChildSummary), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const clear = seesChildData(principal);
    const { regionCode, category } = request.query;
    const result = await deps.children.list(principal.jurisdiction, regionCode, category === undefined ? {} : { category }, pageOf(request.query));
    if (clear && result.items.length > 0) await audit.record(request, { action: 'read', resource: 'child-list', resourceId: regionCode ?? principal.jurisdiction, personKeys: result.items.map((child) => child.personKey) });
    return {
      ...result,
      items: result.items.map((child) => {
        const name = unseal(deps.keyring, child.name, childContext(child._id, 'name'));
        return {
          id: child._id,
          name: clear ? name : maskName(name),
          birthYear: child.birthDate.slice(0, 4),
          regionCode: child.regionCode,
          category: child.category,
          hasEffectiveGuardian: hasEffectiveGuardian(child),
          allowanceStatus: child.allowanceStatus,
          masked: !clear,
          createdAt: child.createdAt.toISOString(),
        };
      }),
    };
  });

  app.post('/children/:id/guardianship-changes', {
    config: { roles: ['child-protection'] },
    schema: {
      tags: ['children'],
      summary: '监护状况变化（死亡、羁押、失联、撤销、重病、民政临时监护、指定监护人） (guardianship change)',
      description: '回答中 hasEffectiveGuardian 表明是否仍有有效监护人；可同时变更儿童类别（如转为事实无人抚养）。事件 child-protection.guardianship-changed（类别变更时另有 child-registered）。',
      params: Params,
      body: Type.Object({
        changeKind: ChangeKindSchema,
        effectiveDate: Type.String({ format: 'date', description: '生效日期，不晚于今天、不早于儿童出生 (not after today, not before the birth)' }),
        guardianPersonKey: Type.Optional(Type.String({ description: '所涉监护人假名键 (the guardian concerned; all kinds but NEW_GUARDIAN_APPOINTED)' })),
        newGuardian: Type.Optional(Type.Object({ idNumber: IdNumber, name: Type.String({ minLength: 1, maxLength: 50 }), relation: RelationSchema, livesWithChild: Type.Boolean() }, { additionalProperties: false, description: '新指定的监护人 (NEW_GUARDIAN_APPOINTED)' })),
        situation: Type.Optional(SituationSchema),
        newCategory: Type.Optional(CategorySchema),
        note: Type.Optional(Type.String({ maxLength: 2000, description: '情况说明 (free text; encrypted)' })),
        version: Version,
      }, {
        additionalProperties: false,
        examples: [
          { changeKind: 'DETENTION', effectiveDate: '2026-10-08', guardianPersonKey: '9a0e…', newCategory: 'DEFACTO_UNSUPPORTED', note: '父亲服刑，母亲失联' },
          { changeKind: 'NEW_GUARDIAN_APPOINTED', effectiveDate: '2026-11-01', newGuardian: { idNumber: '442000197001010020', name: '陈秀兰', relation: 'OTHER_RELATIVE', livesWithChild: true } },
        ],
      }),
      response: { 200: ChildView, ...errorResponses },
    },
  }, async (request) => answer(request, await changeGuardianship(deps, principalOf(request), request.params.id, request.body), 'write'));

  app.post('/children/:id/visits', {
    config: { roles: ['child-protection'], idempotent: true },
    schema: {
      tags: ['visits'],
      summary: '记录儿童主任/督导员探访 (record a visit)',
      description: '探访人为调用者。事件 child-protection.child-director-visit-recorded。',
      params: Params,
      body: Type.Object({
        visitedOn: Type.String({ format: 'date', description: '探访日期 (not after today)' }),
        visitorRole: VisitorRoleSchema,
        visitKind: VisitKindSchema,
        guardianPresent: Type.Boolean({ description: '监护人在场 (guardian present)' }),
        outcome: VisitOutcomeSchema,
        note: Type.Optional(Type.String({ maxLength: 4000, description: '探访记录 (free text; encrypted)' })),
      }, { additionalProperties: false, examples: [{ visitedOn: '2026-10-12', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NEEDS_SUPPORT', note: '由祖母临时照看，需送学帮扶' }] }),
      response: { 201: VisitView, ...errorResponses },
    },
  }, async (request, reply) => {
    const { child, visit } = await recordVisit(deps, principalOf(request), request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'child-visit', resourceId: visit.id, personKeys: [child.personKey] });
    return reply.code(201).send(visitView(child, visit, deps.keyring, true));
  });

  app.get('/children/:id/visits', {
    config: { roles: [...ALL_READERS] },
    schema: {
      tags: ['visits'],
      summary: '儿童的探访记录（分页，最新在前） (a child\'s visits, newest first)',
      params: Params,
      querystring: PageQuery,
      response: { 200: pageSchema(VisitView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const clear = seesChildData(principal);
    const child = await deps.children.get(request.params.id, principal.jurisdiction);
    const { page, pageSize } = pageOf(request.query);
    const sorted = [...child.visits].sort((a, b) => b.visitedOn.localeCompare(a.visitedOn) || b.recordedAt.getTime() - a.recordedAt.getTime());
    const items = sorted.slice((page - 1) * pageSize, page * pageSize);
    if (clear && items.length > 0) await audit.record(request, { action: 'read', resource: 'child-visits', resourceId: child._id, personKeys: [child.personKey] });
    return { items: items.map((visit) => visitView(child, visit, deps.keyring, clear)), page, pageSize, total: sorted.length };
  });
}
