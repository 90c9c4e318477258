/**
 * 纳入保障 (enrolments): start from an approved application, change the monthly amount, end
 * (with gradual exit for 低保), and cut a gradual exit short. The rules are the domain's
 * (`domain/enrolment.ts`); each step is one single-document write carrying its event:
 *
 * | step | event |
 * |---|---|
 * | start | `assistance.enrolment-started` |
 * | change amount | `assistance.enrolment-changed` (AMOUNT_CHANGED, or STANDARD_REINDEXED when a recomputation moved to a new standard version) |
 * | end | `assistance.enrolment-ended` |
 * | shorten the gradual exit | `assistance.enrolment-ended` again, with the new gradual-exit end date (consumers keep the latest) |
 */
import { randomUUID } from 'node:crypto';
import type { EnrolmentChanged } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { dibaoGapPayment, tekunMonthlyAmount } from '../domain/dibao-payment.js';
import {
  ENROLMENT_PROGRAMS,
  amountOn,
  changeEnrolmentAmount,
  endEnrolment,
  shortenGradualExit,
  startEnrolment,
  type EndEnrolmentInput,
  type Enrolment,
  type EnrolmentEndReason,
  type EnrolmentProgram,
} from '../domain/enrolment.js';
import { AssistanceError, invalidInput } from '../domain/errors.js';
import { envelope } from '../events.js';
import { coveredMembers, headOf, headRef, personRef } from '../households/household.people.js';
import type { StoredHousehold } from '../households/household.schema.js';
import { toDomain, type SUPPORT_MODES, type StoredEnrolment } from '../enrolments/enrolment.schema.js';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import { compositionOf } from './applications.js';

const isEnrolmentProgram = (program: string): program is EnrolmentProgram => (ENROLMENT_PROGRAMS as readonly string[]).includes(program);

function stateOf(enrolment: Enrolment) {
  const { amounts, status, endDate, endReason, gradualExit } = enrolment;
  return { amounts, status, endDate, endReason, gradualExit };
}

/** The people a new or changed enrolment covers: 特困 is personal (the head), the others the household living together. */
function coveredOf(deps: AssistanceDeps, program: EnrolmentProgram, household: StoredHousehold) {
  const members = program === 'TEKUN' ? [headOf(household)] : coveredMembers(household);
  return members.map((member) => personRef(deps.keyring, household, member));
}

function alreadyEnrolled(householdId: string, program: string, existingId: string, cause?: unknown): AssistanceError {
  return new AssistanceError('ASSIST_ALREADY_ENROLLED', `该家庭已纳入${program}保障 (household ${householdId} already has enrolment ${existingId} in ${program})`, {
    field: 'applicationId',
    rule: 'one active enrolment per household and program, and one per application',
    existingEnrolmentId: existingId,
  }, cause === undefined ? undefined : { cause });
}

export interface StartInput {
  readonly applicationId: string;
  readonly supportMode?: (typeof SUPPORT_MODES)[number];
  readonly nextReviewDate?: string;
}

