/** What a caller sees of an application (notes masked unless caseworker/supervisor). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { APPLICATION_STATUSES, REJECTION_REASONS, allowedActions } from '../domain/application-workflow.js';
import { TEMPORARY_AID_GRADES, TEMPORARY_AID_TYPES } from '../domain/dibao-payment.js';
import { ASSISTANCE_PROGRAMS } from '../domain/standards.js';
import { seesPersonalData } from '../households/household.view.js';
import { unseal } from '../protect.js';
import { CHANNELS, type StoredApplication } from './application.schema.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ProgramSchema = Type.Enum(ASSISTANCE_PROGRAMS, { description: '救助项目：DIBAO 低保、LOW_INCOME 低收入、TEKUN 特困、TEMPORARY_AID 临时救助、EXPENDITURE_HARDSHIP 支出型困难' });
export const ChannelSchema = Type.Enum(CHANNELS, { description: '受理渠道 (WINDOW 窗口, ONLINE 网上, PROACTIVE_DISCOVERY 主动发现, AGENT 代办)' });
export const RejectionReasonSchema = Type.Enum(REJECTION_REASONS.filter((reason) => reason !== 'WITHDRAWN'), { description: '不予批准原因 (rejection reason)' });
export const TemporaryAidTypeSchema = Type.Enum(TEMPORARY_AID_TYPES, { description: '临时救助类型：EMERGENCY 急难型, EXPENDITURE 支出型' });
export const TemporaryAidGradeSchema = Type.Enum(TEMPORARY_AID_GRADES, { description: '临时救助档次：ORDINARY 普通, SMALL_AMOUNT 小额, SPECIAL 特殊' });

export const ApplicationView = Type.Object({
  id: Type.String({ description: '申请编号 (application id)' }),
  householdId: Type.String(),
  regionCode: Type.String(),
  program: ProgramSchema,
  channel: ChannelSchema,
  status: Type.Enum(APPLICATION_STATUSES, { description: '状态：SUBMITTED 已受理, REVIEWED 已审核, APPROVED 已审批, REJECTED 不予批准, PAID 已发放, WITHDRAWN 已撤回' }),
  allowedActions: Type.Array(Type.String(), { description: '当前可执行的操作 (actions allowed now)' }),
  aidFirst: Type.Boolean({ description: '先行救助 (aid first, paperwork later)' }),
  reviewPending: Type.Boolean({ description: '先行救助后待补审核 (review still due after aid first)' }),
  temporaryAidType: nullable(TemporaryAidTypeSchema),
  temporaryAidGrade: nullable(TemporaryAidGradeSchema),
  applicantPersonKey: Type.String(),
  reason: nullable(Type.String({ description: '申请理由 (masked unless caseworker/supervisor)' })),
  declaredMonthlyIncomeFen: Type.Integer(),
  householdSize: Type.Integer(),
  submitterId: Type.String(),
  reviewerId: nullable(Type.String()),
  approverId: nullable(Type.String()),
  payerId: nullable(Type.String()),
  rejectionReason: nullable(Type.String()),
  determination: nullable(Type.Object({
    monthlyAmountFen: nullable(Type.Integer({ description: '月救助金额，分 (monthly amount in fen)' })),
    oneOffAmountFen: nullable(Type.Integer({ description: '一次性救助金额，分 (one-off amount in fen)' })),
    perCapitaIncomeFen: nullable(Type.Integer()),
    coveredPersonCount: nullable(Type.Integer()),
    standardVersionId: nullable(Type.String({ description: '计算所依据的标准版本 (the standard version used)' })),
    effectiveFrom: nullable(Type.String({ format: 'date' })),
  })),
  paymentId: nullable(Type.String()),
  history: Type.Array(Type.Object({ action: Type.String(), from: Type.String(), to: Type.String(), actorId: Type.String(), at: Type.String() })),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [
    {
      id: 'APP-5b0d7c2e-8f0a-4f7e-9d0e-2b1c3d4e5f60', householdId: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', regionCode: '442000001001', program: 'DIBAO', channel: 'WINDOW', status: 'APPROVED',
      allowedActions: ['PAY'], aidFirst: false, reviewPending: false, temporaryAidType: null, temporaryAidGrade: null, applicantPersonKey: 'pk_3q2hY7', reason: '户主患病，收入下降',
      declaredMonthlyIncomeFen: 80000, householdSize: 2, submitterId: 'clerk', reviewerId: 'reviewer', approverId: 'approver', payerId: null, rejectionReason: null,
      determination: { monthlyAmountFen: 144000, oneOffAmountFen: null, perCapitaIncomeFen: 40000, coveredPersonCount: 2, standardVersionId: 'DIBAO-442000-2021-01-01', effectiveFrom: '2026-11-03' },
      paymentId: null,
      history: [
        { action: 'REVIEW', from: 'SUBMITTED', to: 'REVIEWED', actorId: 'reviewer', at: '2026-11-02T06:00:00.000Z' },
        { action: 'APPROVE', from: 'REVIEWED', to: 'APPROVED', actorId: 'approver', at: '2026-11-03T02:00:00.000Z' },
      ],
      version: 3, createdAt: '2026-11-02T03:00:00.000Z', updatedAt: '2026-11-03T02:00:00.000Z',
    },
  ],
});
export type ApplicationView = Static<typeof ApplicationView>;

export function applicationView(application: StoredApplication, principal: Principal, keyring: Keyring): ApplicationView {
  const clear = seesPersonalData(principal);
  const reason = application.reason === null ? null : clear ? unseal(keyring, application.reason, `application|${application._id}|reason`) : '****';
  return {
    id: application._id,
    householdId: application.householdId,
    regionCode: application.regionCode,
    program: application.program,
    channel: application.channel,
    status: application.status,
    allowedActions: allowedActions({ ...application, id: application._id }),
    aidFirst: application.aidFirst,
    reviewPending: application.reviewPending,
    temporaryAidType: application.temporaryAidType,
    temporaryAidGrade: application.temporaryAidGrade,
    applicantPersonKey: application.applicantPersonKey,
    reason,
    declaredMonthlyIncomeFen: application.declaredMonthlyIncomeFen,
    householdSize: application.householdSize,
    submitterId: application.submitterId,
    reviewerId: application.reviewerId,
    approverId: application.approverId,
    payerId: application.payerId,
    rejectionReason: application.rejectionReason,
    determination: application.determination,
    paymentId: application.paymentId,
    history: [...application.history],
    version: application.version,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
  };
}
