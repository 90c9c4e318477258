/**
 * What a caller sees of an elder. Caseworkers and supervisors (whose jurisdiction covers the elder,
 * which the repository already enforced) see personal fields in clear, and that read is audited;
 * every other role sees them masked (`4420**********123X`, `张*明`, `138****5678`, birth year only).
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskPhone, maskResidentId } from '@minzheng/identity/masking';
import { ageOn } from '@minzheng/identity/resident-id';
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import { chinaDate } from '../domain/dates.js';
import { PRIORITY_GROUPS } from '../domain/priority.js';
import { CARE_DEPENDENCY_LEVELS, ECONOMIC_STATUSES, LIVING_ARRANGEMENTS, WORKER_ROLES } from '../domain/vocabulary.js';
import { elderContext, unseal } from '../protect.js';
import { currentAssessment } from './elder.people.js';
import type { StoredElder } from './elder.schema.js';

export const LivingArrangementSchema = Type.Enum(LIVING_ARRANGEMENTS, { description: '居住状况：ALONE 独居, EMPTY_NEST 空巢, WITH_FAMILY 与家人同住, INSTITUTION 入住机构, OTHER 其他 (living arrangement)' });
export const EconomicStatusSchema = Type.Enum(ECONOMIC_STATUSES, { description: '经济状况：DIBAO 低保, LOW_INCOME 低收入, TEKUN 特困, LONE_MILITARY_BENEFICIARY 孤老优抚, ORDINARY 一般, UNKNOWN 未知 (economic status)' });
export const WorkerRoleSchema = Type.Enum(WORKER_ROLES, { description: '工作人员角色 (worker role)' });
export const CareDependencyLevelSchema = Type.Enum(CARE_DEPENDENCY_LEVELS, { description: '失能等级：ABLE 能力完好, MILD 轻度, MODERATE 中度(半失能), SEVERE 重度(失能), UNKNOWN (care-dependency level)' });
export const PriorityGroupSchema = Type.Enum(PRIORITY_GROUPS, { description: '特殊困难老年人类别：独居、空巢、留守、失能、重残、计划生育特殊家庭 (priority group)' });

export const CareSubsidyDecisionView = Type.Object({
  qualifies: Type.Boolean({ description: '是否符合照护补助条件 (qualifies for the care subsidy)' }),
  monthlyAmountFen: Type.Integer({ description: '月补助金额，分 (monthly amount in fen)' }),
  versionId: Type.Union([Type.String(), Type.Null()], { description: '所用参数表版本 (table version used; null when none in force)' }),
  ruleId: Type.Union([Type.String(), Type.Null()], { description: '适用规则 (rule applied)' }),
  reason: Type.String({ description: '理由 (why)' }),
  decidedOn: Type.String({ format: 'date', description: '判定日期 (decision date)' }),
});

export const AssessmentSummary = Type.Object({
  assessmentId: Type.String(),
  careDependencyLevel: CareDependencyLevelSchema,
  assessedDate: Type.String({ format: 'date' }),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
});

export const ElderView = Type.Object({
  id: Type.String({ description: '老人档案编号 (elder record id)' }),
  regionCode: Type.String({ description: '村（居）代码 (village/community code, 12 digits)' }),
  townCode: Type.String({ description: '镇街代码 (town code, 9 digits)' }),
  personKey: Type.String({ description: '人员假名键 (pseudonymous person key)' }),
  idNumber: Type.String({ description: '公民身份号码 (masked unless the caller may see it)' }),
  name: Type.String({ description: '姓名 (masked unless the caller may see it)' }),
  phone: Type.Union([Type.String(), Type.Null()], { description: '联系电话 (masked unless the caller may see it)' }),
  emergencyContactPhone: Type.Union([Type.String(), Type.Null()], { description: '紧急联系人电话 (masked unless the caller may see it)' }),
  birthDate: Type.String({ description: '出生日期 (year only when masked)' }),
  age: Type.Integer({ description: '年龄（周岁） (age today)' }),
  sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  hukouResident: Type.Boolean({ description: '本市户籍 (local hukou)' }),
  livingArrangement: LivingArrangementSchema,
  economicStatus: EconomicStatusSchema,
  leftBehind: Type.Boolean({ description: '留守老人 (left-behind)' }),
  lostOnlyChildFamily: Type.Boolean({ description: '计划生育特殊家庭 (lost an only child)' }),
  severelyDisabled: Type.Boolean({ description: '重度残疾 (severely disabled)' }),
  householdId: Type.Union([Type.String(), Type.Null()], { description: '社会救助家庭编号 (assistance household, when linked)' }),
  assignedVisitorId: Type.Union([Type.String(), Type.Null()], { description: '结对巡访人 (assigned visitor)' }),
  assignedVisitorRole: Type.Union([WorkerRoleSchema, Type.Null()]),
  priorityGroups: Type.Array(PriorityGroupSchema, { description: '特殊困难老年人类别（月探访对象） (priority groups: the monthly visit applies when any)' }),
  currentAssessment: Type.Union([AssessmentSummary, Type.Null()], { description: '当前有效能力评估 (latest valid assessment)' }),
  careSubsidy: Type.Union([CareSubsidyDecisionView, Type.Null()], { description: '最近一次照护补助判定 (care-subsidy decision of the latest valid assessment)' }),
  masked: Type.Boolean({ description: '个人信息是否已脱敏 (whether personal fields are masked for this caller)' }),
  registeredOn: Type.String({ format: 'date' }),
  version: Type.Integer({ description: '版本号 (version, for optimistic concurrency)' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [
    {
      id: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', regionCode: '442000005003', townCode: '442000005', personKey: '2cc1ad6ed275e3d565efc0df5806aab733303e2add84a8e59daf6367a48e59ef',
      idNumber: '442000194603120119', name: '郑子轩', phone: '13590871234', emergencyContactPhone: '13590875678', birthDate: '1946-03-12', age: 80, sex: 'M',
      hukouResident: true, livingArrangement: 'ALONE', economicStatus: 'ORDINARY', leftBehind: false, lostOnlyChildFamily: false, severelyDisabled: false, householdId: null,
      assignedVisitorId: 'SW-005-0012', assignedVisitorRole: 'SOCIAL_WORKER', priorityGroups: ['LIVING_ALONE'], currentAssessment: null, careSubsidy: null, masked: false,
      registeredOn: '2026-01-15', version: 1, createdAt: '2026-01-15T02:00:00.000Z', updatedAt: '2026-01-15T02:00:00.000Z',
    },
  ],
});
export type ElderView = Static<typeof ElderView>;

export const ELDER_SUMMARY_EXAMPLE = { id: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', regionCode: '442000005003', name: '郑**', birthYear: '1946', sex: 'M', hukouResident: true, livingArrangement: 'ALONE', economicStatus: 'ORDINARY', priorityGroups: ['LIVING_ALONE'], assignedVisitorId: 'SW-005-0012', version: 1, createdAt: '2026-01-15T02:00:00.000Z' };

export const ElderSummary = Type.Object({
  id: Type.String(),
  regionCode: Type.String(),
  name: Type.String({ description: '姓名（脱敏） (name, masked)' }),
  birthYear: Type.String({ description: '出生年份 (birth year)' }),
  sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  hukouResident: Type.Boolean(),
  livingArrangement: LivingArrangementSchema,
  economicStatus: EconomicStatusSchema,
  priorityGroups: Type.Array(PriorityGroupSchema),
  assignedVisitorId: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
}, { examples: [ELDER_SUMMARY_EXAMPLE] });
export type ElderSummary = Static<typeof ElderSummary>;

/** Whether this caller sees personal fields in clear (jurisdiction is enforced by the query). */
export const seesPersonalData = (principal: Principal): boolean => hasRole(principal, 'caseworker', 'supervisor');

