/**
 * 儿童基本生活费 (monthly living allowance), three separated steps, as the `allowance-paid`
 * schema implies (reviewer, approver and payer are three different users):
 *
 * 1. review (审核, child-protection role): the child's category must be an allowance category;
 *    the allowance starts on the first day of a month (default: the month after the review);
 *    event `allowance-reviewed`;
 * 2. approval (审批, supervisor, not the reviewer): the amounts are computed from the 低保 version
 *    and the rule version in force (1.6 × 低保, R-E9) for every month to the day before the 18th
 *    birthday, each amount citing both version ids; event `allowance-determined` (APPROVED) with
 *    the whole schedule;
 * 3. payment (发放): a run pays one month for every ACTIVE allowance in a region that is due that
 *    month and not yet paid. Each payment is one write on the child (the month appended to
 *    `allowance.payments`, guarded by the record's version) carrying `allowance-paid`, so a month is
 *    never paid twice, however many runs overlap. The payer may be neither reviewer nor approver.
 */
import { randomUUID } from 'node:crypto';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { ServiceError } from '@minzheng/service-kit/errors';
import { guardianRef } from '../children/child.people.js';
import { payeeOf } from '../children/child.people.js';
import { childRef } from '../children/child.people.js';
import type { StoredAllowance, StoredChild, StoredPayment } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { allowanceLastDay, allowanceSchedule, dueFor, isAllowanceCategory, programOf } from '../domain/allowance.js';
import { assertFirstDayOfMonth, firstDayOfNextMonth } from '../domain/dates.js';
import { ChildError } from '../domain/errors.js';
import { envelope } from '../events.js';
import { allowanceDetermined, allowanceReviewed } from './allowance-events.js';

function requireVersion(child: StoredChild, version: number | undefined): void {
  if (version !== undefined && version !== child.version) {
    throw new ChildError('CHILD_CONCURRENT_CHANGE', `儿童档案已被他人修改 (${child._id} is at version ${child.version}, not ${version})`, { field: 'version', rule: 'the record must not have changed since it was read', version: child.version });
  }
}

export interface ReviewInput {
  readonly startDate?: string;
  readonly version?: number;
}

export async function reviewAllowance(deps: ChildDeps, principal: Principal, childId: string, input: ReviewInput): Promise<StoredChild> {
  const child = await deps.children.get(childId, principal.jurisdiction);
  requireVersion(child, input.version);
  const now = deps.now();
  const today = chinaToday(now);
  if (!isAllowanceCategory(child.category)) {
    throw new ChildError('CHILD_NOT_ELIGIBLE', `该类别儿童不享受基本生活费 (category ${child.category} receives no living allowance: orphans and 事实无人抚养 only)`, { field: 'category', rule: 'only INSTITUTIONAL_ORPHAN, SCATTERED_ORPHAN and DEFACTO_UNSUPPORTED children receive the allowance', category: child.category });
  }
  if (child.allowance !== null && child.allowance.status !== 'ENDED') {
    throw new ChildError('CHILD_ALLOWANCE_EXISTS', `已有在审或在保的基本生活费 (the child's allowance is ${child.allowance.status})`, { field: 'childId', rule: 'one allowance pending or in force per child', status: child.allowance.status });
  }
  const startDate = input.startDate ?? firstDayOfNextMonth(today);
  assertFirstDayOfMonth(startDate, 'startDate');
  const endDate = allowanceLastDay(child.birthDate);
  if (startDate > endDate) {
    throw new ChildError('CHILD_NOT_ELIGIBLE', `儿童在起始日前已满18周岁 (the child turns 18 before ${startDate})`, { field: 'startDate', rule: 'the allowance ends the day before the 18th birthday', endDate });
  }
  const allowance: StoredAllowance = {
    status: 'PENDING_APPROVAL',
    category: child.category,
    startDate,
    endDate,
    reviewerId: principal.subject,
    reviewedAt: now,
    approverId: null,
    approvedAt: null,
    schedule: [],
    recomputations: [],
    payments: [],
  };
  await deps.children.update(child._id, child.version, { $set: { allowance, allowanceStatus: allowance.status, updatedAt: now } }, [allowanceReviewed(deps, child, allowance, now)]);
  return deps.children.get(child._id, principal.jurisdiction);
}

export async function approveAllowance(deps: ChildDeps, principal: Principal, childId: string, input: { readonly version?: number }): Promise<StoredChild> {
  const child = await deps.children.get(childId, principal.jurisdiction);
  requireVersion(child, input.version);
  const allowance = child.allowance;
  if (allowance?.status !== 'PENDING_APPROVAL') {
    throw new ChildError('CHILD_ALLOWANCE_NOT_PENDING', `无待审批的基本生活费 (the child's allowance is ${allowance?.status ?? 'absent'})`, { field: 'childId', rule: 'an allowance must be reviewed before it is approved', status: allowance?.status ?? null });
  }
  if (allowance.reviewerId === principal.subject) {
    throw new ChildError('CHILD_SEPARATION_OF_DUTIES', '审核人不得审批同一基本生活费 (the reviewer may not approve the same allowance)', { field: 'approverId', rule: 'reviewer and approver must be different users', reviewerId: allowance.reviewerId });
  }
  const now = deps.now();
  const schedule = allowanceSchedule(await deps.dibao.versions(), deps.allowanceRules, child.regionCode, allowance.startDate, allowance.endDate);
  const first = schedule[0];
  const approved: StoredAllowance = { ...allowance, status: 'ACTIVE', approverId: principal.subject, approvedAt: now, schedule };
  const event = allowanceDetermined(deps, child, { kind: 'APPROVED', allowance: approved, effectiveDate: allowance.startDate, previousSchedule: null, actorId: principal.subject }, now);
  await deps.children.update(child._id, child.version, {
    $set: { 'allowance.status': 'ACTIVE', 'allowance.approverId': principal.subject, 'allowance.approvedAt': now, 'allowance.schedule': schedule, allowanceStatus: 'ACTIVE', updatedAt: now },
    $push: { 'allowance.recomputations': { at: now, cause: 'APPROVAL', fromAmountFen: null, toAmountFen: first?.amountFen ?? 0 } },
  }, [event]);
  return deps.children.get(child._id, principal.jurisdiction);
}

