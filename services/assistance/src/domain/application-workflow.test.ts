import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import {
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  SEPARATED_ROLES,
  allowedActions,
  submitApplication,
  transition,
  type Application,
  type ApplicationAction,
} from './application-workflow.js';

const T = (minute: number): string => `2022-03-01T09:${String(minute).padStart(2, '0')}:00+08:00`;

function dibaoApplication(): Application {
  return submitApplication({ id: 'A-1', program: 'DIBAO', householdId: 'H-1', submitterId: 'u-window', submittedAt: T(0) });
}

function emergencyAidFirst(): Application {
  return submitApplication({
    id: 'A-2',
    program: 'TEMPORARY_AID',
    householdId: 'H-2',
    submitterId: 'u-window',
    submittedAt: T(0),
    aidFirst: true,
    temporaryAidType: 'EMERGENCY',
    temporaryAidGrade: 'ORDINARY',
  });
}

/** Applies steps of [action, actor] one minute apart. */
function run(application: Application, ...steps: [ApplicationAction, string][]): Application {
  return steps.reduce((current, [action, actor], index) => transition(current, action, actor, T(index + 1)), application);
}

const REVIEW: ApplicationAction = { type: 'REVIEW' };
const APPROVE: ApplicationAction = { type: 'APPROVE' };
const PAY: ApplicationAction = { type: 'PAY' };
const WITHDRAW: ApplicationAction = { type: 'WITHDRAW' };
const COMPLETE_REVIEW: ApplicationAction = { type: 'COMPLETE_REVIEW' };

describe('submitApplication', () => {
  it('starts in SUBMITTED with nothing decided', () => {
    const application = dibaoApplication();
    expect(application).toMatchObject({ status: 'SUBMITTED', aidFirst: false, reviewPending: false, reviewerId: null, approverId: null, payerId: null, history: [] });
    expect(allowedActions(application)).toEqual(['REVIEW', 'WITHDRAW']);
  });

  it('allows aid first only for EMERGENCY temporary aid (R-E7)', () => {
    expect(thrownBy(AssistanceError, () => submitApplication({ id: 'A', program: 'DIBAO', householdId: 'H', submitterId: 'u', submittedAt: T(0), aidFirst: true }))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'aidFirst' } },
    );
    expect(thrownBy(AssistanceError, () =>
      submitApplication({
        id: 'A',
        program: 'TEMPORARY_AID',
        householdId: 'H',
        submitterId: 'u',
        submittedAt: T(0),
        aidFirst: true,
        temporaryAidType: 'EXPENDITURE',
        temporaryAidGrade: 'ORDINARY',
      }),
    )).toMatchObject({ details: { field: 'aidFirst' } });
    expect(allowedActions(emergencyAidFirst())).toEqual(['REVIEW', 'APPROVE', 'WITHDRAW']);
  });

  it('requires type and grade for temporary aid and refuses them elsewhere', () => {
    expect(thrownBy(AssistanceError, () => submitApplication({ id: 'A', program: 'TEMPORARY_AID', householdId: 'H', submitterId: 'u', submittedAt: T(0), temporaryAidGrade: 'ORDINARY' }))).toMatchObject(
      { details: { field: 'temporaryAidType' } },
    );
    expect(thrownBy(AssistanceError, () => submitApplication({ id: 'A', program: 'TEMPORARY_AID', householdId: 'H', submitterId: 'u', submittedAt: T(0), temporaryAidType: 'OTHER' }))).toMatchObject(
      { details: { field: 'temporaryAidGrade' } },
    );
    expect(thrownBy(AssistanceError, () => submitApplication({ id: 'A', program: 'TEKUN', householdId: 'H', submitterId: 'u', submittedAt: T(0), temporaryAidType: 'OTHER' }))).toMatchObject(
      { details: { field: 'temporaryAidType' } },
    );
    expect(thrownBy(AssistanceError, () => submitApplication({ id: 'A', program: 'DIBAO', householdId: 'H', submitterId: 'u', submittedAt: '2022-03-01 09:00' }))).toMatchObject(
      { code: 'ASSIST_INVALID_DATE', details: { field: 'submittedAt' } },
    );
  });
});

