/**
 * What a caller sees of a child. The `child-protection` role (inside its jurisdiction, which the
 * repository enforces) sees names, ID numbers and notes in clear, and the read is audited; every
 * other role sees names and ID numbers masked, the birth year only, and no free text (`null`).
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskResidentId } from '@minzheng/identity/masking';
import { arrearsFen, segmentOn } from '../domain/allowance.js';
import { hasEffectiveGuardian } from '../domain/guardianship.js';
import { childContext, childNoteContext, guardianContext, unseal, unsealOptional } from '../protect.js';
import { CHANGE_KINDS, CHILD_CATEGORIES, GUARDIAN_RELATIONS, GUARDIAN_SITUATIONS, VISITOR_ROLES, VISIT_KINDS, VISIT_OUTCOMES, type StoredChild, type StoredVisit } from './child.schema.js';

export const CategorySchema = Type.Enum(CHILD_CATEGORIES, { description: '儿童类别 (category): 机构养育孤儿, 社会散居孤儿, 事实无人抚养, 留守, 困境, 其他' });
export const RelationSchema = Type.Enum(GUARDIAN_RELATIONS, { description: '与儿童关系 (relation to the child)' });
export const SituationSchema = Type.Enum(GUARDIAN_SITUATIONS, { description: '监护人状况 (guardian situation)' });
export const ChangeKindSchema = Type.Enum(CHANGE_KINDS, { description: '监护变化类型 (guardianship change kind)' });
export const VisitKindSchema = Type.Enum(VISIT_KINDS, { description: '探访方式 (visit kind)' });
export const VisitOutcomeSchema = Type.Enum(VISIT_OUTCOMES, { description: '探访结果 (visit outcome)' });
export const VisitorRoleSchema = Type.Enum(VISITOR_ROLES, { description: '探访人角色 (visitor role)' });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description === undefined ? {} : { description });

const GuardianView = Type.Object({
  personKey: Type.String({ description: '监护人假名键 (pseudonymous person key)' }),
  idNumber: Type.String({ description: '身份证号 (masked unless child-protection)' }),
  name: Type.String({ description: '姓名 (masked unless child-protection)' }),
  relation: RelationSchema,
  livesWithChild: Type.Boolean({ description: '与儿童共同生活 (lives with the child)' }),
  situation: SituationSchema,
  since: Type.String({ format: 'date', description: '状况起始日 (situation since)' }),
});

const SegmentView = Type.Object({
  from: Type.String({ format: 'date', description: '起始日 (in force from)' }),
  amountFen: Type.Integer({ description: '月金额，分 (monthly amount in fen)' }),
  dibaoFen: Type.Integer({ description: '所依据的低保标准，分 (the 低保 standard it derives from)' }),
  dibaoVersionId: Type.String({ description: '低保标准版本 (低保 version id)' }),
  ruleVersionId: Type.String({ description: '计算规则版本 (allowance rule version id)' }),
  ratioPermille: Type.Integer({ description: '倍数，千分比 (ratio in permille; 1600 = 1.6×)' }),
});

export const AllowanceView = Type.Object({
  status: Type.Union([Type.Literal('PENDING_APPROVAL'), Type.Literal('ACTIVE'), Type.Literal('ENDED')]),
  category: Type.String({ description: '保障类别 (category whose standard applies)' }),
  startDate: Type.String({ format: 'date' }),
  endDate: Type.String({ format: 'date', description: '保障截止日（满18周岁前一日） (last day: the day before the 18th birthday)' }),
  reviewerId: Type.String(),
  approverId: Nullable(Type.String()),
  currentAmountFen: Nullable(Type.Integer(), '当前月金额，分 (amount in force today)'),
  schedule: Type.Array(SegmentView, { description: '金额及其依据的版本 (amounts over time with the versions they derive from)' }),
  recomputations: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), cause: Type.String(), fromAmountFen: Nullable(Type.Integer()), toAmountFen: Type.Integer() })),
  paidMonths: Type.Array(Type.Object({ month: Type.String(), amountFen: Type.Integer(), paymentId: Type.String(), dibaoVersionId: Type.String(), ruleVersionId: Type.String() })),
  arrearsFen: Type.Integer({ description: '已发月份按现行计算的差额（补发未实现） (difference owed on paid months after a retroactive change; back pay not done)' }),
});

export const ChildView = Type.Object({
  id: Type.String({ description: '儿童档案编号 (child record id)' }),
  personKey: Type.String(),
  idNumber: Type.String({ description: '身份证号 (masked unless child-protection)' }),
  name: Type.String({ description: '姓名 (masked unless child-protection)' }),
  birthDate: Type.String({ description: '出生日期 (year only when masked)' }),
  sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  regionCode: Type.String(),
  townCode: Type.String(),
  hukouResident: Type.Boolean(),
  category: CategorySchema,
  guardians: Type.Array(GuardianView),
  hasEffectiveGuardian: Nullable(Type.Boolean(), '有有效监护人 (has an effective guardian; null: not established)'),
  temporaryGuardianshipFrom: Nullable(Type.String({ format: 'date' }), '民政临时监护起始日 (temporary guardianship by civil affairs since)'),
  institutionId: Nullable(Type.String()),
  childDirectorId: Nullable(Type.String()),
  tekunMinor: Type.Boolean({ description: '特困供养未成年人 (特困 minor, covered to 18: R-E3)' }),
  guardianshipChanges: Type.Array(Type.Object({
    id: Type.String(),
    changeKind: ChangeKindSchema,
    guardianPersonKey: Type.String(),
    effectiveDate: Type.String({ format: 'date' }),
    hasEffectiveGuardian: Nullable(Type.Boolean()),
    categoryFrom: Nullable(CategorySchema),
    categoryTo: Nullable(CategorySchema),
    note: Nullable(Type.String(), '情况说明 (null unless child-protection)'),
    recordedBy: Type.String(),
    recordedAt: Type.String({ format: 'date-time' }),
  })),
  visitCount: Type.Integer({ description: '探访次数 (visits recorded)' }),
  lastVisitOn: Nullable(Type.String({ format: 'date' })),
  allowance: Nullable(AllowanceView),
  masked: Type.Boolean({ description: '个人信息是否已脱敏 (whether personal fields are masked for this caller)' }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    id: 'CH-6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a', personKey: '3b1f0c…', idNumber: '442000201503150022', name: '陈小雨', birthDate: '2015-03-15', sex: 'F',
    regionCode: '442000001001', townCode: '442000001', hukouResident: true, category: 'DEFACTO_UNSUPPORTED',
    guardians: [{ personKey: '9a0e…', idNumber: '442000198507070017', name: '陈大海', relation: 'FATHER', livesWithChild: false, situation: 'DETAINED', since: '2026-10-08' }],
    hasEffectiveGuardian: false, temporaryGuardianshipFrom: null, institutionId: null, childDirectorId: 'cd-0101', tekunMinor: false,
    guardianshipChanges: [{ id: 'GC-1', changeKind: 'DETENTION', guardianPersonKey: '9a0e…', effectiveDate: '2026-10-08', hasEffectiveGuardian: false, categoryFrom: 'LEFT_BEHIND', categoryTo: 'DEFACTO_UNSUPPORTED', note: '父亲服刑', recordedBy: 'cd-0101', recordedAt: '2026-10-10T02:00:00.000Z' }],
    visitCount: 1, lastVisitOn: '2026-10-12',
    allowance: { status: 'ACTIVE', category: 'DEFACTO_UNSUPPORTED', startDate: '2026-11-01', endDate: '2033-03-14', reviewerId: 'cd-0101', approverId: 'sup-01', currentAmountFen: 179200, schedule: [{ from: '2026-11-01', amountFen: 179200, dibaoFen: 112000, dibaoVersionId: 'DIBAO-442000-2021-01-01', ruleVersionId: 'CHILD-ALLOWANCE-RULE-442000-2021-01-01', ratioPermille: 1600 }], recomputations: [{ at: '2026-10-20T02:00:00.000Z', cause: 'APPROVAL', fromAmountFen: null, toAmountFen: 179200 }], paidMonths: [], arrearsFen: 0 },
    masked: false, version: 4, createdAt: '2026-09-01T02:00:00.000Z', updatedAt: '2026-10-20T02:00:00.000Z',
  }],
});
export type ChildView = Static<typeof ChildView>;

export const VisitView = Type.Object({
  id: Type.String(),
  visitedOn: Type.String({ format: 'date' }),
  visitorId: Type.String(),
  visitorRole: VisitorRoleSchema,
  visitKind: VisitKindSchema,
  guardianPresent: Type.Boolean(),
  outcome: VisitOutcomeSchema,
  note: Nullable(Type.String(), '探访记录 (null unless child-protection)'),
  recordedAt: Type.String({ format: 'date-time' }),
}, { examples: [{ id: 'VIS-1', visitedOn: '2026-10-12', visitorId: 'cd-0101', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NEEDS_SUPPORT', note: '由祖母临时照看，需送学帮扶', recordedAt: '2026-10-12T08:00:00.000Z' }] });

export function visitView(child: StoredChild, visit: StoredVisit, keyring: Keyring, clear: boolean) {
  return {
    ...visit,
    note: clear ? unsealOptional(keyring, visit.note, childNoteContext(child._id, 'visit', visit.id)) : null,
    recordedAt: visit.recordedAt.toISOString(),
  };
}

export function allowanceView(child: StoredChild, today: string): Static<typeof AllowanceView> | null {
  const allowance = child.allowance;
  if (allowance === null) return null;
  const inForce = allowance.status === 'ACTIVE' && today >= allowance.startDate && today <= allowance.endDate;
  return {
    status: allowance.status,
    category: allowance.category,
    startDate: allowance.startDate,
    endDate: allowance.endDate,
    reviewerId: allowance.reviewerId,
    approverId: allowance.approverId,
    currentAmountFen: inForce ? (segmentOn(allowance.schedule, today)?.amountFen ?? null) : null,
    schedule: allowance.schedule,
    recomputations: allowance.recomputations.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    paidMonths: allowance.payments.map(({ month, amountFen, paymentId, dibaoVersionId, ruleVersionId }) => ({ month, amountFen, paymentId, dibaoVersionId, ruleVersionId })),
    arrearsFen: arrearsFen(allowance.schedule, allowance.payments),
  };
}

export function childView(child: StoredChild, keyring: Keyring, clear: boolean, today: string): ChildView {
  const id = child._id;
  const idNumber = unseal(keyring, child.idNumber, childContext(id, 'idNumber'));
  const name = unseal(keyring, child.name, childContext(id, 'name'));
  const lastVisit = child.visits.reduce<string | null>((latest, visit) => (latest === null || visit.visitedOn > latest ? visit.visitedOn : latest), null);
  return {
    id,
    personKey: child.personKey,
    idNumber: clear ? idNumber : maskResidentId(idNumber),
    name: clear ? name : maskName(name),
    birthDate: clear ? child.birthDate : child.birthDate.slice(0, 4),
    sex: child.sex,
    regionCode: child.regionCode,
    townCode: child.townCode,
    hukouResident: child.hukouResident,
    category: child.category,
    guardians: child.guardians.map((guardian) => {
      const guardianId = unseal(keyring, guardian.idNumber, guardianContext(id, guardian.personKey, 'idNumber'));
      const guardianName = unseal(keyring, guardian.name, guardianContext(id, guardian.personKey, 'name'));
      return {
        personKey: guardian.personKey,
        idNumber: clear ? guardianId : maskResidentId(guardianId),
        name: clear ? guardianName : maskName(guardianName),
        relation: guardian.relation,
        livesWithChild: guardian.livesWithChild,
        situation: guardian.situation,
        since: guardian.since,
      };
    }),
    hasEffectiveGuardian: hasEffectiveGuardian(child),
    temporaryGuardianshipFrom: child.temporaryGuardianshipFrom,
    institutionId: child.institutionId,
    childDirectorId: child.childDirectorId,
    tekunMinor: child.tekunMinor,
    guardianshipChanges: child.guardianshipChanges.map((change) => ({
      ...change,
      note: clear ? unsealOptional(keyring, change.note, childNoteContext(id, 'guardianship', change.id)) : null,
      recordedAt: change.recordedAt.toISOString(),
    })),
    visitCount: child.visits.length,
    lastVisitOn: lastVisit,
    allowance: allowanceView(child, today),
    masked: !clear,
    version: child.version,
    createdAt: child.createdAt.toISOString(),
    updatedAt: child.updatedAt.toISOString(),
  };
}
