/**
 * 救助申请: submit → review → approve/reject → pay (and withdraw), with the domain's transition
 * table and separation of duties (`domain/application-workflow.ts`). Each step is one
 * single-document write that also carries the step's events in the outbox:
 *
 * | step | event |
 * |---|---|
 * | submit | `assistance.application-submitted` |
 * | review | `assistance.application-reviewed` (reviewer and note; the review is also kept in the application's history) |
 * | approve / reject / withdraw | `assistance.application-decided` (withdraw: decision OTHER, reason WITHDRAWN) |
 * | pay | `assistance.payment-issued` |
 *
 * Amounts are determined at approval with the standards in force that day, and the determination
 * records the standard version it used.
 */
import { randomUUID } from 'node:crypto';
import type { ApplicationDecided, PersonRef } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { submitApplication, transition, type Application, type ApplicationAction, type RejectionReason } from '../domain/application-workflow.js';
import { checkTemporaryAidAmount, dibaoGapPayment, tekunMonthlyAmount, type TemporaryAidGrade, type TemporaryAidType } from '../domain/dibao-payment.js';
import { assessHouseholdIncome } from '../domain/eligibility.js';
import { AssistanceError } from '../domain/errors.js';
import type { HouseholdComposition } from '../domain/household.js';
import type { AssistanceProgram, StandardVersion } from '../domain/standards.js';
import { envelope } from '../events.js';
import type { CHANNELS, Determination, StoredApplication } from '../applications/application.schema.js';
import type { StoredHousehold } from '../households/household.schema.js';
import { seal } from '../protect.js';
import { headRef as headPerson } from '../households/household.people.js';

export interface SubmitInput {
  readonly householdId: string;
  readonly program: AssistanceProgram;
  readonly channel: (typeof CHANNELS)[number];
  readonly reason?: string;
  readonly temporaryAidType?: TemporaryAidType;
  readonly temporaryAidGrade?: TemporaryAidGrade;
  readonly aidFirst?: boolean;
  readonly originFlagId?: string;
}

const applicationContext = (id: string, field: 'reason' | 'reviewNote' | 'decisionNote'): string => `application|${id}|${field}`;

/** The household as the domain sees it (pseudonyms, relations, incomes, dates). */
export function compositionOf(household: StoredHousehold): HouseholdComposition {
  return {
    householdId: household._id,
    revision: household.version - 1,
    recordedFrom: household.members.reduce((latest, member) => (member.fromDate > latest ? member.fromDate : latest), '0000-01-01'),
    members: household.members.map((member) => ({
      personKey: member.personKey,
      relationToHead: member.relationToHead,
      livingTogether: member.livingTogether,
      labourCapacity: member.labourCapacity,
      monthlyIncomeFen: member.monthlyIncomeFen,
      fromDate: member.fromDate,
      toDate: member.toDate,
    })),
  };
}

const headRef = (deps: AssistanceDeps, household: StoredHousehold): PersonRef => headPerson(deps.keyring, household);

const toDomain = (stored: StoredApplication): Application => ({ ...stored, id: stored._id });

function domainFields(application: Application): Omit<Application, 'id'> {
  const { id: _id, ...rest } = application;
  return rest;
}

/** The fields a transition changes (never the id, the version or the outbox). */
function stateOf(application: Application) {
  const { status, reviewPending, reviewerId, reviewedAt, approverId, decidedAt, rejectionReason, payerId, paidAt, withdrawnAt, history } = application;
  return { status, reviewPending, reviewerId, reviewedAt, approverId, decidedAt, rejectionReason, payerId, paidAt, withdrawnAt, history };
}

