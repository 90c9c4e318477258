/**
 * 月度发放 (monthly payment run): pays every enrolment in a region that is payable for a month and
 * not yet paid for it, at the amount the domain computes (`monthlyPayments`: whole months, the
 * amount in force on the first day, regular or gradual exit). Each payment is one write on its
 * enrolment (the month appended to `payments`, guarded by the enrolment's version and by the
 * month not being there yet) carrying its `assistance.payment-issued` event, so a month is paid at
 * most once, however many runs overlap, and a run stopped half-way is finished by running again.
 *
 * The run itself is a record with progress counters, updated every batch; the HTTP route answers
 * at once (202) and the run goes on in the background.
 *
 * Separation of duties: the user who approved an enrolment's application may not pay it (as for
 * single payments); such enrolments are left unpaid and listed among the run's failures.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { requireJurisdiction } from '@minzheng/service-kit/auth';
import type { Logger } from 'pino';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { firstDayOfMonth, lastDayOfMonth, monthOf } from '../domain/dates.js';
import { monthlyPayments } from '../domain/enrolment.js';
import { ServiceError } from '@minzheng/service-kit/errors';
import { AssistanceError } from '../domain/errors.js';
import { envelope } from '../events.js';
import { headRef } from '../households/household.people.js';
import { toDomain, type PaidMonth, type StoredEnrolment } from '../enrolments/enrolment.schema.js';
import type { RunFailure, StoredPaymentRun } from '../payment-runs/payment-run.schema.js';

/** Enrolments read and paid per batch (and progress written per batch). */
const BATCH = 200;

export interface RunInput {
  /** `YYYY-MM`, not after the current month. */
  readonly month: string;
  /** A region prefix inside the caller's jurisdiction; default the whole jurisdiction. */
  readonly regionCode?: string;
}

type Outcome = { readonly kind: 'paid'; readonly amountFen: number } | { readonly kind: 'skipped' } | { readonly kind: 'failed'; readonly failure: RunFailure };

/** Pays one enrolment for the month, re-reading it once if it changed meanwhile. */
async function payOne(deps: AssistanceDeps, principal: Principal, runId: string, month: string, candidate: StoredEnrolment, now: Date): Promise<Outcome> {
  let enrolment = candidate;
  for (let attempt = 0; ; attempt += 1) {
    if (enrolment.payments.some((payment) => payment.month === month)) return { kind: 'skipped' };
    const due = monthlyPayments(toDomain(enrolment), lastDayOfMonth(`${month}-01`)).find((payment) => payment.month === month);
    if (due === undefined) return { kind: 'skipped' };
    if (enrolment.approverId === principal.subject) {
      return { kind: 'failed', failure: { enrolmentId: enrolment._id, code: 'ASSIST_SEPARATION_OF_DUTIES', message: '审批人不得发放同一保障 (the approver may not pay the same enrolment)' } };
    }
    const household = await deps.households.get(enrolment.householdId, principal.jurisdiction);
    const paymentId = `PAY-${randomUUID()}`;
    const payee = headRef(deps.keyring, household);
    const event = deps.publisher.prepare('assistance.payment-issued', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: paymentId, regionCode: enrolment.regionCode, person: payee, householdId: enrolment.householdId, correlationId: runId.slice('RUN-'.length) }, now),
      paymentId,
      program: enrolment.program,
      enrolmentId: enrolment._id,
      applicationId: enrolment.applicationId,
      paymentKind: due.kind,
      amountFen: due.amountFen,
      periodFrom: due.periodFrom,
      periodTo: due.periodTo,
      payee,
      payerId: principal.subject,
      reviewerId: enrolment.reviewerId ?? '',
      approverId: enrolment.approverId ?? '',
      standardVersionId: due.standardVersionId,
    });
    const paid: PaidMonth = { ...due, paymentId, paymentKind: due.kind, runId, payerId: principal.subject, paidAt: now };
    try {
      await deps.enrolments.update(enrolment._id, enrolment.version, { $push: { payments: paid }, $set: { updatedAt: now } }, [event]);
      return { kind: 'paid', amountFen: due.amountFen };
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'ASSIST_CONCURRENT_CHANGE') || attempt > 0) throw error;
      enrolment = await deps.enrolments.get(enrolment._id, principal.jurisdiction);
    }
  }
}