export function elderView(elder: StoredElder, principal: Principal, keyring: Keyring, now: Date): ElderView {
  const clear = seesPersonalData(principal);
  const id = elder._id;
  const open = (token: string | null, field: 'idNumber' | 'name' | 'phone' | 'emergencyContactPhone'): string | null => (token === null ? null : unseal(keyring, token, elderContext(id, field)));
  const phoneOf = (value: string | null): string | null => (value === null ? null : clear ? value : maskPhone(value));
  const idNumber = open(elder.idNumber, 'idNumber') ?? '';
  const name = open(elder.name, 'name') ?? '';
  const today = chinaDate(now);
  const current = currentAssessment(elder.assessments, today);
  return {
    id,
    regionCode: elder.regionCode,
    townCode: elder.townCode,
    personKey: elder.personKey,
    idNumber: clear ? idNumber : maskResidentId(idNumber),
    name: clear ? name : maskName(name),
    phone: phoneOf(open(elder.phone, 'phone')),
    emergencyContactPhone: phoneOf(open(elder.emergencyContactPhone, 'emergencyContactPhone')),
    birthDate: clear ? elder.birthDate : elder.birthDate.slice(0, 4),
    age: today < elder.birthDate ? 0 : ageOn(elder.birthDate, today),
    sex: elder.sex,
    hukouResident: elder.hukouResident,
    livingArrangement: elder.livingArrangement,
    economicStatus: elder.economicStatus,
    leftBehind: elder.leftBehind,
    lostOnlyChildFamily: elder.lostOnlyChildFamily,
    severelyDisabled: elder.severelyDisabled,
    householdId: elder.householdId,
    assignedVisitorId: elder.assignedVisitorId,
    assignedVisitorRole: elder.assignedVisitorRole,
    priorityGroups: elder.priorityGroups,
    currentAssessment: current === null ? null : { assessmentId: current.assessmentId, careDependencyLevel: current.careDependencyLevel, assessedDate: current.assessedDate, validUntil: current.validUntil },
    careSubsidy: current?.careSubsidy ?? null,
    masked: !clear,
    registeredOn: elder.registeredOn,
    version: elder.version,
    createdAt: elder.createdAt.toISOString(),
    updatedAt: elder.updatedAt.toISOString(),
  };
}

/** A list row: the name decrypted and masked, whoever asks (lists never show personal data in clear). */
export function elderSummary(elder: StoredElder, keyring: Keyring): ElderSummary {
  return {
    id: elder._id,
    regionCode: elder.regionCode,
    name: maskName(unseal(keyring, elder.name, elderContext(elder._id, 'name'))),
    birthYear: elder.birthDate.slice(0, 4),
    sex: elder.sex,
    hukouResident: elder.hukouResident,
    livingArrangement: elder.livingArrangement,
    economicStatus: elder.economicStatus,
    priorityGroups: elder.priorityGroups,
    assignedVisitorId: elder.assignedVisitorId,
    version: elder.version,
    createdAt: elder.createdAt.toISOString(),
  };
}