export async function submit(deps: AssistanceDeps, principal: Principal, input: SubmitInput): Promise<StoredApplication> {
  const household = await deps.households.get(input.householdId, principal.jurisdiction);
  const now = deps.now();
  const id = `APP-${randomUUID()}`;
  const application = submitApplication({
    id,
    program: input.program,
    householdId: household._id,
    submitterId: principal.subject,
    submittedAt: now.toISOString(),
    aidFirst: input.aidFirst ?? false,
    temporaryAidType: input.temporaryAidType ?? null,
    temporaryAidGrade: input.temporaryAidGrade ?? null,
  });
  const active = household.members.filter((member) => member.toDate === null);
  const declaredMonthlyIncomeFen = active.reduce((sum, member) => sum + member.monthlyIncomeFen, 0);
  const head = headRef(deps, household);
  const event = deps.publisher.prepare('assistance.application-submitted', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: household.regionCode, person: head, householdId: household._id }, now),
    applicationId: id,
    program: input.program,
    channel: input.channel,
    householdSize: active.length,
    declaredMonthlyIncomeFen,
    originFlagId: input.originFlagId ?? null,
    reason: input.reason ?? null,
  });
  const stored: Omit<StoredApplication, 'outbox' | 'outboxPending'> = {
    ...domainFields(application),
    _id: id,
    regionCode: household.regionCode,
    townCode: household.townCode,
    channel: input.channel,
    applicantPersonKey: head.personKey,
    reason: input.reason === undefined ? null : seal(deps.keyring, input.reason, applicationContext(id, 'reason')),
    reviewNote: null,
    decisionNote: null,
    declaredMonthlyIncomeFen,
    householdSize: active.length,
    originFlagId: input.originFlagId ?? null,
    determination: null,
    paymentId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await deps.applications.insert(stored, [event]);
  return { ...stored, outbox: [], outboxPending: true };
}

export interface StepInput {
  readonly note?: string;
  /** The version the caller last saw (optimistic concurrency); the current one when absent. */
  readonly version?: number;
}

/** Applies a transition and writes it; `extra` adds fields and events computed from the new state. */
async function step(
  deps: AssistanceDeps,
  principal: Principal,
  id: string,
  /** The action, or how to choose it from the stored application. */
  action: ApplicationAction | ((stored: StoredApplication) => ApplicationAction),
  input: StepInput,
  extra: (next: Application, stored: StoredApplication, now: Date) => Promise<{ fields?: Partial<StoredApplication>; events?: Parameters<AssistanceDeps['applications']['update']>[3] }> | { fields?: Partial<StoredApplication>; events?: Parameters<AssistanceDeps['applications']['update']>[3] },
): Promise<StoredApplication> {
  const stored = await deps.applications.get(id, principal.jurisdiction);
  const now = deps.now();
  const next = transition(toDomain(stored), typeof action === 'function' ? action(stored) : action, principal.subject, now.toISOString());
  const { fields = {}, events = [] } = await extra(next, stored, now);
  const updated = { ...stateOf(next), ...fields, updatedAt: now };
  await deps.applications.update(id, input.version ?? stored.version, { $set: updated }, events);
  return { ...stored, ...updated, version: stored.version + 1 };
}

/** 审核; after an aid-first approval (先行救助) the same route completes the review that is still due. */
export function review(deps: AssistanceDeps, principal: Principal, id: string, input: StepInput): Promise<StoredApplication> {
  return step(deps, principal, id, (stored) => ({ type: stored.reviewPending ? 'COMPLETE_REVIEW' : 'REVIEW' }), input, async (next, stored, now) => {
    const household = await deps.households.get(stored.householdId, principal.jurisdiction);
    return {
      fields: { reviewNote: input.note === undefined ? null : seal(deps.keyring, input.note, applicationContext(id, 'reviewNote')) },
      events: [reviewedEvent(deps, next, stored, household, now, input.note ?? null)],
    };
  });
}

/** `assistance.application-reviewed`: who reviewed, at which stage (before the decision, or after an aid-first approval). */
function reviewedEvent(deps: AssistanceDeps, next: Application, stored: StoredApplication, household: StoredHousehold, now: Date, note: string | null) {
  const last = next.history.at(-1);
  return deps.publisher.prepare('assistance.application-reviewed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: stored._id, regionCode: stored.regionCode, person: headRef(deps, household), householdId: stored.householdId }, now),
    applicationId: stored._id,
    program: stored.program,
    reviewStage: last?.action === 'COMPLETE_REVIEW' ? 'AFTER_AID_FIRST' : 'BEFORE_DECISION',
    aidFirst: next.aidFirst,
    reviewerId: next.reviewerId ?? last?.actorId ?? '',
    reviewNote: note,
  });
}

export interface DecisionInput extends StepInput {
  readonly decision: 'APPROVED' | 'REJECTED';
  readonly rejectionReason?: RejectionReason;
  /** 临时救助: the one-off amount for the case. */
  readonly oneOffAmountFen?: number;
}