export interface RunInput {
  /** `YYYY-MM`, not after the current month. */
  readonly month: string;
  readonly regionCode?: string;
}

export interface RunFailure {
  readonly childId: string;
  readonly code: string;
  readonly message: string;
}

export interface RunResult {
  readonly runId: string;
  readonly month: string;
  readonly regionCode: string;
  readonly considered: number;
  readonly paid: number;
  readonly skipped: number;
  readonly totalFen: number;
  readonly failures: RunFailure[];
}

type Outcome = { kind: 'paid'; amountFen: number } | { kind: 'skipped' } | { kind: 'failed'; failure: RunFailure };

async function payOne(deps: ChildDeps, principal: Principal, runId: string, month: string, candidate: StoredChild, now: Date): Promise<Outcome> {
  let child = candidate;
  for (let attempt = 0; ; attempt += 1) {
    const allowance = child.allowance;
    if (allowance?.status !== 'ACTIVE' || allowance.payments.some((payment) => payment.month === month)) return { kind: 'skipped' };
    const due = dueFor(allowance.schedule, allowance.startDate, allowance.endDate, month);
    if (due === undefined) return { kind: 'skipped' };
    if (allowance.reviewerId === principal.subject || allowance.approverId === principal.subject) {
      return { kind: 'failed', failure: { childId: child._id, code: 'CHILD_SEPARATION_OF_DUTIES', message: '审核人、审批人不得发放同一基本生活费 (the reviewer or approver may not pay the same allowance)' } };
    }
    const payee = payeeOf(child);
    if (payee.guardian === null && payee.institutionId === null) {
      return { kind: 'failed', failure: { childId: child._id, code: 'CHILD_NOT_ELIGIBLE', message: '无可收款的监护人或机构 (no guardian able to receive the allowance and no institution: record a guardian or temporary guardianship first)' } };
    }
    const paymentId = `CPAY-${randomUUID()}`;
    const event = deps.publisher.prepare('child-protection.allowance-paid', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: paymentId, regionCode: child.regionCode, person: childRef(deps.keyring, child), correlationId: runId.slice('CRUN-'.length) }, now),
      paymentId,
      program: programOf(allowance.category),
      allowanceCategory: allowance.category,
      amountFen: due.amountFen,
      periodFrom: due.periodFrom,
      periodTo: due.periodTo,
      // The reference standard the amount was computed with: the 低保 version (the rule version is on the record).
      standardVersionId: due.dibaoVersionId,
      payee: payee.guardian === null ? null : guardianRef(deps.keyring, child, payee.guardian),
      payeeInstitutionId: payee.guardian === null ? payee.institutionId : null,
      payerId: principal.subject,
      reviewerId: allowance.reviewerId,
      approverId: allowance.approverId ?? '',
    });
    const paid: StoredPayment = { ...due, paymentId, payerId: principal.subject, payeePersonKey: payee.guardian?.personKey ?? null, payeeInstitutionId: payee.guardian === null ? payee.institutionId : null, runId, paidAt: now };
    try {
      await deps.children.update(child._id, child.version, { $push: { 'allowance.payments': paid }, $set: { updatedAt: now } }, [event]);
      return { kind: 'paid', amountFen: due.amountFen };
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'CHILD_CONCURRENT_CHANGE') || attempt > 2) throw error;
      child = await deps.children.get(child._id, child.regionCode);
    }
  }
}

/** Pays `month` for every ACTIVE allowance in the region (default: the caller's jurisdiction). */
export async function runAllowancePayments(deps: ChildDeps, principal: Principal, input: RunInput): Promise<RunResult> {
  const regionCode = input.regionCode ?? principal.jurisdiction;
  requireJurisdiction(principal, regionCode);
  const now = deps.now();
  const current = chinaToday(now).slice(0, 7);
  if (input.month > current) {
    throw new ChildError('CHILD_DATE_IN_FUTURE', `不能发放未来月份 (month ${input.month} is after the current month ${current})`, { field: 'month', rule: 'must not be after the current month', month: input.month });
  }
  assertFirstDayOfMonth(`${input.month}-01`, 'month');
  const runId = `CRUN-${randomUUID()}`;
  const totals = { considered: 0, paid: 0, skipped: 0, totalFen: 0, failures: [] as RunFailure[] };
  let afterId = '';
  for (;;) {
    const batch = await deps.children.withAllowance(regionCode, 'ACTIVE', afterId, 100);
    if (batch.length === 0) break;
    for (const child of batch) {
      totals.considered += 1;
      let outcome: Outcome;
      try {
        outcome = await payOne(deps, principal, runId, input.month, child, now);
      } catch (error) {
        const code = error instanceof ChildError || error instanceof ServiceError ? error.code : 'CHILD_PAYMENT_FAILED';
        outcome = { kind: 'failed', failure: { childId: child._id, code, message: error instanceof Error ? error.message : String(error) } };
      }
      if (outcome.kind === 'paid') {
        totals.paid += 1;
        totals.totalFen += outcome.amountFen;
      } else if (outcome.kind === 'skipped') totals.skipped += 1;
      else totals.failures.push(outcome.failure);
    }
    afterId = batch.at(-1)?._id ?? afterId;
  }
  return { runId, month: input.month, regionCode, ...totals };
}