describe('transition: normal path', () => {
  it('goes SUBMITTED → REVIEWED → APPROVED → PAID with three different users, recording each step', () => {
    const paid = run(dibaoApplication(), [REVIEW, 'u-reviewer'], [APPROVE, 'u-approver'], [PAY, 'u-payer']);
    expect(paid).toMatchObject({
      status: 'PAID',
      reviewPending: false,
      reviewerId: 'u-reviewer',
      reviewedAt: T(1),
      approverId: 'u-approver',
      decidedAt: T(2),
      payerId: 'u-payer',
      paidAt: T(3),
    });
    expect(paid.history.map((entry) => `${entry.from}-${entry.action}->${entry.to}`)).toEqual([
      'SUBMITTED-REVIEW->REVIEWED',
      'REVIEWED-APPROVE->APPROVED',
      'APPROVED-PAY->PAID',
    ]);
    expect(allowedActions(paid)).toEqual([]);
  });

  it('lets the submitting caseworker review (受理 and 审核 at the same office)', () => {
    expect(run(dibaoApplication(), [REVIEW, 'u-window']).status).toBe('REVIEWED');
  });

  it('does not change the application it is given', () => {
    const submitted = dibaoApplication();
    transition(submitted, REVIEW, 'u-reviewer', T(1));
    expect(submitted.status).toBe('SUBMITTED');
    expect(submitted.history).toEqual([]);
  });

  it('rejects after review with a reason', () => {
    const rejected = run(dibaoApplication(), [REVIEW, 'u-reviewer'], [{ type: 'REJECT', reason: 'INCOME_ABOVE_THRESHOLD' }, 'u-approver']);
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'INCOME_ABOVE_THRESHOLD', approverId: 'u-approver' });
    expect(allowedActions(rejected)).toEqual([]);
  });

  it('refuses WITHDRAWN as a rejection reason (that is the WITHDRAW action)', () => {
    const reviewed = run(dibaoApplication(), [REVIEW, 'u-reviewer']);
    expect(thrownBy(AssistanceError, () => transition(reviewed, { type: 'REJECT', reason: 'WITHDRAWN' }, 'u-approver', T(5)))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'action.reason' } },
    );
  });

  it('withdraws from SUBMITTED or REVIEWED, by anyone', () => {
    expect(run(dibaoApplication(), [WITHDRAW, 'u-window'])).toMatchObject({ status: 'WITHDRAWN', withdrawnAt: T(1), rejectionReason: 'WITHDRAWN' });
    expect(run(dibaoApplication(), [REVIEW, 'u-reviewer'], [WITHDRAW, 'u-reviewer']).status).toBe('WITHDRAWN');
  });
});