/** Starts the enrolment an approved (or paid) application decided, from the month after approval. */
export async function startFromApplication(deps: AssistanceDeps, principal: Principal, input: StartInput): Promise<StoredEnrolment> {
  const application = await deps.applications.get(input.applicationId, principal.jurisdiction);
  if (application.status !== 'APPROVED' && application.status !== 'PAID') {
    throw new AssistanceError('ASSIST_ILLEGAL_TRANSITION', `申请未获批准，不能纳入保障 (application ${application._id} is ${application.status}; an enrolment starts from an approved application)`, {
      field: 'applicationId',
      rule: 'an enrolment starts from an APPROVED or PAID application',
      from: application.status,
    });
  }
  const program = application.program;
  if (!isEnrolmentProgram(program)) throw invalidInput('applicationId', 'must be an application for DIBAO, LOW_INCOME, TEKUN or EXPENDITURE_HARDSHIP (temporary aid is one-off and has no enrolment)', { program });
  if (application.decidedAt === null) throw invalidInput('applicationId', 'must have a decision date');
  const id = `ENR-${application._id}`;
  const active = await deps.enrolments.activeOf(application.householdId, program);
  if (active !== null) throw alreadyEnrolled(application.householdId, program, active._id);
  const household = await deps.households.get(application.householdId, principal.jurisdiction);
  const now = deps.now();
  const enrolment = startEnrolment({
    id,
    program,
    householdId: household._id,
    applicationId: application._id,
    approvedOn: chinaToday(new Date(application.decidedAt)),
    monthlyAmountFen: application.determination?.monthlyAmountFen ?? null,
    standardVersionId: application.determination?.standardVersionId ?? null,
  });
  const event = deps.publisher.prepare('assistance.enrolment-started', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: household.regionCode, person: headRef(deps.keyring, household), householdId: household._id }, now),
    enrolmentId: id,
    program,
    applicationId: application._id,
    startDate: enrolment.startDate,
    coveredMembers: coveredOf(deps, program, household),
    monthlyAmountFen: enrolment.amounts[0]?.monthlyAmountFen ?? null,
    supportMode: input.supportMode ?? null,
    nextReviewDate: input.nextReviewDate ?? null,
    standardVersionId: enrolment.amounts[0]?.standardVersionId ?? null,
  });
  const { id: _id, ...fields } = enrolment;
  const stored: Omit<StoredEnrolment, 'outbox' | 'outboxPending'> = {
    ...fields,
    _id: id,
    regionCode: household.regionCode,
    townCode: household.townCode,
    payeePersonKey: headOf(household).personKey,
    reviewerId: application.reviewerId,
    approverId: application.approverId,
    supportMode: input.supportMode ?? null,
    nextReviewDate: input.nextReviewDate ?? null,
    payments: [],
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.enrolments.insert(stored, [event]);
  } catch (error) {
    if (isDuplicateKey(error)) throw alreadyEnrolled(household._id, program, id, error);
    throw error;
  }
  return { ...stored, outbox: [], outboxPending: true };
}

export interface AmountChangeInput {
  /** First day of a month. */
  readonly effectiveFrom: string;
  /** The new amount; absent: recomputed (低保, 特困) with the household and the standards in force on `effectiveFrom`. */
  readonly monthlyAmountFen?: number | null;
  readonly reason?: string;
  readonly version?: number;
}

/** The amount recomputed on `date`, or why it cannot be. */
function recompute(deps: AssistanceDeps, enrolment: StoredEnrolment, household: StoredHousehold, standards: Awaited<ReturnType<AssistanceDeps['standards']['versions']>>, date: string) {
  switch (enrolment.program) {
    case 'DIBAO': {
      const payment = dibaoGapPayment(standards, { household: compositionOf(household), regionCode: household.regionCode, date });
      if (!payment.belowStandard) {
        throw new AssistanceError('ASSIST_NOT_ELIGIBLE', `家庭人均收入不再低于低保标准，请办理退出（可设渐退期） (per-capita income ${payment.perCapitaIncomeFen} fen is not below the standard of ${payment.monthlyStandardFen} fen: end the enrolment, with a gradual exit if due)`, {
          field: 'effectiveFrom',
          rule: '低保 needs per-capita income below the standard (R-E1)',
          perCapitaIncomeFen: payment.perCapitaIncomeFen,
          standardFen: payment.monthlyStandardFen,
          standardVersionId: payment.standardVersionId,
        });
      }
      return { monthlyAmountFen: payment.monthlyAmountFen, standardVersionId: payment.standardVersionId };
    }
    case 'TEKUN':
      return tekunMonthlyAmount(standards, household.regionCode, date);
    default:
      throw invalidInput('monthlyAmountFen', `is required for ${enrolment.program} enrolments (only DIBAO and TEKUN amounts are recomputed)`);
  }
}

