/**
 * The application (救助申请) status machine with separation of duties (DOMAIN.md §5:
 * 审核审批分离、审批和发放分离; R-E7 先行救助).
 *
 * Normal path: SUBMITTED → REVIEWED (审核) → APPROVED | REJECTED (审批) → PAID (发放, after APPROVED).
 * - REJECT only from REVIEWED: a refusal is a decision (审批) and, like an approval, needs a
 *   completed review by someone else first, so no single person can turn an application away.
 *   Incomplete materials are found at review and refused by the approver (INCOMPLETE_MATERIALS).
 * - WITHDRAW (申请人撤回) from SUBMITTED or REVIEWED, by anyone recording it (no role check); it
 *   sets `rejectionReason` to WITHDRAWN, the wire's code for a withdrawal.
 * - Aid first (R-E7, `aidFirst = true`, only 急难型 temporary aid): APPROVE straight from
 *   SUBMITTED, with `reviewPending = true`; PAY may follow; COMPLETE_REVIEW records the review
 *   afterwards (status stays APPROVED or PAID, `reviewPending` becomes false). The normal REVIEW
 *   from SUBMITTED is still open to an aid-first application.
 *
 * Separation of duties, for one application (same actor id in two roles → ASSIST_SEPARATION_OF_DUTIES):
 * - REVIEWER ≠ APPROVER, APPROVER ≠ PAYER, REVIEWER ≠ PAYER (three different users);
 * - SUBMITTER ≠ APPROVER and SUBMITTER ≠ PAYER: the caseworker who took in the application may
 *   not decide it or pay it. The submitter MAY review it (受理 and 审核 are both done by the
 *   镇街 office; the seeds separate review from approval and approval from payment only).
 * The approver role is held by whoever APPROVES or REJECTS. Checks apply in both orders, so in the
 * aid-first path the later reviewer must differ from the approver and the payer.
 */
import type { RejectionReason, TemporaryAidGrade, TemporaryAidType } from '@minzheng/contracts';
import { instantMillis } from './dates.js';
import { AssistanceError, assertNonEmpty, assertOneOf, invalidInput } from './errors.js';
import { ASSISTANCE_PROGRAMS, type AssistanceProgram } from './standards.js';
import { TEMPORARY_AID_GRADES, TEMPORARY_AID_TYPES } from './dibao-payment.js';