describe('transition: illegal transitions', () => {
  const expectIllegal = (application: Application, action: ApplicationAction, allowed: string[]): void => {
    expect(thrownBy(AssistanceError, () => transition(application, action, 'u-someone', T(30)))).toMatchObject(
      {
        code: 'ASSIST_ILLEGAL_TRANSITION',
        statusCode: 409,
        details: { field: 'status', from: application.status, action: action.type, allowedActions: allowed },
      },
    );
  };

  it('refuses to reject or approve without review, to pay before approval, and to review twice', () => {
    const submitted = dibaoApplication();
    expectIllegal(submitted, { type: 'REJECT', reason: 'OTHER' }, ['REVIEW', 'WITHDRAW']);
    expectIllegal(submitted, APPROVE, ['REVIEW', 'WITHDRAW']);
    expectIllegal(submitted, PAY, ['REVIEW', 'WITHDRAW']);
    const reviewed = run(submitted, [REVIEW, 'u-reviewer']);
    expectIllegal(reviewed, REVIEW, ['APPROVE', 'REJECT', 'WITHDRAW']);
    expectIllegal(reviewed, PAY, ['APPROVE', 'REJECT', 'WITHDRAW']);
  });

  it('refuses anything after a final state and withdrawal after approval', () => {
    const approved = run(dibaoApplication(), [REVIEW, 'u-reviewer'], [APPROVE, 'u-approver']);
    expectIllegal(approved, WITHDRAW, ['PAY']);
    expectIllegal(approved, COMPLETE_REVIEW, ['PAY']);
    expectIllegal(run(dibaoApplication(), [WITHDRAW, 'u-window']), REVIEW, []);
    expectIllegal(run(dibaoApplication(), [REVIEW, 'u-r'], [{ type: 'REJECT', reason: 'OTHER' }, 'u-a']), PAY, []);
  });

  it('refuses a step dated before the previous one, and a malformed instant', () => {
    const reviewed = transition(dibaoApplication(), REVIEW, 'u-reviewer', T(10));
    expect(thrownBy(AssistanceError, () => transition(reviewed, APPROVE, 'u-approver', T(9)))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'at', from: T(10), to: T(9) } },
    );
    expect(thrownBy(AssistanceError, () => transition(dibaoApplication(), REVIEW, 'u-reviewer', '2022-02-28T23:00:00+08:00'))).toMatchObject({ code: 'ASSIST_DATE_ORDER' });
    expect(thrownBy(AssistanceError, () => transition(dibaoApplication(), REVIEW, 'u-reviewer', 'yesterday'))).toMatchObject({ code: 'ASSIST_INVALID_DATE' });
    expect(thrownBy(AssistanceError, () => transition(dibaoApplication(), REVIEW, '', T(1)))).toMatchObject({ code: 'ASSIST_INVALID_INPUT', details: { field: 'actorId' } });
  });
});

describe('transition: separation of duties (审核审批分离、审批和发放分离)', () => {
  const expectClash = (run_: () => unknown, roles: [string, string]): void => {
    expect(thrownBy(AssistanceError, run_)).toMatchObject({ code: 'ASSIST_SEPARATION_OF_DUTIES', statusCode: 409, details: { field: 'actorId', roles } });
  };

  it('reviewer may not approve, nor reject', () => {
    const reviewed = run(dibaoApplication(), [REVIEW, 'u-x']);
    expectClash(() => transition(reviewed, APPROVE, 'u-x', T(5)), ['REVIEWER', 'APPROVER']);
    expectClash(() => transition(reviewed, { type: 'REJECT', reason: 'OTHER' }, 'u-x', T(5)), ['REVIEWER', 'APPROVER']);
  });

  it('approver may not pay', () => {
    const approved = run(dibaoApplication(), [REVIEW, 'u-reviewer'], [APPROVE, 'u-x']);
    expectClash(() => transition(approved, PAY, 'u-x', T(5)), ['APPROVER', 'PAYER']);
  });

  it('reviewer may not pay', () => {
    const approved = run(dibaoApplication(), [REVIEW, 'u-x'], [APPROVE, 'u-approver']);
    expectClash(() => transition(approved, PAY, 'u-x', T(5)), ['REVIEWER', 'PAYER']);
  });

  it('submitter may not approve or reject their own submission', () => {
    const reviewed = run(dibaoApplication(), [REVIEW, 'u-reviewer']);
    expectClash(() => transition(reviewed, APPROVE, 'u-window', T(5)), ['SUBMITTER', 'APPROVER']);
    expectClash(() => transition(reviewed, { type: 'REJECT', reason: 'OTHER' }, 'u-window', T(5)), ['SUBMITTER', 'APPROVER']);
  });

  it('submitter may not pay', () => {
    const approved = run(dibaoApplication(), [REVIEW, 'u-reviewer'], [APPROVE, 'u-approver']);
    expectClash(() => transition(approved, PAY, 'u-window', T(5)), ['SUBMITTER', 'PAYER']);
  });

  it('lists exactly the five separated pairs', () => {
    expect(SEPARATED_ROLES).toHaveLength(5);
  });
});

