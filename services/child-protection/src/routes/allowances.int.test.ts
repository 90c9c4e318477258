/**
 * The living allowance on the real store and broker: review, approval and payment with separation
 * of duties, never a month twice, and — the acceptance test — a new 低保 standard published as
 * `reference.standard-changed` on Kafka re-computes every affected allowance at exactly 1.6×, with
 * the new 低保 version and the rule version recorded, and the next payment cites it.
 */
import type { Role } from '@minzheng/service-kit/auth';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandardsConsumer } from '../standards/standards-consumer.js';
import { idNumber, publishStandard, standardsConsumer, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
let consumer: StandardsConsumer | undefined;
beforeAll(async () => {
  service = await startTestService();
  service.setNow('2026-11-15T02:00:00Z');
});
afterAll(async () => {
  await consumer?.stop();
  await service.close();
});

const VILLAGE = '442000001001';
const TOWN = '442000001';
const RULE = 'CHILD-ALLOWANCE-RULE-442000-2021-01-01';
const CITY_2021 = 'DIBAO-442000-2021-01-01';
const token = (roles: Role[], subject: string, jurisdiction = TOWN) => service.token(roles, jurisdiction, subject);

interface Segment { from: string; amountFen: number; dibaoFen: number; dibaoVersionId: string; ruleVersionId: string; ratioPermille: number }
interface Allowance { status: string; startDate: string; endDate: string; currentAmountFen: number | null; schedule: Segment[]; recomputations: { cause: string; fromAmountFen: number | null; toAmountFen: number }[]; paidMonths: { month: string; amountFen: number; dibaoVersionId: string }[]; arrearsFen: number }
interface Child { id: string; personKey: string; version: number; allowance: Allowance | null; guardians: { personKey: string; name: string }[] }

async function post(url: string, payload: unknown, auth: string, headers: Record<string, string> = {}) {
  return service.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${auth}`, ...headers } });
}
async function child(id: string): Promise<Child> {
  return (await service.app.inject({ method: 'GET', url: `/children/${id}`, headers: { authorization: `Bearer ${await token(['child-protection'], 'cd-0101')}` } })).json<Child>();
}
async function register(body: Record<string, unknown>): Promise<Child> {
  const response = await post('/children', { regionCode: VILLAGE, hukouResident: true, ...body }, await token(['child-protection'], 'cd-0101'));
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Child>();
}

let defacto: Child;
let institutional: Child;

describe('the allowance, from review to payment', () => {
  it('an operator enters the 低保 version in force; coded failures of that route', async () => {
    const admin = await token(['admin'], 'ops-1', '442000');
    const entered = await post('/standards/dibao', { versionId: CITY_2021, regionCode: '442000', effectiveFrom: '2021-01-01', monthlyStandardFen: 112_000, sourceDocument: '[001]' }, admin, { 'idempotency-key': 'dibao-2021' });
    expect(entered.statusCode, entered.body).toBe(201);
    expect(entered.json()).toMatchObject({ version: { versionId: CITY_2021, via: 'OPERATOR', monthlyStandardFen: 112_000 }, considered: 0, recomputed: 0 });
    expect((await post('/standards/dibao', { versionId: 'x', regionCode: '442000001999', effectiveFrom: '2021-01-01', monthlyStandardFen: 1, sourceDocument: 's' }, admin)).json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });
    expect((await post('/standards/dibao', { versionId: 'x', regionCode: '442000', effectiveFrom: '2021-02-30', monthlyStandardFen: 1, sourceDocument: 's' }, admin)).json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.effectiveFrom' }] });
    expect((await post('/standards/dibao', { versionId: 'x', regionCode: '442000', effectiveFrom: '2021-01-01', monthlyStandardFen: -1, sourceDocument: 's' }, admin)).json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.monthlyStandardFen' }] });
    expect((await post('/standards/dibao', { versionId: 'x', regionCode: '442000', effectiveFrom: '2021-01-01', monthlyStandardFen: 1, sourceDocument: 's' }, await token(['supervisor'], 's'))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    const list = (await service.app.inject({ method: 'GET', url: '/standards/dibao', headers: { authorization: `Bearer ${await token(['analyst'], 'a', '442000')}` } })).json<{ items: { versionId: string }[] }>();
    expect(list.items.map((item) => item.versionId)).toEqual([CITY_2021]);
    const rules = (await service.app.inject({ method: 'GET', url: '/standards/allowance-rules', headers: { authorization: `Bearer ${await token(['analyst'], 'a', '442000')}` } })).json<unknown>();
    expect(rules).toEqual({ items: [expect.objectContaining({ id: RULE, ratioPermille: 1_600, effectiveFrom: '2021-01-01' })] });
  });

  it('review (child-protection) then approval (supervisor, not the reviewer): 1.6 × 1,120 yuan = 1,792 yuan, citing both versions', async () => {
    defacto = await register({
      idNumber: idNumber('2015-03-15', 'F'), name: '陈小雨', category: 'DEFACTO_UNSUPPORTED',
      guardians: [
        { idNumber: idNumber('1985-07-07', 'M'), name: '陈大海', relation: 'FATHER', livesWithChild: false, situation: 'DETAINED' },
        { idNumber: idNumber('1987-01-02', 'F'), name: '王丽', relation: 'MOTHER', livesWithChild: false, situation: 'MISSING' },
        { idNumber: idNumber('1958-06-06', 'F'), name: '林阿婆', relation: 'GRANDPARENT', livesWithChild: true, situation: 'ABLE' },
      ],
    });
    institutional = await register({ idNumber: idNumber('2012-05-05', 'M'), name: '福利院童', category: 'INSTITUTIONAL_ORPHAN', institutionId: 'INST-ZS-001', guardians: [] });
    const leftBehind = await register({ idNumber: idNumber('2016-01-01', 'M'), name: '留守童', category: 'LEFT_BEHIND', guardians: [] });

    const reviewer = await token(['child-protection'], 'cd-0101');
    expect((await post(`/children/${leftBehind.id}/allowance/review`, {}, reviewer)).json()).toMatchObject({ code: 'CHILD_NOT_ELIGIBLE', details: { field: 'category' } });
    expect((await post(`/children/${defacto.id}/allowance/review`, { startDate: '2026-11-02' }, reviewer)).json()).toMatchObject({ code: 'CHILD_INVALID_DATE', details: { field: 'startDate' } });
    expect((await post(`/children/${defacto.id}/allowance/approval`, {}, await token(['supervisor'], 'sup-1'))).json()).toMatchObject({ code: 'CHILD_ALLOWANCE_NOT_PENDING' });
    for (const one of [defacto, institutional]) {
      const reviewed = await post(`/children/${one.id}/allowance/review`, { startDate: '2026-11-01' }, reviewer);
      expect(reviewed.json()).toMatchObject({ allowance: { status: 'PENDING_APPROVAL', startDate: '2026-11-01', schedule: [] } });
    }
    expect((await post(`/children/${defacto.id}/allowance/review`, {}, reviewer)).json()).toMatchObject({ code: 'CHILD_ALLOWANCE_EXISTS' });

    const sameUser = await post(`/children/${defacto.id}/allowance/approval`, {}, await token(['supervisor', 'child-protection'], 'cd-0101'));
    expect(sameUser.statusCode).toBe(409);
    expect(sameUser.json()).toMatchObject({ code: 'CHILD_SEPARATION_OF_DUTIES' });
    expect((await post(`/children/${defacto.id}/allowance/approval`, {}, reviewer)).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });

    const approver = await token(['supervisor'], 'sup-1');
    const approved = await post(`/children/${defacto.id}/allowance/approval`, {}, approver);
    expect(approved.statusCode, approved.body).toBe(200);
    const view = approved.json<Child & { masked: boolean; name: string }>();
    expect(view.masked).toBe(true);
    expect(view.name).toBe('陈**');
    expect(view.allowance).toMatchObject({ status: 'ACTIVE', endDate: '2033-03-14', currentAmountFen: 179_200, schedule: [{ from: '2026-11-01', amountFen: 179_200, dibaoFen: 112_000, dibaoVersionId: CITY_2021, ruleVersionId: RULE, ratioPermille: 1_600 }], recomputations: [{ cause: 'APPROVAL', toAmountFen: 179_200 }] });
    expect((await post(`/children/${institutional.id}/allowance/approval`, {}, approver)).statusCode).toBe(200);
  });

  it('pays a month once per child, never by the reviewer or approver, with allowance-paid citing the 低保 version', async () => {
    const payer = await token(['caseworker'], 'pay-1');
    expect((await post('/allowance-payment-runs', { month: '2026-12' }, payer)).json()).toMatchObject({ code: 'CHILD_DATE_IN_FUTURE', details: { field: 'month' } });
    expect((await post('/allowance-payment-runs', { month: '2026-11', regionCode: '442000002' }, payer)).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });

    const byApprover = (await post('/allowance-payment-runs', { month: '2026-11' }, await token(['supervisor'], 'sup-1'))).json<{ paid: number; failures: { childId: string; code: string }[] }>();
    expect(byApprover.paid).toBe(0);
    expect(byApprover.failures.map((failure) => failure.code)).toEqual(['CHILD_SEPARATION_OF_DUTIES', 'CHILD_SEPARATION_OF_DUTIES']);

    const run = await post('/allowance-payment-runs', { month: '2026-11' }, payer, { 'idempotency-key': 'run-2026-11' });
    expect(run.statusCode, run.body).toBe(201);
    expect(run.json()).toMatchObject({ month: '2026-11', regionCode: TOWN, considered: 2, paid: 2, skipped: 0, totalFen: 358_400, failures: [] });
    const again = (await post('/allowance-payment-runs', { month: '2026-11' }, payer)).json<unknown>();
    expect(again).toMatchObject({ considered: 2, paid: 0, skipped: 2 });

    // The child's events, in order: registered, reviewed, determined (approval), paid.
    const [, reviewed, determined, paid] = await service.events(defacto.personKey, 4);
    expect([reviewed?.eventType, determined?.eventType, paid?.eventType]).toEqual(['child-protection.allowance-reviewed', 'child-protection.allowance-determined', 'child-protection.allowance-paid']);
    expect(reviewed?.value).toMatchObject({ childRecordId: defacto.id, program: 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE', allowanceCategory: 'DEFACTO_UNSUPPORTED', startDate: '2026-11-01', endDate: '2033-03-14', reviewerId: 'cd-0101', envelope: { person: { personKey: defacto.personKey, name: '陈小雨' } } });
    expect(determined?.value).toMatchObject({
      childRecordId: defacto.id, determinationKind: 'APPROVED', effectiveDate: '2026-11-01', startDate: '2026-11-01', endDate: '2033-03-14',
      monthlyAmountFen: 179_200, previousMonthlyAmountFen: null, standardVersionId: CITY_2021, ruleVersionId: RULE, causeVersionId: null,
      schedule: [{ fromDate: '2026-11-01', amountFen: 179_200, dibaoStandardFen: 112_000, standardVersionId: CITY_2021, ruleVersionId: RULE, ratioPermille: 1_600 }],
      reviewerId: 'cd-0101', approverId: 'sup-1', actorId: 'sup-1',
    });
    expect(paid?.value).toMatchObject({ program: 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE', allowanceCategory: 'DEFACTO_UNSUPPORTED', amountFen: 179_200, periodFrom: '2026-11-01', periodTo: '2026-11-30', standardVersionId: CITY_2021, payee: { name: '林阿婆' }, payeeInstitutionId: null, payerId: 'pay-1', reviewerId: 'cd-0101', approverId: 'sup-1' });
    const [, , , institutionPaid] = await service.events(institutional.personKey, 4);
    expect(institutionPaid?.value).toMatchObject({ program: 'ORPHAN_ALLOWANCE', allowanceCategory: 'INSTITUTIONAL_ORPHAN', payee: null, payeeInstitutionId: 'INST-ZS-001' });
    expect((await child(defacto.id)).allowance?.paidMonths).toEqual([{ month: '2026-11', amountFen: 179_200, paymentId: expect.any(String) as string, dibaoVersionId: CITY_2021, ruleVersionId: RULE }]);
  });
});

describe('acceptance: a new 低保 standard on Kafka re-computes the allowances', () => {
  it('consumes reference.standard-changed (DIBAO) and records 1.6 × the new standard with the new version id; ignores other programs; skips redeliveries; dead-letters an unusable version', async () => {
    consumer = standardsConsumer(service, 2);
    await consumer.start();
    const versionId = 'DIBAO-442000-2026-12-01';
    const eventId = await publishStandard(service, { versionId, regionCode: '442000', effectiveFrom: '2026-12-01', valueFen: 115_000 });
    await publishStandard(service, { versionId, regionCode: '442000', effectiveFrom: '2026-12-01', valueFen: 115_000, eventId });
    await publishStandard(service, { versionId: 'TEKUN-442000-2026-12-01', regionCode: '442000', effectiveFrom: '2026-12-01', valueFen: 999_999, program: 'TEKUN' });
    await publishStandard(service, { versionId: 'DIBAO-BROKEN', regionCode: '442000', effectiveFrom: '2026-12-01', valueFen: null });

    for (const one of [defacto, institutional]) {
      const allowance = await waitFor(async () => {
        const current = (await child(one.id)).allowance;
        return current?.schedule.length === 2 ? current : undefined;
      }, { timeoutMs: 30_000, description: `the allowance of ${one.id} re-computed` });
      expect(allowance.schedule).toEqual([
        { from: '2026-11-01', amountFen: 179_200, dibaoFen: 112_000, dibaoVersionId: CITY_2021, ruleVersionId: RULE, ratioPermille: 1_600 },
        { from: '2026-12-01', amountFen: 184_000, dibaoFen: 115_000, dibaoVersionId: versionId, ruleVersionId: RULE, ratioPermille: 1_600 },
      ]);
      expect(allowance.schedule[1]?.amountFen).toBe((115_000 * 16) / 10);
      expect(allowance.recomputations.at(-1)).toMatchObject({ cause: versionId, fromAmountFen: 179_200, toAmountFen: 184_000 });
    }
    const metrics = await waitFor(() => {
      const current = consumer?.metrics();
      return current !== undefined && current.deadLettered >= 1 && current.duplicatesSkipped >= 1 ? current : undefined;
    }, { timeoutMs: 30_000, description: 'the redelivery skipped and the broken version dead-lettered' });
    expect(metrics.deadLettered).toBe(1);
    expect(await consumer.ready()).toMatchObject({ deadLettered: 1 });
    const stored = await service.deps.dibao.all();
    expect(stored.map((version) => [version.versionId, version.via])).toEqual([[CITY_2021, 'OPERATOR'], [versionId, 'KAFKA']]);

    // December is paid at the new amount, citing the new version.
    service.setNow('2026-12-03T02:00:00Z');
    const run = (await post('/allowance-payment-runs', { month: '2026-12' }, await token(['caseworker'], 'pay-1'))).json<unknown>();
    expect(run).toMatchObject({ paid: 2, totalFen: 368_000 });
    // The re-computation was published between the two payments, with the version that caused it.
    const events = await service.events(defacto.personKey, 6);
    expect(events.map((event) => event.eventType.replace('child-protection.', ''))).toEqual(['child-registered', 'allowance-reviewed', 'allowance-determined', 'allowance-paid', 'allowance-determined', 'allowance-paid']);
    expect(events[4]?.value).toMatchObject({
      determinationKind: 'RECOMPUTED', effectiveDate: '2026-12-01', monthlyAmountFen: 184_000, previousMonthlyAmountFen: 179_200, standardVersionId: versionId, ruleVersionId: RULE, causeVersionId: versionId, actorId: null, approverId: 'sup-1',
      schedule: [{ fromDate: '2026-11-01', amountFen: 179_200, standardVersionId: CITY_2021 }, { fromDate: '2026-12-01', amountFen: 184_000, dibaoStandardFen: 115_000, standardVersionId: versionId }],
    });
    expect(events[5]?.value).toMatchObject({ amountFen: 184_000, periodFrom: '2026-12-01', standardVersionId: versionId });
  });

  it('a town version back-dated to November (more specific than the city) re-computes both months and shows the arrears of the paid ones', async () => {
    const townVersion = 'DIBAO-442000001-2026-11-01';
    const entered = await post('/standards/dibao', { versionId: townVersion, regionCode: TOWN, effectiveFrom: '2026-11-01', monthlyStandardFen: 116_000, sourceDocument: '镇街标准' }, await token(['admin'], 'ops-1', '442000'));
    expect(entered.json()).toMatchObject({ considered: 2, recomputed: 2 });
    const allowance = (await child(defacto.id)).allowance;
    expect(allowance?.schedule).toEqual([{ from: '2026-11-01', amountFen: 185_600, dibaoFen: 116_000, dibaoVersionId: townVersion, ruleVersionId: RULE, ratioPermille: 1_600 }]);
    expect(allowance?.arrearsFen).toBe((185_600 - 179_200) + (185_600 - 184_000));

    // Withdrawn again (a correction through the operator route): the city versions apply once more.
    await post('/standards/dibao', { versionId: townVersion, regionCode: TOWN, effectiveFrom: '2026-11-01', monthlyStandardFen: 116_000, sourceDocument: '镇街标准', changeKind: 'WITHDRAWN' }, await token(['admin'], 'ops-1', '442000'));
    expect((await child(defacto.id)).allowance).toMatchObject({ arrearsFen: 0, schedule: [{ amountFen: 179_200 }, { amountFen: 184_000 }] });

    // Both re-computations are published, each from the first month it changes.
    const [backDated, withdrawn] = (await service.events(defacto.personKey, 8)).slice(6);
    expect(backDated).toMatchObject({ eventType: 'child-protection.allowance-determined', value: { determinationKind: 'RECOMPUTED', effectiveDate: '2026-11-01', previousMonthlyAmountFen: 179_200, monthlyAmountFen: 185_600, standardVersionId: townVersion, causeVersionId: townVersion, schedule: [{ fromDate: '2026-11-01', amountFen: 185_600 }] } });
    expect(withdrawn).toMatchObject({ eventType: 'child-protection.allowance-determined', value: { determinationKind: 'RECOMPUTED', effectiveDate: '2026-11-01', previousMonthlyAmountFen: 185_600, monthlyAmountFen: 179_200, standardVersionId: CITY_2021, causeVersionId: townVersion } });
  });

  it('ends the allowance when the child is re-categorised out of an allowance category', async () => {
    const [father] = defacto.guardians;
    const response = await post(`/children/${defacto.id}/guardianship-changes`, { changeKind: 'NEW_GUARDIAN_APPOINTED', effectiveDate: '2026-12-02', newGuardian: { idNumber: idNumber('1975-05-05', 'F'), name: '陈姑姑', relation: 'OTHER_RELATIVE', livesWithChild: true }, newCategory: 'IN_DIFFICULTY' }, await token(['child-protection'], 'cd-0101'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ category: 'IN_DIFFICULTY', allowance: { status: 'ENDED', endDate: '2026-12-31' } });
    expect(father?.personKey).toEqual(expect.any(String));

    // The end is published after the guardianship change and the re-registration, in the same write.
    const events = (await service.events(defacto.personKey, 11)).slice(8);
    expect(events.map((event) => event.eventType.replace('child-protection.', ''))).toEqual(['guardianship-changed', 'child-registered', 'allowance-determined']);
    expect(events[2]?.value).toMatchObject({
      determinationKind: 'ENDED', effectiveDate: '2027-01-01', endDate: '2026-12-31', monthlyAmountFen: null, previousMonthlyAmountFen: 184_000, standardVersionId: null, ruleVersionId: null,
      program: 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE', allowanceCategory: 'DEFACTO_UNSUPPORTED', approverId: 'sup-1', actorId: 'cd-0101',
      schedule: [{ fromDate: '2026-11-01', amountFen: 179_200 }, { fromDate: '2026-12-01', amountFen: 184_000 }],
    });
  });

  it('moves the allowance to the new category when the child is re-categorised within the allowance categories', async () => {
    const response = await post(`/children/${institutional.id}/guardianship-changes`, { changeKind: 'NEW_GUARDIAN_APPOINTED', effectiveDate: '2026-12-02', newGuardian: { idNumber: idNumber('1980-08-08', 'F'), name: '寄养妈妈', relation: 'FOSTER_PARENT', livesWithChild: true }, newCategory: 'SCATTERED_ORPHAN' }, await token(['child-protection'], 'cd-0101'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ category: 'SCATTERED_ORPHAN', allowance: { status: 'ACTIVE' } });
    const [last] = (await service.events(institutional.personKey, 11)).slice(10);
    expect(last).toMatchObject({
      eventType: 'child-protection.allowance-determined',
      value: { determinationKind: 'RECATEGORISED', effectiveDate: '2026-12-02', program: 'ORPHAN_ALLOWANCE', allowanceCategory: 'SCATTERED_ORPHAN', monthlyAmountFen: 184_000, previousMonthlyAmountFen: 184_000, standardVersionId: 'DIBAO-442000-2026-12-01', actorId: 'cd-0101' },
    });
  });
});