/** Application statuses (申请状态). */
export const APPLICATION_STATUSES = ['SUBMITTED', 'REVIEWED', 'APPROVED', 'REJECTED', 'PAID', 'WITHDRAWN'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Workflow actions: 审核 REVIEW, 审批 APPROVE/REJECT, 发放 PAY, 撤回 WITHDRAW, 补审 COMPLETE_REVIEW (aid first). */
export const APPLICATION_ACTIONS = ['REVIEW', 'APPROVE', 'REJECT', 'PAY', 'WITHDRAW', 'COMPLETE_REVIEW'] as const;
export type ApplicationActionType = (typeof APPLICATION_ACTIONS)[number];

/** 不予批准原因, as on the wire (`mz.assistance` RejectionReason). */
export const REJECTION_REASONS = [
  'INCOME_ABOVE_THRESHOLD',
  'ASSETS_ABOVE_LIMIT',
  'NOT_RESIDENT',
  'INCOMPLETE_MATERIALS',
  'NOT_IN_SCOPE',
  'WITHDRAWN',
  'OTHER',
] as const satisfies readonly RejectionReason[];
export type { RejectionReason };

export type ApplicationAction =
  | { readonly type: 'REVIEW' }
  | { readonly type: 'APPROVE' }
  | { readonly type: 'REJECT'; readonly reason: RejectionReason }
  | { readonly type: 'PAY' }
  | { readonly type: 'WITHDRAW' }
  | { readonly type: 'COMPLETE_REVIEW' };

/** The roles of one application that separation of duties keeps apart. */
export type DutyRole = 'SUBMITTER' | 'REVIEWER' | 'APPROVER' | 'PAYER';

/** Pairs of roles one user may not both hold on one application. */
export const SEPARATED_ROLES: readonly (readonly [DutyRole, DutyRole])[] = [
  ['REVIEWER', 'APPROVER'],
  ['APPROVER', 'PAYER'],
  ['REVIEWER', 'PAYER'],
  ['SUBMITTER', 'APPROVER'],
  ['SUBMITTER', 'PAYER'],
];

/** One row of the transition table. */
export interface ApplicationTransition {
  readonly from: ApplicationStatus;
  readonly action: ApplicationActionType;
  readonly to: ApplicationStatus;
  /** The role the actor takes by doing it (null: no role, no separation check). */
  readonly role: DutyRole | null;
  /** Only when `aidFirst` is true (R-E7). */
  readonly aidFirstOnly: boolean;
  /** Only while the review of an aid-first application is still pending. */
  readonly reviewPendingOnly: boolean;
}

/** Every allowed transition; anything else is `ASSIST_ILLEGAL_TRANSITION`. */
export const APPLICATION_TRANSITIONS: readonly ApplicationTransition[] = [
  { from: 'SUBMITTED', action: 'REVIEW', to: 'REVIEWED', role: 'REVIEWER', aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'SUBMITTED', action: 'APPROVE', to: 'APPROVED', role: 'APPROVER', aidFirstOnly: true, reviewPendingOnly: false },
  { from: 'SUBMITTED', action: 'WITHDRAW', to: 'WITHDRAWN', role: null, aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'REVIEWED', action: 'APPROVE', to: 'APPROVED', role: 'APPROVER', aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'REVIEWED', action: 'REJECT', to: 'REJECTED', role: 'APPROVER', aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'REVIEWED', action: 'WITHDRAW', to: 'WITHDRAWN', role: null, aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'APPROVED', action: 'PAY', to: 'PAID', role: 'PAYER', aidFirstOnly: false, reviewPendingOnly: false },
  { from: 'APPROVED', action: 'COMPLETE_REVIEW', to: 'APPROVED', role: 'REVIEWER', aidFirstOnly: true, reviewPendingOnly: true },
  { from: 'PAID', action: 'COMPLETE_REVIEW', to: 'PAID', role: 'REVIEWER', aidFirstOnly: true, reviewPendingOnly: true },
];

/** One step taken, in order. */
export interface ApplicationHistoryEntry {
  readonly action: ApplicationActionType;
  readonly from: ApplicationStatus;
  readonly to: ApplicationStatus;
  readonly actorId: string;
  /** ISO-8601 instant with offset. */
  readonly at: string;
}

export interface Application {
  readonly id: string;
  readonly program: AssistanceProgram;
  readonly householdId: string;
  /** 先行救助 (R-E7); only for 急难型 temporary aid. */
  readonly aidFirst: boolean;
  /** Set for TEMPORARY_AID, null otherwise. */
  readonly temporaryAidType: TemporaryAidType | null;
  readonly temporaryAidGrade: TemporaryAidGrade | null;
  readonly status: ApplicationStatus;
  /** True after an aid-first approval until COMPLETE_REVIEW. */
  readonly reviewPending: boolean;
  readonly submitterId: string;
  readonly submittedAt: string;
  readonly reviewerId: string | null;
  readonly reviewedAt: string | null;
  /** Who approved or rejected (审批人). */
  readonly approverId: string | null;
  readonly decidedAt: string | null;
  readonly rejectionReason: RejectionReason | null;
  readonly payerId: string | null;
  readonly paidAt: string | null;
  readonly withdrawnAt: string | null;
  readonly history: readonly ApplicationHistoryEntry[];
}

export interface SubmitApplicationInput {
  readonly id: string;
  readonly program: AssistanceProgram;
  readonly householdId: string;
  readonly submitterId: string;
  readonly submittedAt: string;
  readonly aidFirst?: boolean;
  readonly temporaryAidType?: TemporaryAidType | null;
  readonly temporaryAidGrade?: TemporaryAidGrade | null;
}

/**
 * A new application in SUBMITTED. TEMPORARY_AID needs a type and a grade (other programs none);
 * `aidFirst` is allowed only for EMERGENCY temporary aid (R-E7) → `ASSIST_INVALID_INPUT` otherwise.
 */
export function submitApplication(input: SubmitApplicationInput): Application {
  assertNonEmpty(input.id, 'id');
  assertOneOf(input.program, ASSISTANCE_PROGRAMS, 'program');
  assertNonEmpty(input.householdId, 'householdId');
  assertNonEmpty(input.submitterId, 'submitterId');
  instantMillis(input.submittedAt, 'submittedAt');
  const aidFirst = input.aidFirst ?? false;
  const type = input.temporaryAidType ?? null;
  const grade = input.temporaryAidGrade ?? null;
  if (input.program === 'TEMPORARY_AID') {
    if (type === null) throw invalidInput('temporaryAidType', 'is required for TEMPORARY_AID');
    if (grade === null) throw invalidInput('temporaryAidGrade', 'is required for TEMPORARY_AID');
    assertOneOf(type, TEMPORARY_AID_TYPES, 'temporaryAidType');
    assertOneOf(grade, TEMPORARY_AID_GRADES, 'temporaryAidGrade');
  } else if (type !== null || grade !== null) {
    throw invalidInput(type === null ? 'temporaryAidGrade' : 'temporaryAidType', 'is only for TEMPORARY_AID');
  }
  if (aidFirst && (input.program !== 'TEMPORARY_AID' || type !== 'EMERGENCY')) {
    throw invalidInput('aidFirst', 'is only for EMERGENCY temporary aid (先行救助, R-E7)');
  }
  return {
    id: input.id,
    program: input.program,
    householdId: input.householdId,
    aidFirst,
    temporaryAidType: type,
    temporaryAidGrade: grade,
    status: 'SUBMITTED',
    reviewPending: false,
    submitterId: input.submitterId,
    submittedAt: input.submittedAt,
    reviewerId: null,
    reviewedAt: null,
    approverId: null,
    decidedAt: null,
    rejectionReason: null,
    payerId: null,
    paidAt: null,
    withdrawnAt: null,
    history: [],
  };
}

function transitionsFor(application: Application): ApplicationTransition[] {
  return APPLICATION_TRANSITIONS.filter(
    (row) =>
      row.from === application.status &&
      (!row.aidFirstOnly || application.aidFirst) &&
      (!row.reviewPendingOnly || application.reviewPending),
  );
}

/** The actions allowed from the application's current state. */
export function allowedActions(application: Application): ApplicationActionType[] {
  return transitionsFor(application).map((row) => row.action);
}

/** The users holding each role so far. */
function roleHolders(application: Application): Partial<Record<DutyRole, string>> {
  const holders: Partial<Record<DutyRole, string>> = { SUBMITTER: application.submitterId };
  if (application.reviewerId !== null) holders.REVIEWER = application.reviewerId;
  if (application.approverId !== null) holders.APPROVER = application.approverId;
  if (application.payerId !== null) holders.PAYER = application.payerId;
  return holders;
}

function assertSeparation(application: Application, role: DutyRole, actorId: string): void {
  const holders = roleHolders(application);
  for (const [a, b] of SEPARATED_ROLES) {
    const other = a === role ? b : b === role ? a : undefined;
    if (other !== undefined && holders[other] === actorId) {
      throw new AssistanceError('ASSIST_SEPARATION_OF_DUTIES', `违反职责分离 (user ${actorId} is already the ${other} of application ${application.id} and may not also be its ${role})`, {
        field: 'actorId',
        rule: `the ${a} and the ${b} of one application must be different users`,
        roles: [other, role],
        actorId,
        applicationId: application.id,
      });
    }
  }
}

/**
 * Applies `action` by `actorId` at instant `at` and returns the new application (the input is not
 * changed). Throws `ASSIST_ILLEGAL_TRANSITION` (details: from, action, allowedActions) when the
 * action is not allowed from the current state, `ASSIST_SEPARATION_OF_DUTIES` (details: roles)
 * when the actor already holds a role kept apart from the one the action gives, `ASSIST_DATE_ORDER`
 * when `at` is before the previous step, `ASSIST_INVALID_INPUT` for a rejection reason of
 * WITHDRAWN (use the WITHDRAW action).
 */
export function transition(application: Application, action: ApplicationAction, actorId: string, at: string): Application {
  assertOneOf(action.type, APPLICATION_ACTIONS, 'action.type');
  assertNonEmpty(actorId, 'actorId');
  const atMillis = instantMillis(at, 'at');
  const row = transitionsFor(application).find((candidate) => candidate.action === action.type);
  if (row === undefined) {
    const allowed = allowedActions(application);
    throw new AssistanceError(
      'ASSIST_ILLEGAL_TRANSITION',
      `当前状态不允许该操作 (${action.type} is not allowed for application ${application.id} in status ${application.status}${application.aidFirst ? ', aid first' : ''}; allowed: ${allowed.join(', ') || 'none'})`,
      {
        field: 'status',
        rule: 'the action must be allowed from the current status (see APPLICATION_TRANSITIONS)',
        from: application.status,
        action: action.type,
        allowedActions: allowed,
        aidFirst: application.aidFirst,
        reviewPending: application.reviewPending,
      },
    );
  }
  const previousAt = application.history.at(-1)?.at ?? application.submittedAt;
  if (atMillis < instantMillis(previousAt, 'previous step')) {
    throw new AssistanceError('ASSIST_DATE_ORDER', `操作时间早于上一步 (at ${at} is before the previous step at ${previousAt})`, {
      field: 'at',
      rule: 'a step may not be dated before the previous step',
      from: previousAt,
      to: at,
    });
  }
  if (row.role !== null) assertSeparation(application, row.role, actorId);

  const entry: ApplicationHistoryEntry = { action: action.type, from: application.status, to: row.to, actorId, at };
  const next: Application = { ...application, status: row.to, history: [...application.history, entry] };
  switch (action.type) {
    case 'REVIEW':
      return { ...next, reviewerId: actorId, reviewedAt: at };
    case 'COMPLETE_REVIEW':
      return { ...next, reviewerId: actorId, reviewedAt: at, reviewPending: false };
    case 'APPROVE':
      return { ...next, approverId: actorId, decidedAt: at, reviewPending: application.reviewerId === null };
    case 'REJECT':
      assertOneOf(action.reason, REJECTION_REASONS, 'action.reason');
      if (action.reason === 'WITHDRAWN') throw invalidInput('action.reason', 'WITHDRAWN is recorded by the WITHDRAW action, not as a rejection');
      return { ...next, approverId: actorId, decidedAt: at, rejectionReason: action.reason };
    case 'PAY':
      return { ...next, payerId: actorId, paidAt: at };
    case 'WITHDRAW':
      // The wire reports a withdrawal with rejection reason WITHDRAWN (申请人撤回).
      return { ...next, withdrawnAt: at, rejectionReason: 'WITHDRAWN' };
  }
}
