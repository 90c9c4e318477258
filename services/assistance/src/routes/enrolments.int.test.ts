/**
 * Enrolments and monthly payment runs on the real store and broker, on a clock the test moves: a
 * 低保 household approved in August is enrolled from September, paid month by month (never twice,
 * never by its approver), recomputed after its income rises, ended with a gradual exit, and paid
 * a gradual-exit month; every step publishes its event, in order.
 */
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  service.setNow(undefined);
  await service.close();
});

const TOWN = '442000001';
const headers = async (subject: string, role: 'caseworker' | 'supervisor' | 'analyst', jurisdiction = TOWN) => ({ authorization: `Bearer ${await service.token([role], jurisdiction, subject)}` });
const post = async (url: string, subject: string, role: 'caseworker' | 'supervisor', payload: object = {}) => service.app.inject({ method: 'POST', url, payload, headers: await headers(subject, role) });
const get = async (url: string, subject = 'reader', role: 'caseworker' | 'supervisor' | 'analyst' = 'caseworker', jurisdiction = TOWN) => service.app.inject({ method: 'GET', url, headers: await headers(subject, role, jurisdiction) });

interface Run { id: string; status: string; considered: number; paid: number; skipped: number; totalFen: number; failures: { code: string }[] }

/** Starts a run and waits for it to finish; returns its record. */
async function runPayments(month: string, subject: string, role: 'caseworker' | 'supervisor' = 'caseworker'): Promise<Run> {
  const started = await post('/payment-runs', subject, role, { month });
  expect(started.statusCode, started.body).toBe(202);
  const { id } = started.json<Run>();
  let run: Run | undefined;
  await waitFor(async () => {
    run = (await get(`/payment-runs/${id}`)).json<Run>();
    return run.status !== 'RUNNING';
  }, { timeoutMs: 30_000, description: `payment run ${id}` });
  if (run === undefined) throw new Error('no run');
  return run;
}