/** What the household gets, with the standards in force on `date`. */
function determine(standards: readonly StandardVersion[], application: Application, household: StoredHousehold, date: string, oneOffAmountFen: number | undefined): Determination {
  const composition = compositionOf(household);
  const regionCode = household.regionCode;
  const none: Determination = { monthlyAmountFen: null, oneOffAmountFen: null, perCapitaIncomeFen: null, coveredPersonCount: null, standardVersionId: null, effectiveFrom: date };
  switch (application.program) {
    case 'DIBAO': {
      const payment = dibaoGapPayment(standards, { household: composition, regionCode, date });
      if (!payment.belowStandard) {
        throw new AssistanceError('ASSIST_NOT_ELIGIBLE', `家庭人均收入不低于低保标准 (per-capita income ${payment.perCapitaIncomeFen} fen is not below the 低保 standard of ${payment.monthlyStandardFen} fen)`, {
          field: 'decision',
          rule: '低保 needs per-capita income below the standard (R-E1)',
          perCapitaIncomeFen: payment.perCapitaIncomeFen,
          standardFen: payment.monthlyStandardFen,
          standardVersionId: payment.standardVersionId,
        });
      }
      return { ...none, monthlyAmountFen: payment.monthlyAmountFen, perCapitaIncomeFen: payment.perCapitaIncomeFen, coveredPersonCount: payment.coveredPersonKeys.length, standardVersionId: payment.standardVersionId };
    }
    case 'LOW_INCOME': {
      const assessed = assessHouseholdIncome(standards, { household: composition, regionCode, date });
      if (assessed.band !== 'LOW_INCOME') {
        throw new AssistanceError('ASSIST_NOT_ELIGIBLE', `家庭人均收入不在低收入区间 (per-capita income ${assessed.perCapitaIncomeFen} fen is in band ${assessed.band})`, {
          field: 'decision',
          rule: 'low-income status needs the 低保 standard ≤ per-capita income ≤ the upper limit (R-E2)',
          perCapitaIncomeFen: assessed.perCapitaIncomeFen,
          band: assessed.band,
        });
      }
      return { ...none, perCapitaIncomeFen: assessed.perCapitaIncomeFen, coveredPersonCount: assessed.countedPersonKeys.length, standardVersionId: assessed.lowIncomeStandardVersionId };
    }
    case 'TEKUN': {
      const amount = tekunMonthlyAmount(standards, regionCode, date);
      return { ...none, monthlyAmountFen: amount.monthlyAmountFen, coveredPersonCount: 1, standardVersionId: amount.standardVersionId };
    }
    case 'TEMPORARY_AID': {
      if (oneOffAmountFen === undefined || application.temporaryAidType === null || application.temporaryAidGrade === null) {
        throw new AssistanceError('ASSIST_INVALID_INPUT', 'oneOffAmountFen: 临时救助须给出救助金额 (temporary aid needs oneOffAmountFen)', { field: 'oneOffAmountFen', rule: 'is required to approve temporary aid' });
      }
      const checked = checkTemporaryAidAmount(standards, { regionCode, date, type: application.temporaryAidType, grade: application.temporaryAidGrade, grantingLevel: 'TOWN', amountFen: oneOffAmountFen });
      return { ...none, oneOffAmountFen: checked.amountFen, standardVersionId: checked.dibaoStandardVersionId ?? checked.temporaryAidStandardVersionId };
    }
    case 'EXPENDITURE_HARDSHIP':
      return none;
  }
}

export async function decide(deps: AssistanceDeps, principal: Principal, id: string, input: DecisionInput): Promise<StoredApplication> {
  const action: ApplicationAction = input.decision === 'APPROVED' ? { type: 'APPROVE' } : { type: 'REJECT', reason: input.rejectionReason ?? 'OTHER' };
  return step(deps, principal, id, action, input, async (next, stored, now) => {
    const household = await deps.households.get(stored.householdId, principal.jurisdiction);
    const determination = input.decision === 'APPROVED' ? determine(await deps.standards.versions(), next, household, chinaToday(now), input.oneOffAmountFen) : null;
    const event = decidedEvent(deps, next, stored, household, now, { decision: input.decision, rejectionReason: input.decision === 'REJECTED' ? input.rejectionReason ?? 'OTHER' : null, determination, note: input.note ?? null });
    return {
      fields: { determination, decisionNote: input.note === undefined ? null : seal(deps.keyring, input.note, applicationContext(id, 'decisionNote')) },
      events: [event],
    };
  });
}