export async function changeAmount(deps: AssistanceDeps, principal: Principal, id: string, input: AmountChangeInput): Promise<StoredEnrolment> {
  const stored = await deps.enrolments.get(id, principal.jurisdiction);
  const household = await deps.households.get(stored.householdId, principal.jurisdiction);
  const previous = amountOn(toDomain(stored), input.effectiveFrom) ?? stored.amounts.at(-1);
  const explicit = input.monthlyAmountFen !== undefined;
  const amount = explicit
    ? { monthlyAmountFen: input.monthlyAmountFen ?? null, standardVersionId: previous?.standardVersionId ?? null }
    : recompute(deps, stored, household, await deps.standards.versions(), input.effectiveFrom);
  const next = changeEnrolmentAmount(toDomain(stored), { effectiveFrom: input.effectiveFrom, ...amount });
  const changeKind: EnrolmentChanged['changeKind'] = !explicit && amount.standardVersionId !== (previous?.standardVersionId ?? null) ? 'STANDARD_REINDEXED' : 'AMOUNT_CHANGED';
  const now = deps.now();
  const event = deps.publisher.prepare('assistance.enrolment-changed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: stored.regionCode, person: headRef(deps.keyring, household), householdId: stored.householdId }, now),
    enrolmentId: id,
    program: stored.program,
    changeKind,
    effectiveFrom: input.effectiveFrom,
    previousMonthlyAmountFen: previous?.monthlyAmountFen ?? null,
    newMonthlyAmountFen: amount.monthlyAmountFen,
    coveredMembers: coveredOf(deps, stored.program, household),
    standardVersionId: amount.standardVersionId,
    reason: input.reason ?? null,
  });
  return write(deps, stored, next, input.version, now, [event]);
}

async function write(deps: AssistanceDeps, stored: StoredEnrolment, next: Enrolment, version: number | undefined, now: Date, events: Parameters<AssistanceDeps['enrolments']['update']>[3]): Promise<StoredEnrolment> {
  const updated = { ...stateOf(next), updatedAt: now };
  await deps.enrolments.update(stored._id, version ?? stored.version, { $set: updated }, events);
  return { ...stored, ...updated, version: stored.version + 1 };
}

function endedEvent(deps: AssistanceDeps, stored: StoredEnrolment, household: StoredHousehold, next: Enrolment, now: Date, note: string | null) {
  if (next.endDate === null || next.endReason === null) throw new Error('ended enrolment without end date or reason');
  return deps.publisher.prepare('assistance.enrolment-ended', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: stored._id, regionCode: stored.regionCode, person: headRef(deps.keyring, household), householdId: stored.householdId }, now),
    enrolmentId: stored._id,
    program: stored.program,
    endReason: next.endReason,
    endDate: next.endDate,
    gradualExitEndDate: next.gradualExit?.endDate ?? null,
    gradualExitMonthlyAmountFen: next.gradualExit?.monthlyAmountFen ?? null,
    note,
  });
}

export interface EndInput extends EndEnrolmentInput {
  readonly note?: string;
  readonly version?: number;
}

export async function end(deps: AssistanceDeps, principal: Principal, id: string, input: EndInput): Promise<StoredEnrolment> {
  const stored = await deps.enrolments.get(id, principal.jurisdiction);
  const household = await deps.households.get(stored.householdId, principal.jurisdiction);
  const next = endEnrolment(toDomain(stored), { endDate: input.endDate, reason: input.reason, ...(input.gradualExit === undefined ? {} : { gradualExit: input.gradualExit }) });
  const now = deps.now();
  return write(deps, stored, next, input.version, now, [endedEvent(deps, stored, household, next, now, input.note ?? null)]);
}

export interface ShortenInput {
  readonly endDate: string;
  readonly reason: EnrolmentEndReason;
  readonly note?: string;
  readonly version?: number;
}

export async function shorten(deps: AssistanceDeps, principal: Principal, id: string, input: ShortenInput): Promise<StoredEnrolment> {
  const stored = await deps.enrolments.get(id, principal.jurisdiction);
  const household = await deps.households.get(stored.householdId, principal.jurisdiction);
  const next = shortenGradualExit(toDomain(stored), { endDate: input.endDate, reason: input.reason });
  const now = deps.now();
  const note = `渐退期提前结束 (gradual exit cut short: ${input.reason})${input.note === undefined ? '' : `: ${input.note}`}`;
  return write(deps, stored, next, input.version, now, [endedEvent(deps, stored, household, next, now, note)]);
}