describe('a 低保 enrolment from approval to gradual exit', () => {
  it('starts the month after approval, pays each month once, recomputes after a change, and ends with a gradual exit of at most 12 months', async () => {
    service.setNow('2026-08-10T02:00:00Z');
    // Two members, 600 yuan a month in all: 300 per person; (1,120 − 300) × 2 = 1,640 yuan.
    const registered = await post('/households', 'clerk', 'caseworker', {
      regionCode: `${TOWN}003`,
      address: '中山市石岐街道某路8号',
      reason: 'APPLICATION',
      members: [
        { idNumber: idNumber('1962-04-01', 'M'), name: '梁国华', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'PARTIAL', monthlyIncomeFen: 60_000, financialAssetsFen: 0 },
        { idNumber: idNumber('1965-09-09', 'F'), name: '苏美玲', relationToHead: 'SPOUSE', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 },
      ],
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const household = registered.json<{ id: string; members: { personKey: string; relationToHead: string }[] }>();
    const headKey = household.members.find((member) => member.relationToHead === 'HEAD')?.personKey ?? '';
    const application = (await post('/applications', 'clerk', 'caseworker', { householdId: household.id, program: 'DIBAO', channel: 'WINDOW' })).json<{ id: string }>();
    expect((await post(`/applications/${application.id}/review`, 'reviewer', 'caseworker')).statusCode).toBe(200);
    expect((await post(`/applications/${application.id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED' })).json()).toMatchObject({ determination: { monthlyAmountFen: 164_000 } });

    const started = await post('/enrolments', 'clerk', 'caseworker', { applicationId: application.id, nextReviewDate: '2027-08-31' });
    expect(started.statusCode, started.body).toBe(201);
    const enrolment = started.json<{ id: string }>();
    expect(started.json()).toMatchObject({ program: 'DIBAO', status: 'ACTIVE', approvedOn: '2026-08-10', startDate: '2026-09-01', phaseToday: 'NOT_STARTED', amounts: [{ from: '2026-09-01', monthlyAmountFen: 164_000, standardVersionId: 'DIBAO-442000-2021-01-01' }] });
    expect((await post('/enrolments', 'clerk', 'caseworker', { applicationId: application.id })).json()).toMatchObject({ code: 'ASSIST_ALREADY_ENROLLED' });

    service.setNow('2026-09-05T02:00:00Z');
    expect((await post('/payment-runs', 'payer', 'caseworker', { month: '2026-10' })).json()).toMatchObject({ code: 'ASSIST_DATE_IN_FUTURE', details: { field: 'month' } });
    // The approver may not pay what they approved: the run leaves it unpaid and says why.
    const byApprover = await runPayments('2026-09', 'approver', 'supervisor');
    expect(byApprover).toMatchObject({ status: 'COMPLETED', considered: 1, paid: 0, failures: [{ code: 'ASSIST_SEPARATION_OF_DUTIES' }] });
    expect(await runPayments('2026-09', 'payer')).toMatchObject({ status: 'COMPLETED', considered: 1, paid: 1, totalFen: 164_000, failures: [] });
    // Run again: the month is paid, nothing is paid twice.
    expect(await runPayments('2026-09', 'payer')).toMatchObject({ considered: 0, paid: 0 });

    // The head finds work: 2,000 yuan from 15 October, per capita 1,000; (1,120 − 1,000) × 2 = 240 yuan.
    service.setNow('2026-10-20T02:00:00Z');
    const changed = await post(`/households/${household.id}/composition-changes`, 'clerk', 'caseworker', { date: '2026-10-15', reason: 'CHANGE_REPORTED', updates: [{ personKey: headKey, monthlyIncomeFen: 200_000, labourCapacity: 'FULL' }] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await post(`/enrolments/${enrolment.id}/amount-changes`, 'approver', 'supervisor', { effectiveFrom: '2026-11-15' })).json()).toMatchObject({ code: 'ASSIST_INVALID_DATE', details: { field: 'effectiveFrom' } });
    const recomputed = await post(`/enrolments/${enrolment.id}/amount-changes`, 'approver', 'supervisor', { effectiveFrom: '2026-11-01', reason: '就业收入增加' });
    expect(recomputed.statusCode, recomputed.body).toBe(200);
    expect(recomputed.json<{ amounts: unknown[] }>().amounts).toEqual([
      { from: '2026-09-01', monthlyAmountFen: 164_000, standardVersionId: 'DIBAO-442000-2021-01-01' },
      { from: '2026-11-01', monthlyAmountFen: 24_000, standardVersionId: 'DIBAO-442000-2021-01-01' },
    ]);

    service.setNow('2026-11-05T02:00:00Z');
    expect(await runPayments('2026-11', 'payer')).toMatchObject({ paid: 1, totalFen: 24_000 });
    const tooLong = await post(`/enrolments/${enrolment.id}/end`, 'approver', 'supervisor', { endDate: '2026-11-30', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2027-12-01' } });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json()).toMatchObject({ code: 'ASSIST_GRADUAL_EXIT_TOO_LONG', details: { field: 'gradualExit.endDate', latestAllowed: '2027-11-30' } });
    const ended = await post(`/enrolments/${enrolment.id}/end`, 'approver', 'supervisor', { endDate: '2026-11-30', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2027-05-31' } });
    expect(ended.json()).toMatchObject({ status: 'ENDED', endReason: 'GRADUAL_EXIT', gradualExit: { endDate: '2027-05-31', monthlyAmountFen: 24_000 }, allowedActions: ['SHORTEN_GRADUAL_EXIT'] });

    service.setNow('2026-12-03T02:00:00Z');
    expect(await runPayments('2026-12', 'payer')).toMatchObject({ paid: 1, totalFen: 24_000 });
    const read = (await get(`/enrolments/${enrolment.id}`)).json<{ phaseToday: string; payments: { month: string; paymentKind: string; amountFen: number }[] }>();
    expect(read.phaseToday).toBe('GRADUAL_EXIT');
    expect(read.payments.map(({ month, paymentKind, amountFen }) => [month, paymentKind, amountFen])).toEqual([
      ['2026-09', 'REGULAR', 164_000],
      ['2026-11', 'REGULAR', 24_000],
      ['2026-12', 'GRADUAL_EXIT', 24_000],
    ]);

    // Order holds per document (the outbox's promise): the household's, the application's and the enrolment's own events.
    const events = await service.events(household.id, 10);
    const of = (...types: string[]) => events.filter((event) => types.includes(event.eventType.replace('assistance.', '')));
    expect(of('household-composition-recorded')).toHaveLength(2);
    expect(of('application-submitted', 'application-decided').map((event) => event.eventType)).toEqual(['assistance.application-submitted', 'assistance.application-decided']);
    const lifecycle = of('enrolment-started', 'enrolment-changed', 'enrolment-ended', 'payment-issued');
    expect(lifecycle.map((event) => event.eventType.replace('assistance.', ''))).toEqual(['enrolment-started', 'payment-issued', 'enrolment-changed', 'payment-issued', 'enrolment-ended', 'payment-issued']);
    expect(lifecycle[0]?.value).toMatchObject({ enrolmentId: enrolment.id, startDate: '2026-09-01', monthlyAmountFen: 164_000, coveredMembers: [{ personKey: headKey }, {}], nextReviewDate: '2027-08-31' });
    expect(lifecycle[2]?.value).toMatchObject({ changeKind: 'AMOUNT_CHANGED', effectiveFrom: '2026-11-01', previousMonthlyAmountFen: 164_000, newMonthlyAmountFen: 24_000, reason: '就业收入增加' });
    expect(lifecycle[4]?.value).toMatchObject({ endReason: 'GRADUAL_EXIT', endDate: '2026-11-30', gradualExitEndDate: '2027-05-31', gradualExitMonthlyAmountFen: 24_000 });
    expect(lifecycle[5]?.value).toMatchObject({ paymentKind: 'GRADUAL_EXIT', amountFen: 24_000, periodFrom: '2026-12-01', periodTo: '2026-12-31', enrolmentId: enrolment.id, payerId: 'payer', approverId: 'approver' });
    expect(of('household-composition-recorded')[1]?.value).toMatchObject({ recordReason: 'CHANGE_REPORTED' });

    // Lists: analysts see it in their jurisdiction; another town's caseworker does not.
    const listed = (await get(`/enrolments?program=DIBAO&householdId=${household.id}`, 'analyst-1', 'analyst')).json<{ total: number; items: { id: string }[] }>();
    expect(listed).toMatchObject({ total: 1, items: [{ id: enrolment.id }] });
    expect((await get(`/enrolments/${enrolment.id}`, 'other', 'caseworker', '442000002')).json()).toMatchObject({ code: 'ASSIST_NOT_FOUND' });
  });
});

describe('enrolment refusals and the other steps', () => {
  it('refuses an enrolment before approval and for temporary aid, takes an explicit amount, and cuts a gradual exit short', async () => {
    service.setNow('2026-03-10T02:00:00Z');
    const registered = await post('/households', 'clerk', 'caseworker', {
      regionCode: `${TOWN}005`,
      address: '中山市石岐街道某里2号',
      reason: 'APPLICATION',
      members: [{ idNumber: idNumber('1955-12-12', 'F'), name: '郑婆', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 }],
    });
    const householdId = registered.json<{ id: string }>().id;
    const dibao = (await post('/applications', 'clerk', 'caseworker', { householdId, program: 'DIBAO', channel: 'WINDOW' })).json<{ id: string }>().id;
    const early = await post('/enrolments', 'clerk', 'caseworker', { applicationId: dibao });
    expect([early.statusCode, early.json()]).toMatchObject([409, { code: 'ASSIST_ILLEGAL_TRANSITION', details: { field: 'applicationId', from: 'SUBMITTED' } }]);
    await post(`/applications/${dibao}/review`, 'reviewer', 'caseworker');
    await post(`/applications/${dibao}/decision`, 'approver', 'supervisor', { decision: 'APPROVED' });

    const aid = (await post('/applications', 'clerk', 'caseworker', { householdId, program: 'TEMPORARY_AID', channel: 'WINDOW', temporaryAidType: 'EMERGENCY', temporaryAidGrade: 'ORDINARY' })).json<{ id: string }>().id;
    await post(`/applications/${aid}/review`, 'reviewer', 'caseworker');
    expect((await post(`/applications/${aid}/decision`, 'approver', 'supervisor', { decision: 'APPROVED', oneOffAmountFen: 300_000 })).statusCode).toBe(200);
    const oneOff = await post('/enrolments', 'clerk', 'caseworker', { applicationId: aid });
    expect([oneOff.statusCode, oneOff.json()]).toMatchObject([400, { code: 'ASSIST_INVALID_INPUT', details: { field: 'applicationId' } }]);

    const started = await post('/enrolments', 'clerk', 'caseworker', { applicationId: dibao });
    expect(started.json()).toMatchObject({ startDate: '2026-04-01', amounts: [{ monthlyAmountFen: 112_000 }] });
    const id = started.json<{ id: string }>().id;
    const notEnded = await post(`/enrolments/${id}/gradual-exit-shortening`, 'approver', 'supervisor', { endDate: '2026-09-30', reason: 'MOVED_AWAY' });
    expect([notEnded.statusCode, notEnded.json()]).toMatchObject([409, { code: 'ASSIST_ILLEGAL_TRANSITION', details: { allowedActions: ['CHANGE_AMOUNT', 'END'] } }]);
    const byCaseworker = await post(`/enrolments/${id}/amount-changes`, 'clerk', 'caseworker', { effectiveFrom: '2026-05-01', monthlyAmountFen: 100_000 });
    expect(byCaseworker.statusCode).toBe(403);
    const explicit = await post(`/enrolments/${id}/amount-changes`, 'approver', 'supervisor', { effectiveFrom: '2026-05-01', monthlyAmountFen: 100_000, reason: '复核调整' });
    expect(explicit.json<{ amounts: { from: string; monthlyAmountFen: number }[] }>().amounts.map(({ from, monthlyAmountFen }) => [from, monthlyAmountFen])).toEqual([['2026-04-01', 112_000], ['2026-05-01', 100_000]]);
    const backwards = await post(`/enrolments/${id}/amount-changes`, 'approver', 'supervisor', { effectiveFrom: '2026-04-01', monthlyAmountFen: 90_000 });
    expect([backwards.statusCode, backwards.json()]).toMatchObject([400, { code: 'ASSIST_DATE_ORDER' }]);

    service.setNow('2026-04-02T02:00:00Z');
    expect(await runPayments('2026-04', 'payer')).toMatchObject({ paid: 1, totalFen: 112_000 });
    expect((await get('/payment-runs?month=2026-04', 'analyst-1', 'analyst')).json()).toMatchObject({ total: 1, items: [{ month: '2026-04', status: 'COMPLETED', paid: 1 }] });
    const analystRun = await service.app.inject({ method: 'POST', url: '/payment-runs', payload: { month: '2026-04' }, headers: await headers('analyst-1', 'analyst') });
    expect(analystRun.statusCode).toBe(403);

    service.setNow('2026-07-02T02:00:00Z');
    const ended = await post(`/enrolments/${id}/end`, 'approver', 'supervisor', { endDate: '2026-06-30', reason: 'GRADUAL_EXIT', gradualExit: { endDate: '2026-12-31' } });
    expect(ended.json()).toMatchObject({ status: 'ENDED', gradualExit: { endDate: '2026-12-31', monthlyAmountFen: 100_000, cutShortReason: null } });
    const shortened = await post(`/enrolments/${id}/gradual-exit-shortening`, 'approver', 'supervisor', { endDate: '2026-09-30', reason: 'MOVED_AWAY', note: '迁往外市' });
    expect(shortened.json()).toMatchObject({ gradualExit: { endDate: '2026-09-30', cutShortReason: 'MOVED_AWAY' }, allowedActions: ['SHORTEN_GRADUAL_EXIT'] });
    const events = await service.events(householdId, 9);
    const ends = events.filter((event) => event.eventType === 'assistance.enrolment-ended');
    expect(ends.map((event) => event.value.gradualExitEndDate)).toEqual(['2026-12-31', '2026-09-30']);
  });
});