export function withdraw(deps: AssistanceDeps, principal: Principal, id: string, input: StepInput): Promise<StoredApplication> {
  return step(deps, principal, id, { type: 'WITHDRAW' }, input, async (next, stored, now) => {
    const household = await deps.households.get(stored.householdId, principal.jurisdiction);
    return { events: [decidedEvent(deps, next, stored, household, now, { decision: 'OTHER', rejectionReason: 'WITHDRAWN', determination: null, note: input.note ?? null })] };
  });
}

function decidedEvent(
  deps: AssistanceDeps,
  next: Application,
  stored: StoredApplication,
  household: StoredHousehold,
  now: Date,
  outcome: { decision: ApplicationDecided['decision']; rejectionReason: ApplicationDecided['rejectionReason']; determination: Determination | null; note: string | null },
) {
  const { determination } = outcome;
  return deps.publisher.prepare('assistance.application-decided', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: stored._id, regionCode: stored.regionCode, person: headRef(deps, household), householdId: stored.householdId }, now),
    applicationId: stored._id,
    program: stored.program,
    decision: outcome.decision,
    rejectionReason: outcome.rejectionReason,
    temporaryAidType: next.temporaryAidType,
    temporaryAidGrade: next.temporaryAidGrade,
    aidFirst: next.aidFirst,
    householdIncomePerCapitaFen: determination?.perCapitaIncomeFen ?? null,
    coveredPersonCount: determination?.coveredPersonCount ?? null,
    monthlyAmountFen: determination?.monthlyAmountFen ?? null,
    oneOffAmountFen: determination?.oneOffAmountFen ?? null,
    effectiveFrom: determination?.effectiveFrom ?? null,
    standardVersionId: determination?.standardVersionId ?? null,
    // Aid first (先行救助): approved before the review; the reviewer is recorded later.
    reviewerId: next.reviewerId ?? '',
    approverId: next.approverId ?? next.history.at(-1)?.actorId ?? '',
    decisionNote: outcome.note,
  });
}

/** The calendar month containing `date`: first and last day. */
function monthOf(date: string): { from: string; to: string } {
  const [year, month] = date.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `${String(year)}-${mm}-01`, to: `${String(year)}-${mm}-${String(last).padStart(2, '0')}` };
}

export function pay(deps: AssistanceDeps, principal: Principal, id: string, input: StepInput): Promise<StoredApplication> {
  return step(deps, principal, id, { type: 'PAY' }, input, async (next, stored, now) => {
    const household = await deps.households.get(stored.householdId, principal.jurisdiction);
    const determination = stored.determination;
    const amountFen = determination?.oneOffAmountFen ?? determination?.monthlyAmountFen ?? null;
    if (amountFen === null || amountFen <= 0) {
      throw new AssistanceError('ASSIST_NOTHING_TO_PAY', '该申请没有应发金额 (the decision set no amount to pay; low-income status and expenditure-hardship recognition are not cash benefits here)', { field: 'determination', rule: 'an amount must have been determined at approval' });
    }
    const today = chinaToday(now);
    const period = determination?.oneOffAmountFen === null || determination?.oneOffAmountFen === undefined ? monthOf(today) : { from: today, to: today };
    const paymentId = `PAY-${randomUUID()}`;
    const event = deps.publisher.prepare('assistance.payment-issued', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: paymentId, regionCode: stored.regionCode, person: headRef(deps, household), householdId: stored.householdId }, now),
      paymentId,
      program: stored.program,
      enrolmentId: null,
      applicationId: stored._id,
      paymentKind: determination?.oneOffAmountFen === null || determination?.oneOffAmountFen === undefined ? 'REGULAR' : 'ONE_OFF',
      amountFen,
      periodFrom: period.from,
      periodTo: period.to,
      payee: headRef(deps, household),
      payerId: principal.subject,
      reviewerId: next.reviewerId ?? '',
      approverId: next.approverId ?? '',
      standardVersionId: determination?.standardVersionId ?? null,
    });
    return { fields: { paymentId }, events: [event] };
  });
}
