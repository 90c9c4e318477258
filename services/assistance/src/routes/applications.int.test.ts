/**
 * Applications on the real store and broker: a 低保 application's whole life publishes the
 * expected events in order, decodable by the contracts package; separation of duties, illegal
 * transitions, eligibility, the temporary-aid floor and aid first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const TOWN = '442000001';
const as = async (subject: string, role: 'caseworker' | 'supervisor' | 'analyst' = 'caseworker') => ({ authorization: `Bearer ${await service.token([role], TOWN, subject)}` });

async function household(monthlyIncomes: number[]): Promise<string> {
  const members = monthlyIncomes.map((income, index) => ({
    idNumber: idNumber(`19${String(60 + index)}-01-15`),
    name: ['黄德明', '何秀珍', '黄小军', '黄小红'][index] ?? '成员',
    relationToHead: index === 0 ? 'HEAD' : index === 1 ? 'SPOUSE' : 'CHILD',
    localHukou: true,
    livingTogether: true,
    labourCapacity: 'PARTIAL',
    monthlyIncomeFen: income,
    financialAssetsFen: 0,
  }));
  const response = await service.app.inject({ method: 'POST', url: '/households', payload: { regionCode: `${TOWN}002`, address: '中山市石岐街道某巷3号', reason: 'APPLICATION', members }, headers: await as('clerk') });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

async function act(path: string, subject: string, role: 'caseworker' | 'supervisor', payload: object = {}) {
  return service.app.inject({ method: 'POST', url: path, payload, headers: await as(subject, role) });
}

const eventsOf = (householdId: string, count: number) => service.events(householdId, count);

describe('a 低保 application from submission to payment', () => {
  it('moves through review, approval and payment by three different people, computes the gap payment with the 2021 standard, and publishes each step in order', async () => {
    // Four members, 1,600 yuan a month in all: 400 per person, below the 1,120 standard.
    const householdId = await household([120_000, 40_000, 0, 0]);
    const submitted = await service.app.inject({ method: 'POST', url: '/applications', payload: { householdId, program: 'DIBAO', channel: 'WINDOW', reason: '户主患病，收入下降' }, headers: await as('clerk') });
    expect(submitted.statusCode).toBe(201);
    const { id } = submitted.json<{ id: string }>();
    expect(submitted.json()).toMatchObject({ status: 'SUBMITTED', allowedActions: ['REVIEW', 'WITHDRAW'], declaredMonthlyIncomeFen: 160_000, householdSize: 4 });

    expect((await act(`/applications/${id}/review`, 'reviewer', 'caseworker', { note: '入户核实' })).json()).toMatchObject({ status: 'REVIEWED', reviewerId: 'reviewer' });
    const approved = await act(`/applications/${id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED' });
    expect(approved.statusCode).toBe(200);
    // (1,120 − 400) yuan × 4 members = 2,880 yuan, with the version in force.
    expect(approved.json()).toMatchObject({ status: 'APPROVED', determination: { monthlyAmountFen: 288_000, perCapitaIncomeFen: 40_000, coveredPersonCount: 4, standardVersionId: expect.stringContaining('DIBAO') as string } });
    expect((await act(`/applications/${id}/payment`, 'payer', 'caseworker')).json()).toMatchObject({ status: 'PAID', payerId: 'payer', paymentId: expect.stringMatching(/^PAY-/) as string });

    const events = await eventsOf(householdId, 5);
    expect(events.map((event) => event.eventType)).toEqual([
      'assistance.household-composition-recorded',
      'assistance.application-submitted',
      'assistance.application-reviewed',
      'assistance.application-decided',
      'assistance.payment-issued',
    ]);
    // The review is published too (decoded, the note decrypted), between submission and decision.
    expect(events[2]?.value).toMatchObject({ applicationId: id, program: 'DIBAO', reviewStage: 'BEFORE_DECISION', aidFirst: false, reviewerId: 'reviewer', reviewNote: '入户核实', envelope: { source: { recordId: id }, household: { householdId }, person: { name: '黄德明' } } });
    expect(events[3]?.value).toMatchObject({ applicationId: id, decision: 'APPROVED', monthlyAmountFen: 288_000, reviewerId: 'reviewer', approverId: 'approver' });
    expect(events[4]?.value).toMatchObject({ applicationId: id, paymentKind: 'REGULAR', amountFen: 288_000, payerId: 'payer', payee: { name: '黄德明' } });
  });
});

describe('refusals', () => {
  it('enforces separation of duties, the transition table, eligibility and roles, each with its code', async () => {
    const householdId = await household([100_000]);
    const { id } = (await service.app.inject({ method: 'POST', url: '/applications', payload: { householdId, program: 'DIBAO', channel: 'ONLINE' }, headers: await as('clerk') })).json<{ id: string }>();

    const payTooEarly = await act(`/applications/${id}/payment`, 'payer', 'caseworker');
    expect(payTooEarly.statusCode).toBe(409);
    expect(payTooEarly.json()).toMatchObject({ code: 'ASSIST_ILLEGAL_TRANSITION', details: { from: 'SUBMITTED', action: 'PAY', allowedActions: ['REVIEW', 'WITHDRAW'] } });

    await act(`/applications/${id}/review`, 'same-person', 'supervisor');
    const selfApproval = await act(`/applications/${id}/decision`, 'same-person', 'supervisor', { decision: 'APPROVED' });
    expect(selfApproval.statusCode).toBe(409);
    expect(selfApproval.json()).toMatchObject({ code: 'ASSIST_SEPARATION_OF_DUTIES' });

    const byCaseworker = await act(`/applications/${id}/decision`, 'someone', 'caseworker', { decision: 'APPROVED' });
    expect(byCaseworker.json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });

    await act(`/applications/${id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED' });
    const approverPays = await act(`/applications/${id}/payment`, 'approver', 'supervisor');
    expect(approverPays.json()).toMatchObject({ code: 'ASSIST_SEPARATION_OF_DUTIES' });

    // 1,200 yuan a month for one person is above the 1,120 standard.
    const richer = await household([120_000]);
    const second = (await service.app.inject({ method: 'POST', url: '/applications', payload: { householdId: richer, program: 'DIBAO', channel: 'WINDOW' }, headers: await as('clerk') })).json<{ id: string }>();
    await act(`/applications/${second.id}/review`, 'reviewer', 'caseworker');
    const notEligible = await act(`/applications/${second.id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED' });
    expect(notEligible.statusCode).toBe(422);
    expect(notEligible.json()).toMatchObject({ code: 'ASSIST_NOT_ELIGIBLE', details: { perCapitaIncomeFen: 120_000, standardFen: 112_000 } });
    const rejected = await act(`/applications/${second.id}/decision`, 'approver', 'supervisor', { decision: 'REJECTED', rejectionReason: 'INCOME_ABOVE_THRESHOLD' });
    expect(rejected.json()).toMatchObject({ status: 'REJECTED', rejectionReason: 'INCOME_ABOVE_THRESHOLD', allowedActions: [] });

    const unknown = await service.app.inject({ url: '/applications/APP-nope', headers: await as('clerk') });
    expect(unknown.statusCode).toBe(404);
  });

  it('pays emergency temporary aid first and reviews afterwards, and refuses an ordinary town grant below two months of the 低保 standard', async () => {
    const householdId = await household([0, 0]);
    const { id } = (await service.app.inject({
      method: 'POST',
      url: '/applications',
      payload: { householdId, program: 'TEMPORARY_AID', channel: 'PROACTIVE_DISCOVERY', temporaryAidType: 'EMERGENCY', temporaryAidGrade: 'ORDINARY', aidFirst: true },
      headers: await as('clerk'),
    })).json<{ id: string }>();
    const belowFloor = await act(`/applications/${id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED', oneOffAmountFen: 200_000 });
    expect(belowFloor.statusCode).toBe(422);
    expect(belowFloor.json()).toMatchObject({ code: 'ASSIST_TEMPORARY_AID_BELOW_FLOOR', details: { floorFen: 224_000 } });
    expect((await act(`/applications/${id}/decision`, 'approver', 'supervisor', { decision: 'APPROVED', oneOffAmountFen: 300_000 })).json()).toMatchObject({ status: 'APPROVED', reviewPending: true });
    expect((await act(`/applications/${id}/payment`, 'payer', 'caseworker')).json()).toMatchObject({ status: 'PAID' });
    // The review is completed afterwards, by someone who neither approved nor paid.
    expect((await act(`/applications/${id}/review`, 'payer', 'caseworker')).json()).toMatchObject({ code: 'ASSIST_SEPARATION_OF_DUTIES' });
    expect((await act(`/applications/${id}/review`, 'reviewer', 'caseworker', { note: '补充入户核实' })).json()).toMatchObject({ status: 'PAID', reviewPending: false, reviewerId: 'reviewer' });
    const events = await eventsOf(householdId, 5);
    expect(events[3]).toMatchObject({ eventType: 'assistance.payment-issued', value: { paymentKind: 'ONE_OFF', amountFen: 300_000 } });
    expect(events[4]).toMatchObject({ eventType: 'assistance.application-reviewed', value: { reviewStage: 'AFTER_AID_FIRST', aidFirst: true, reviewerId: 'reviewer' } });
  });

  it('lists by program and status with pagination, and masks the reason for analysts', async () => {
    const list = await service.app.inject({ url: '/applications?program=DIBAO&status=PAID&pageSize=5', headers: await as('lead', 'supervisor') });
    const page = list.json<{ items: { program: string; status: string }[]; total: number }>();
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect(page.items.every((item) => item.program === 'DIBAO' && item.status === 'PAID')).toBe(true);
    const audited = await service.connection.collection('access_audit').find({ resource: 'application-list', subject: 'lead' }).toArray();
    expect(audited.length).toBeGreaterThanOrEqual(1);
    const analyst = await service.app.inject({ url: '/applications?program=DIBAO', headers: { authorization: `Bearer ${await service.token(['analyst'])}` } });
    const withReason = analyst.json<{ items: { reason: string | null }[] }>().items.find((item) => item.reason !== null);
    expect(withReason?.reason).toBe('****');
  });
});
