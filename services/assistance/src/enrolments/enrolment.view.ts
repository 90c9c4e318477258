/** What a caller sees of an enrolment: no personal fields (the payee is a pseudonym). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import { ENROLMENT_END_REASONS, ENROLMENT_PROGRAMS, allowedEnrolmentActions, enrolmentPhaseOn } from '../domain/enrolment.js';
import { SUPPORT_MODES, toDomain, type StoredEnrolment } from './enrolment.schema.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const EnrolmentProgramSchema = Type.Enum(ENROLMENT_PROGRAMS, { description: '保障项目：DIBAO 低保、LOW_INCOME 低收入、TEKUN 特困、EXPENDITURE_HARDSHIP 支出型困难' });
export const EndReasonSchema = Type.Enum(ENROLMENT_END_REASONS, { description: '终止原因 (end reason): INCOME_ABOVE_THRESHOLD 收入超标, GRADUAL_EXIT 渐退, DEATH 死亡, MOVED_AWAY 迁出, VOLUNTARY_WITHDRAWAL 主动退出, AGED_OUT 超龄, TRANSFERRED_TO_OTHER_PROGRAM 转其他项目, INELIGIBLE_FOUND 核查不符, OTHER 其他' });
export const SupportModeSchema = Type.Enum(SUPPORT_MODES, { description: '供养方式 (特困)：CENTRALISED 集中供养, SCATTERED 分散供养' });

export const EnrolmentView = Type.Object(
  {
    id: Type.String({ description: '保障编号 (enrolment id)' }),
    householdId: Type.String(),
    regionCode: Type.String(),
    program: EnrolmentProgramSchema,
    applicationId: nullable(Type.String()),
    status: Type.Enum(['ACTIVE', 'ENDED'], { description: '状态：ACTIVE 在保, ENDED 已终止（渐退期内仍按月发放）' }),
    phaseToday: Type.Enum(['NOT_STARTED', 'REGULAR', 'GRADUAL_EXIT', 'ENDED'], { description: '今日所处阶段 (phase today)' }),
    allowedActions: Type.Array(Type.String(), { description: '当前可执行的操作 (actions allowed now)' }),
    approvedOn: Type.String({ format: 'date' }),
    startDate: Type.String({ format: 'date', description: '起始日期：批准次月1日 (first day of the month after approval)' }),
    amounts: Type.Array(Type.Object({
      from: Type.String({ format: 'date' }),
      monthlyAmountFen: nullable(Type.Integer({ description: '月保障金额，分 (monthly amount in fen)' })),
      standardVersionId: nullable(Type.String({ description: '所依据的标准版本 (standard version used)' })),
    })),
    endDate: nullable(Type.String({ format: 'date', description: '正常保障最后一日 (last day of regular eligibility)' })),
    endReason: nullable(EndReasonSchema),
    gradualExit: nullable(Type.Object({
      endDate: Type.String({ format: 'date', description: '渐退期最后一日 (last day of the gradual exit)' }),
      monthlyAmountFen: Type.Integer(),
      cutShortReason: nullable(Type.String()),
    })),
    supportMode: nullable(SupportModeSchema),
    nextReviewDate: nullable(Type.String({ format: 'date', description: '下次复核日期 (next review)' })),
    payeePersonKey: Type.String({ description: '领取人假名键 (payee, pseudonymous)' }),
    approverId: nullable(Type.String()),
    payments: Type.Array(Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      paymentId: Type.String(),
      paymentKind: Type.Enum(['REGULAR', 'GRADUAL_EXIT']),
      amountFen: Type.Integer(),
      standardVersionId: nullable(Type.String()),
      runId: Type.String(),
      payerId: Type.String(),
      paidAt: Type.String({ format: 'date-time' }),
    }), { description: '已发放月份 (months paid)' }),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: 'ENR-APP-5b0d7c2e-8f0a-4f7e-9d0e-2b1c3d4e5f60', householdId: 'HH-1b6f0c1e-5a0e-4d55-9f55-0f3b8f3f1f7a', regionCode: '442000001002', program: 'DIBAO',
        applicationId: 'APP-5b0d7c2e-8f0a-4f7e-9d0e-2b1c3d4e5f60', status: 'ACTIVE', phaseToday: 'REGULAR', allowedActions: ['CHANGE_AMOUNT', 'END'], approvedOn: '2026-09-14', startDate: '2026-10-01',
        amounts: [{ from: '2026-10-01', monthlyAmountFen: 288000, standardVersionId: 'DIBAO-442000-2021-01-01' }], endDate: null, endReason: null, gradualExit: null, supportMode: null, nextReviewDate: '2027-09-30',
        payeePersonKey: 'pk_3q2hY7', approverId: 'approver', payments: [{ month: '2026-10', paymentId: 'PAY-0c8e', paymentKind: 'REGULAR', amountFen: 288000, standardVersionId: 'DIBAO-442000-2021-01-01', runId: 'RUN-77a1', payerId: 'payer', paidAt: '2026-10-05T02:00:00.000Z' }],
        version: 2, createdAt: '2026-09-15T01:00:00.000Z', updatedAt: '2026-10-05T02:00:00.000Z',
      },
    ],
  },
);
export type EnrolmentView = Static<typeof EnrolmentView>;

export function enrolmentView(enrolment: StoredEnrolment, today: string): EnrolmentView {
  const domain = toDomain(enrolment);
  return {
    id: enrolment._id,
    householdId: enrolment.householdId,
    regionCode: enrolment.regionCode,
    program: enrolment.program,
    applicationId: enrolment.applicationId,
    status: enrolment.status,
    phaseToday: enrolmentPhaseOn(domain, today),
    allowedActions: allowedEnrolmentActions(domain),
    approvedOn: enrolment.approvedOn,
    startDate: enrolment.startDate,
    amounts: enrolment.amounts.map((amount) => ({ ...amount })),
    endDate: enrolment.endDate,
    endReason: enrolment.endReason,
    gradualExit: enrolment.gradualExit === null ? null : { ...enrolment.gradualExit },
    supportMode: enrolment.supportMode,
    nextReviewDate: enrolment.nextReviewDate,
    payeePersonKey: enrolment.payeePersonKey,
    approverId: enrolment.approverId,
    payments: enrolment.payments.map((payment) => ({
      month: payment.month,
      paymentId: payment.paymentId,
      paymentKind: payment.paymentKind,
      amountFen: payment.amountFen,
      standardVersionId: payment.standardVersionId,
      runId: payment.runId,
      payerId: payment.payerId,
      paidAt: new Date(payment.paidAt).toISOString(),
    })),
    version: enrolment.version,
    createdAt: enrolment.createdAt.toISOString(),
    updatedAt: enrolment.updatedAt.toISOString(),
  };
}
