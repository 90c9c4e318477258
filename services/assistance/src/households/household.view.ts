/**
 * What a caller sees of a household. Caseworkers and supervisors (whose jurisdiction covers the
 * household, which the repository already enforced) see personal fields in clear, and that read
 * is audited; every other role sees them masked (`4420**********123X`, `张*明`, `138****5678`).
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskPhone, maskResidentId } from '@minzheng/identity/masking';
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import { householdContext, memberContext, unseal } from '../protect.js';
import { DISABILITY_GRADES, DISABILITY_KINDS, LABOUR_CAPACITIES, RELATIONS_TO_HEAD, type StoredHousehold } from './household.schema.js';


export const RelationSchema = Type.Enum(RELATIONS_TO_HEAD, { description: '与户主关系 (relation to the head)' });
export const LabourCapacitySchema = Type.Enum(LABOUR_CAPACITIES, { description: '劳动能力 (labour capacity)' });
export const DisabilityKindSchema = Type.Enum(DISABILITY_KINDS, { description: '残疾类别 (disability kind)' });
export const DisabilityGradeSchema = Type.Enum(DISABILITY_GRADES, { description: '残疾等级 (disability grade)' });

export const MemberView = Type.Object({
  personKey: Type.String({ description: '人员假名键 (pseudonymous person key: HMAC of the ID number)' }),
  idNumber: Type.String({ description: '公民身份号码 (ID number; masked unless the caller may see it)' }),
  name: Type.String({ description: '姓名 (name; masked unless the caller may see it)' }),
  phone: Type.Union([Type.String(), Type.Null()], { description: '联系电话 (phone; masked unless the caller may see it)' }),
  birthDate: Type.String({ description: '出生日期 (from the ID number; year only when masked)' }),
  sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  relationToHead: RelationSchema,
  localHukou: Type.Boolean({ description: '本地户籍 (local hukou)' }),
  livingTogether: Type.Boolean({ description: '共同生活 (lives in the household)' }),
  labourCapacity: LabourCapacitySchema,
  monthlyIncomeFen: Type.Integer({ description: '月收入，分 (monthly income in fen)' }),
  financialAssetsFen: Type.Integer({ description: '金融资产，分 (financial assets in fen)' }),
  disabilityKind: Type.Union([DisabilityKindSchema, Type.Null()]),
  disabilityGrade: Type.Union([DisabilityGradeSchema, Type.Null()]),
  seriouslyIll: Type.Union([Type.Boolean(), Type.Null()], { description: '重病 (seriously ill)' }),
  fromDate: Type.String({ format: 'date', description: '成为家庭成员之日 (member from)' }),
  toDate: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: '离开家庭之日 (member until)' }),
});

export const HouseholdView = Type.Object({
  id: Type.String({ description: '家庭编号 (household id)' }),
  regionCode: Type.String({ description: '村（居）代码 (village/community code, 12 digits)' }),
  townCode: Type.String({ description: '镇街代码 (town code, 9 digits)' }),
  address: Type.String({ description: '住址 (address; masked unless the caller may see it)' }),
  masked: Type.Boolean({ description: '个人信息是否已脱敏 (whether personal fields are masked for this caller)' }),
  members: Type.Array(MemberView),
  version: Type.Integer({ description: '版本号，修改时用于并发控制 (version, for optimistic concurrency)' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [
    {
      id: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', regionCode: '442000001001', townCode: '442000001', address: '中山市石岐街道某路12号', masked: false,
      members: [
        { personKey: 'pk_3q2hY7', idNumber: '442000196803021018', name: '陈志强', phone: null, birthDate: '1968-03-02', sex: 'M', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'PARTIAL', monthlyIncomeFen: 80000, financialAssetsFen: 0, disabilityKind: null, disabilityGrade: null, seriouslyIll: null, fromDate: '2026-11-02', toDate: null },
        { personKey: 'pk_9xW1eR', idNumber: '442000197005062020', name: '李秀英', phone: null, birthDate: '1970-05-06', sex: 'F', relationToHead: 'SPOUSE', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0, disabilityKind: null, disabilityGrade: null, seriouslyIll: true, fromDate: '2026-11-02', toDate: null },
      ],
      version: 1, createdAt: '2026-11-02T03:00:00.000Z', updatedAt: '2026-11-02T03:00:00.000Z',
    },
  ],
});
export type HouseholdView = Static<typeof HouseholdView>;

/** Whether this caller sees personal fields in clear (jurisdiction is enforced by the query). */
export const seesPersonalData = (principal: Principal): boolean => hasRole(principal, 'caseworker', 'supervisor');

function maskAddress(address: string): string {
  return address.length <= 6 ? '****' : `${address.slice(0, 6)}****`;
}

export function householdView(household: StoredHousehold, principal: Principal, keyring: Keyring, clear = seesPersonalData(principal)): HouseholdView {
  const id = household._id;
  return {
    id,
    regionCode: household.regionCode,
    townCode: household.townCode,
    address: ((address) => (clear ? address : maskAddress(address)))(unseal(keyring, household.address, householdContext(id, 'address'))),
    masked: !clear,
    members: household.members.map((member) => {
      const idNumber = unseal(keyring, member.idNumber, memberContext(id, member.personKey, 'idNumber'));
      const name = unseal(keyring, member.name, memberContext(id, member.personKey, 'name'));
      const phone = member.phone === null ? null : unseal(keyring, member.phone, memberContext(id, member.personKey, 'phone'));
      return {
        personKey: member.personKey,
        idNumber: clear ? idNumber : maskResidentId(idNumber),
        name: clear ? name : maskName(name),
        phone: phone === null ? null : clear ? phone : maskPhone(phone),
        birthDate: clear ? member.birthDate : member.birthDate.slice(0, 4),
        sex: member.sex,
        relationToHead: member.relationToHead,
        localHukou: member.localHukou,
        livingTogether: member.livingTogether,
        labourCapacity: member.labourCapacity,
        monthlyIncomeFen: member.monthlyIncomeFen,
        financialAssetsFen: member.financialAssetsFen,
        disabilityKind: member.disabilityKind,
        disabilityGrade: member.disabilityGrade,
        seriouslyIll: member.seriouslyIll,
        fromDate: member.fromDate,
        toDate: member.toDate,
      };
    }),
    version: household.version,
    createdAt: household.createdAt.toISOString(),
    updatedAt: household.updatedAt.toISOString(),
  };
}