describe('transition: aid first (先行救助, R-E7)', () => {
  it('approves and pays before review, then completes the review with a third user', () => {
    const approved = transition(emergencyAidFirst(), APPROVE, 'u-approver', T(1));
    expect(approved).toMatchObject({ status: 'APPROVED', reviewPending: true, reviewerId: null });
    expect(allowedActions(approved)).toEqual(['PAY', 'COMPLETE_REVIEW']);
    const paid = transition(approved, PAY, 'u-payer', T(2));
    expect(paid).toMatchObject({ status: 'PAID', reviewPending: true });
    expect(allowedActions(paid)).toEqual(['COMPLETE_REVIEW']);
    const reviewed = transition(paid, COMPLETE_REVIEW, 'u-reviewer', T(3));
    expect(reviewed).toMatchObject({ status: 'PAID', reviewPending: false, reviewerId: 'u-reviewer', reviewedAt: T(3) });
    expect(allowedActions(reviewed)).toEqual([]);
  });

  it('can complete the review before paying', () => {
    const reviewed = run(emergencyAidFirst(), [APPROVE, 'u-approver'], [COMPLETE_REVIEW, 'u-reviewer']);
    expect(reviewed).toMatchObject({ status: 'APPROVED', reviewPending: false });
    expect(allowedActions(reviewed)).toEqual(['PAY']);
    expect(transition(reviewed, PAY, 'u-payer', T(5)).status).toBe('PAID');
  });

  it('still allows the normal path; then no review is pending', () => {
    const approved = run(emergencyAidFirst(), [REVIEW, 'u-reviewer'], [APPROVE, 'u-approver']);
    expect(approved.reviewPending).toBe(false);
    expect(allowedActions(approved)).toEqual(['PAY']);
  });

  it('keeps the three roles apart in the late review', () => {
    const paid = run(emergencyAidFirst(), [APPROVE, 'u-approver'], [PAY, 'u-payer']);
    expectClashIn(() => transition(paid, COMPLETE_REVIEW, 'u-approver', T(9)), ['APPROVER', 'REVIEWER']);
    expectClashIn(() => transition(paid, COMPLETE_REVIEW, 'u-payer', T(9)), ['PAYER', 'REVIEWER']);
    const approved = run(emergencyAidFirst(), [APPROVE, 'u-approver']);
    expectClashIn(() => transition(approved, PAY, 'u-approver', T(9)), ['APPROVER', 'PAYER']);
    expectClashIn(() => transition(emergencyAidFirst(), APPROVE, 'u-window', T(9)), ['SUBMITTER', 'APPROVER']);
  });
});

function expectClashIn(run_: () => unknown, roles: [string, string]): void {
  expect(thrownBy(AssistanceError, run_)).toMatchObject({ code: 'ASSIST_SEPARATION_OF_DUTIES', details: { roles } });
}

describe('APPLICATION_TRANSITIONS', () => {
  it('reaches every status from SUBMITTED and leads nowhere out of REJECTED and WITHDRAWN', () => {
    const reachable = new Set<string>(['SUBMITTED']);
    for (const _round of APPLICATION_STATUSES) {
      for (const row of APPLICATION_TRANSITIONS) if (reachable.has(row.from)) reachable.add(row.to);
    }
    expect([...reachable].sort()).toEqual([...APPLICATION_STATUSES].sort());
    expect(APPLICATION_TRANSITIONS.filter((row) => row.from === 'REJECTED' || row.from === 'WITHDRAWN')).toEqual([]);
  });

  it('marks the aid-first rows', () => {
    expect(APPLICATION_TRANSITIONS.filter((row) => row.aidFirstOnly).map((row) => `${row.from}-${row.action}`)).toEqual([
      'SUBMITTED-APPROVE',
      'APPROVED-COMPLETE_REVIEW',
      'PAID-COMPLETE_REVIEW',
    ]);
  });
});
