/** What a caller sees of a payment run (no personal data: enrolment ids and counts). */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { StoredPaymentRun } from './payment-run.schema.js';

export const PaymentRunView = Type.Object(
  {
    id: Type.String({ description: '批次编号 (run id)' }),
    month: Type.String({ description: '发放月份 YYYY-MM' }),
    regionCode: Type.String({ description: '区划范围 (region prefix covered)' }),
    status: Type.Enum(['RUNNING', 'COMPLETED', 'FAILED'], { description: '状态：RUNNING 执行中, COMPLETED 完成, FAILED 中断（可重新执行补发）' }),
    startedBy: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    considered: Type.Integer({ description: '检查的保障数 (enrolments looked at)' }),
    paid: Type.Integer({ description: '已发放笔数 (payments made)' }),
    skipped: Type.Integer({ description: '本月无应发金额 (no cash due this month)' }),
    totalFen: Type.Integer({ description: '发放总额，分 (total paid in fen)' }),
    failures: Type.Array(Type.Object({ enrolmentId: Type.String(), code: Type.String(), message: Type.String() }), { description: '未发放及原因 (not paid, with the reason)' }),
  },
  {
    examples: [
      { id: 'RUN-77a1c0de-1111-4a2b-9c3d-4e5f60718293', month: '2026-11', regionCode: '442000001', status: 'COMPLETED', startedBy: 'payer', startedAt: '2026-11-05T01:00:00.000Z', finishedAt: '2026-11-05T01:02:10.000Z', considered: 412, paid: 398, skipped: 12, totalFen: 89_120_000, failures: [{ enrolmentId: 'ENR-APP-5b0d', code: 'ASSIST_SEPARATION_OF_DUTIES', message: '审批人不得发放同一保障 (the approver may not pay the same enrolment)' }] },
    ],
  },
);
export type PaymentRunView = Static<typeof PaymentRunView>;

export function paymentRunView(run: StoredPaymentRun): PaymentRunView {
  return {
    id: run._id,
    month: run.month,
    regionCode: run.regionCode,
    status: run.status,
    startedBy: run.startedBy,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt === null ? null : run.finishedAt.toISOString(),
    considered: run.considered,
    paid: run.paid,
    skipped: run.skipped,
    totalFen: run.totalFen,
    failures: run.failures.map((failure) => ({ ...failure })),
  };
}