async function execute(deps: AssistanceDeps, principal: Principal, run: StoredPaymentRun, logger: Pick<Logger, 'info' | 'error'> | undefined): Promise<void> {
  const firstDay = `${run.month}-01`;
  const totals = { considered: 0, paid: 0, skipped: 0, totalFen: 0, failures: [] as RunFailure[] };
  let version = run.version;
  let afterId = '';
  const now = deps.now();
  for (;;) {
    const batch = await deps.enrolments.payable(run.regionCode, run.month, firstDay, afterId, BATCH);
    if (batch.length === 0) break;
    for (const enrolment of batch) {
      totals.considered += 1;
      let outcome: Outcome;
      try {
        outcome = await payOne(deps, principal, run._id, run.month, enrolment, now);
      } catch (error) {
        const code = error instanceof AssistanceError || error instanceof ServiceError ? error.code : 'ASSIST_PAYMENT_FAILED';
        outcome = { kind: 'failed', failure: { enrolmentId: enrolment._id, code, message: error instanceof Error ? error.message : String(error) } };
      }
      if (outcome.kind === 'paid') {
        totals.paid += 1;
        totals.totalFen += outcome.amountFen;
      } else if (outcome.kind === 'skipped') totals.skipped += 1;
      else totals.failures.push(outcome.failure);
    }
    afterId = batch.at(-1)?._id ?? afterId;
    await deps.paymentRuns.update(run._id, version, { $set: { ...totals } }, []);
    version += 1;
    logger?.info({ runId: run._id, month: run.month, ...totals, failures: totals.failures.length }, 'payment run: progress');
  }
  await deps.paymentRuns.update(run._id, version, { $set: { ...totals, status: 'COMPLETED', finishedAt: deps.now() } }, []);
  logger?.info({ runId: run._id, month: run.month, ...totals, failures: totals.failures.length }, 'payment run: completed');
}

/** Records the run and starts it; `done` settles when it has finished (the record says how it went). */
export async function startPaymentRun(deps: AssistanceDeps, principal: Principal, input: RunInput, logger?: Pick<Logger, 'info' | 'error'>): Promise<{ run: StoredPaymentRun; done: Promise<void> }> {
  const regionCode = input.regionCode ?? principal.jurisdiction;
  requireJurisdiction(principal, regionCode);
  const now = deps.now();
  const currentMonth = monthOf(chinaToday(now));
  if (input.month > currentMonth) {
    throw new AssistanceError('ASSIST_DATE_IN_FUTURE', `不能发放未来月份 (month ${input.month} is after the current month ${currentMonth})`, { field: 'month', rule: 'must not be after the current month', month: input.month });
  }
  // The month must be a real one (the route's pattern checks the shape, this the value).
  firstDayOfMonth(`${input.month}-01`);
  const run: StoredPaymentRun = {
    // The uuid after `RUN-` is each payment event's correlation id.
    _id: `RUN-${randomUUID()}`,
    month: input.month,
    regionCode,
    status: 'RUNNING',
    startedBy: principal.subject,
    startedAt: now,
    finishedAt: null,
    considered: 0,
    paid: 0,
    skipped: 0,
    totalFen: 0,
    failures: [],
    version: 1,
    createdAt: now,
    outbox: [],
    outboxPending: false,
  };
  const { outbox: _outbox, outboxPending: _pending, ...record } = run;
  await deps.paymentRuns.insert(record, []);
  const done = execute(deps, principal, run, logger).catch(async (error: unknown) => {
    logger?.error({ err: error, runId: run._id }, 'payment run failed; run it again to pay the rest (months already paid are not paid twice)');
    await deps.paymentRuns.markFailed(run._id, error instanceof Error ? error.message : String(error)).catch(() => undefined);
  });
  return { run, done };
}
