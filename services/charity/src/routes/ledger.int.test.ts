/**
 * The ledger on the real FerretDB and Kafka: donations and disbursements, the balance that is
 * never overdrawn under concurrent requests (from this process and from a second writer), the
 * invariant recomputed from the stored entries, idempotent replays (also after the idempotency
 * record is lost, as in a crash), the education standard (R-E12), masking, audit and events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_COLLECTION, type LedgerBody, type LedgerLink } from '../campaigns/ledger.schema.js';
import { Chain } from '../chain/chain.js';
import { disburseAid, OPENED_LEDGER, type LedgerState } from '../domain/ledger.js';
import { bearer, disburse, donate, openCampaign } from '../test-support/fixtures.js';
import { idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const VILLAGE = '442000001001';
const recipient = (birth = '1968-03-02') => ({ idNumber: idNumber(birth, 'M'), name: '陈志强' });

/** Recomputes a campaign's figures from its stored entries, and checks that the chain has no gap and each state follows its predecessor. */
async function recompute(campaignId: string) {
  const links = await service.connection.collection<LedgerLink>(LEDGER_COLLECTION).find({ chainId: campaignId }).sort({ seq: 1 }).toArray();
  let received = 0;
  let disbursed = 0;
  let inKind = 0;
  links.forEach((link, index) => {
    expect(link.seq).toBe(index + 1);
    if (link.kind === 'DONATION') {
      if (link.donation?.donationForm === 'CASH') received += link.amountFen;
      else inKind += link.amountFen;
    }
    if (link.kind === 'DISBURSEMENT') disbursed += link.amountFen;
    expect(link.state).toMatchObject({ receivedFen: received, disbursedFen: disbursed, balanceFen: received - disbursed, inKindValueFen: inKind });
  });
  return { received, disbursed, inKind, links };
}

describe('donations', () => {
  it('records an individual donation with the donor sealed at rest, shown to caseworkers (audited), masked for analysts, and publishes donation-received keyed by campaign', async () => {
    const campaignId = await openCampaign(service);
    const donor = { idNumber: idNumber('1985-03-15', 'F'), name: '黄丽娟' };
    const response = await donate(service, campaignId, 50_000, { donorKind: 'INDIVIDUAL', donor, channel: 'ONLINE_PLATFORM', receiptNo: 'R-1' });
    expect(response.statusCode).toBe(201);
    const view = response.json<{ id: string; donor: { idNumber: string; name: string; personKey: string }; balanceAfterFen: number; masked: boolean }>();
    expect(view).toMatchObject({ donor: { idNumber: donor.idNumber, name: '黄丽娟' }, balanceAfterFen: 50_000, masked: false });

    const stored = await service.connection.collection(LEDGER_COLLECTION).findOne({ entryId: view.id });
    expect(JSON.stringify(stored)).not.toContain(donor.idNumber);
    expect(JSON.stringify(stored)).not.toContain('黄丽娟');

    const asAnalyst = await service.app.inject({ url: `/campaigns/${campaignId}/donations`, headers: await bearer(service, ['analyst']) });
    expect(asAnalyst.statusCode).toBe(200);
    const page = asAnalyst.json<{ items: { donor: { idNumber: string; name: string } }[]; total: number }>();
    expect(page.total).toBe(1);
    expect(page.items[0]?.donor.idNumber).not.toBe(donor.idNumber);
    expect(page.items[0]?.donor.name).not.toBe('黄丽娟');

    const audits = await service.connection.collection('access_audit').countDocuments({ personKeys: view.donor.personKey });
    expect(audits).toBeGreaterThanOrEqual(1);

    const events = await service.events(campaignId, 2);
    expect(events.map((event) => event.eventType)).toEqual(['charity.campaign-opened', 'charity.donation-received']);
    expect(events[1]?.value).toMatchObject({ donationId: view.id, campaignId, donorKind: 'INDIVIDUAL', donor: { idNumber: donor.idNumber, name: '黄丽娟' }, amountFen: 50_000, donationForm: 'CASH', receiptNo: 'R-1' });
  });

  it('refuses a donor that does not fit its kind, a bad donor ID number, a future date, and a campaign outside the jurisdiction', async () => {
    const campaignId = await openCampaign(service);
    const mismatch = await donate(service, campaignId, 100, { donorKind: 'ANONYMOUS', donorOrganisationName: '某公司' });
    expect(mismatch.json()).toMatchObject({ code: 'CHARITY_DONOR_MISMATCH', details: { field: 'donorOrganisationName' } });
    const badId = await donate(service, campaignId, 100, { donorKind: 'INDIVIDUAL', donor: { idNumber: withWrongCheckDigit(idNumber('1990-01-01')) } });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'donor.idNumber' } });
    const future = await donate(service, campaignId, 100, { receivedDate: '2999-01-01' });
    expect(future.json()).toMatchObject({ code: 'CHARITY_DATE_IN_FUTURE', details: { field: 'receivedDate' } });
    const negative = await donate(service, campaignId, -1);
    expect(negative.json()).toMatchObject({ code: 'REQUEST_INVALID' });
    const elsewhere = await service.app.inject({ method: 'POST', url: `/campaigns/${campaignId}/donations`, headers: await bearer(service, ['caseworker'], '442000002'), payload: { donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen: 1, channel: 'ON_SITE' } });
    expect(elsewhere.json()).toMatchObject({ code: 'CHARITY_NOT_FOUND' });
    const analyst = await service.app.inject({ method: 'POST', url: `/campaigns/${campaignId}/donations`, headers: await bearer(service, ['analyst']), payload: { donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen: 1, channel: 'ON_SITE' } });
    expect(analyst.json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
  });

  it('counts a replay with the same Idempotency-Key once, even when the idempotency record was lost (as after a crash)', async () => {
    const campaignId = await openCampaign(service);
    const first = await donate(service, campaignId, 7_000, {}, { 'idempotency-key': 'don-1' });
    const replay = await donate(service, campaignId, 7_000, {}, { 'idempotency-key': 'don-1' });
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);

    // The process died after the ledger write and before the idempotency record completed: the retry runs the use case again.
    await service.connection.collection('idempotency_keys').deleteMany({});
    const retried = await donate(service, campaignId, 7_000, {}, { 'idempotency-key': 'don-1' });
    expect(retried.statusCode).toBe(201);
    expect(retried.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);

    const { received, links } = await recompute(campaignId);
    expect(received).toBe(7_000);
    expect(links).toHaveLength(1);
    const campaign = await service.app.inject({ url: `/campaigns/${campaignId}`, headers: await bearer(service, ['analyst']) });
    expect(campaign.json()).toMatchObject({ totals: { receivedFen: 7_000, donationCount: 1 } });
  });
});

describe('disbursements against one balance', () => {
  it('many concurrent disbursements never overdraw the balance; afterwards received = disbursed + balance, recomputed from the entries', async () => {
    const campaignId = await openCampaign(service);
    expect((await donate(service, campaignId, 100_000)).statusCode).toBe(201);
    const requests = Array.from({ length: 40 }, (_, index) => disburse(service, campaignId, { recipient: recipient(`1960-01-${String((index % 28) + 1).padStart(2, '0')}`), regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 3_000 }));
    const responses = await Promise.all(requests);
    const accepted = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode !== 201);
    expect(accepted).toHaveLength(33);
    expect(refused).toHaveLength(7);
    for (const response of refused) {
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'CHARITY_INSUFFICIENT_BALANCE', details: { amountFen: 3_000, balanceFen: 1_000 } });
    }
    const { received, disbursed, links } = await recompute(campaignId);
    expect({ received, disbursed }).toEqual({ received: 100_000, disbursed: 99_000 });
    expect(links.at(-1)?.state).toMatchObject({ balanceFen: 1_000, disbursementCount: 33 });
    const campaign = await service.app.inject({ url: `/campaigns/${campaignId}`, headers: await bearer(service, ['supervisor']) });
    expect(campaign.json()).toMatchObject({ totals: { receivedFen: 100_000, disbursedFen: 99_000, balanceFen: 1_000, disbursementCount: 33 }, ledgerSeq: 34 });
  });

  it('holds when a second writer (another instance) appends to the same ledger at the same time', async () => {
    const campaignId = await openCampaign(service, { kind: 'MICRO_FUND' });
    expect((await donate(service, campaignId, 50_000)).statusCode).toBe(201);
    // Another instance: its own chain object (own cache and queue) on the same collection.
    const other = new Chain<LedgerState, LedgerBody>(service.connection, LEDGER_COLLECTION, OPENED_LEDGER);
    const fromOther = Array.from({ length: 15 }, (_, index) => other.append(campaignId, `OTHER-${campaignId}-${String(index)}`, (head) => ({
      state: disburseAid(head.state, campaignId, { amountFen: 2_000, month: '2026-11' }),
      body: { kind: 'DISBURSEMENT', amountFen: 2_000, date: '2026-11-01', recordedBy: 'other', donation: null, disbursement: null, closeReason: null },
      events: [],
    })).then(() => 'ok', (error: unknown) => (error as { code?: string }).code));
    const fromApp = Array.from({ length: 15 }, () => disburse(service, campaignId, { recipient: recipient(), regionCode: VILLAGE, aidKind: 'OTHER', amountFen: 2_000 }).then((response) => (response.statusCode === 201 ? 'ok' : response.json<{ code: string }>().code)));
    const outcomes = await Promise.all([...fromOther, ...fromApp]);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(25);
    expect(outcomes.filter((outcome) => outcome !== 'ok').every((outcome) => outcome === 'CHARITY_INSUFFICIENT_BALANCE')).toBe(true);
    const { received, disbursed, links } = await recompute(campaignId);
    expect(received - disbursed).toBe(0);
    expect(links.at(-1)?.state.balanceFen).toBe(0);
  });

  it('records a disbursement with the recipient sealed, publishes aid-disbursed (keyed by its household), and refuses bad input with coded errors', async () => {
    const campaignId = await openCampaign(service);
    await donate(service, campaignId, 1_000_000);
    const person = recipient('1970-05-06');
    const response = await disburse(service, campaignId, { recipient: person, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 400_000, eligibleCostFen: 900_000, medicalSettlementId: 'YB-1', householdId: 'HH-1' });
    expect(response.statusCode).toBe(201);
    const view = response.json<{ id: string; recipient: { personKey: string; idNumber: string }; approverId: string; parameterVersionId: null }>();
    expect(view).toMatchObject({ recipient: { idNumber: person.idNumber }, approverId: 'approver-1', parameterVersionId: null });
    const stored = await service.connection.collection(LEDGER_COLLECTION).findOne({ entryId: view.id });
    expect(JSON.stringify(stored)).not.toContain(person.idNumber);
    expect(JSON.stringify(stored)).not.toContain(person.name);

    // Keyed by the household when the disbursement names one (the publisher's default), else by the person.
    const [event] = await service.events('HH-1', 1);
    expect(event?.eventType).toBe('charity.aid-disbursed');
    expect(event?.value).toMatchObject({ disbursementId: view.id, aidKind: 'MAJOR_ILLNESS', amountFen: 400_000, eligibleCostFen: 900_000, medicalSettlementId: 'YB-1', campaignId, fundName: '大病困难帮扶中心', approverId: 'approver-1', envelope: { person: { idNumber: person.idNumber }, household: { householdId: 'HH-1' }, region: { villageCode: VILLAGE } } });

    const list = await service.app.inject({ url: `/campaigns/${campaignId}/disbursements?aidKind=MAJOR_ILLNESS`, headers: await bearer(service, ['analyst']) });
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: view.id, masked: true }] });
    expect(list.body).not.toContain(person.idNumber);

    const wrongKind = await disburse(service, campaignId, { recipient: person, regionCode: VILLAGE, aidKind: 'EDUCATION', educationLevel: 'JUNIOR_HIGH', amountFen: 1 });
    expect(wrongKind.json()).toMatchObject({ code: 'CHARITY_AID_KIND_MISMATCH' });
    const levelOnOther = await disburse(service, campaignId, { recipient: person, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', educationLevel: 'JUNIOR_HIGH', amountFen: 1 });
    expect(levelOnOther.json()).toMatchObject({ code: 'CHARITY_EDUCATION_LEVEL_REQUIRED', details: { field: 'educationLevel' } });
    const badId = await disburse(service, campaignId, { recipient: { ...person, idNumber: withWrongCheckDigit(person.idNumber) }, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 1 });
    expect(badId.json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'recipient.idNumber' } });
    const unknownRegion = await disburse(service, campaignId, { recipient: person, regionCode: '442000999999', aidKind: 'MAJOR_ILLNESS', amountFen: 1 });
    expect(unknownRegion.json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });
    const tooMuch = await disburse(service, campaignId, { recipient: person, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 600_001 });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'CHARITY_INSUFFICIENT_BALANCE', details: { amountFen: 600_001, balanceFen: 600_000 } });
    const caseworker = await service.app.inject({ method: 'POST', url: `/campaigns/${campaignId}/disbursements`, headers: await bearer(service, ['caseworker']), payload: { recipient: person, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 1 } });
    expect(caseworker.json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
  });
});

describe('education aid (R-E12)', () => {
  it('publishes each seeded parameter once at start as a reference standard, keyed by its version id', async () => {
    const versions = ['UNIVERSITY', 'SENIOR_HIGH', 'JUNIOR_HIGH'].map((level) => `EDUCATION|${level}|442000|2021-01-01`);
    const published = await Promise.all(versions.map((versionId) => service.events(versionId, 1)));
    expect(published.map((events) => events.map((event) => [event.eventType, event.value.valueFen, event.value.beneficiaryCategory]))).toEqual([
      [['reference.standard-changed', 800_000, 'EDUCATION|UNIVERSITY']],
      [['reference.standard-changed', 300_000, 'EDUCATION|SENIOR_HIGH']],
      [['reference.standard-changed', 100_000, 'EDUCATION|JUNIOR_HIGH']],
    ]);
    expect(published[0]?.[0]?.value).toMatchObject({ standardId: 'CHARITY_AID-EDUCATION-UNIVERSITY-442000', versionId: versions[0], title: '慈善教育帮扶每人每年上限（大学）', program: 'CHARITY_AID', standardKind: 'ANNUAL_AMOUNT', areaScope: 'ALL', effectiveFrom: '2021-01-01', effectiveTo: null, envelope: { source: { department: 'CIVIL_AFFAIRS_CHARITY', recordId: versions[0] } } });
  });

  it('checks each student\'s aid per year against the seeded standard, also under concurrent requests', async () => {
    const campaignId = await openCampaign(service, { kind: 'EDUCATION', fundName: '教育帮扶中心', openDate: '2026-01-01' });
    await donate(service, campaignId, 5_000_000);
    const student = recipient('2009-09-01');
    const first = await disburse(service, campaignId, { recipient: student, regionCode: VILLAGE, aidKind: 'EDUCATION', educationLevel: 'SENIOR_HIGH', amountFen: 200_000, disbursedDate: '2026-03-01' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ parameterVersionId: 'EDUCATION|SENIOR_HIGH|442000|2021-01-01' });
    const above = await disburse(service, campaignId, { recipient: student, regionCode: VILLAGE, aidKind: 'EDUCATION', educationLevel: 'SENIOR_HIGH', amountFen: 150_000, disbursedDate: '2026-09-01' });
    expect(above.statusCode).toBe(422);
    expect(above.json()).toMatchObject({ code: 'CHARITY_AID_ABOVE_CAP', details: { annualCapFen: 300_000, alreadyPaidFen: 200_000, amountFen: 150_000, year: '2026', parameterVersionId: 'EDUCATION|SENIOR_HIGH|442000|2021-01-01' } });
    const rest = await disburse(service, campaignId, { recipient: student, regionCode: VILLAGE, aidKind: 'EDUCATION', educationLevel: 'SENIOR_HIGH', amountFen: 100_000, disbursedDate: '2026-09-01' });
    expect(rest.statusCode).toBe(201);
    const missingLevel = await disburse(service, campaignId, { recipient: student, regionCode: VILLAGE, aidKind: 'EDUCATION', amountFen: 1 });
    expect(missingLevel.json()).toMatchObject({ code: 'CHARITY_EDUCATION_LEVEL_REQUIRED' });

    // Another student, five requests of 3,000 yuan at once against the university standard of 8,000 yuan: two succeed.
    const undergraduate = recipient('2006-06-06');
    const racing = await Promise.all(Array.from({ length: 5 }, () => disburse(service, campaignId, { recipient: undergraduate, regionCode: VILLAGE, aidKind: 'EDUCATION', educationLevel: 'UNIVERSITY', amountFen: 300_000 })));
    expect(racing.filter((response) => response.statusCode === 201)).toHaveLength(2);
    expect(racing.filter((response) => response.statusCode === 422).every((response) => response.json<{ code: string }>().code === 'CHARITY_AID_ABOVE_CAP')).toBe(true);

    const { disbursed } = await recompute(campaignId);
    expect(disbursed).toBe(200_000 + 100_000 + 600_000);
  });

  it('applies a configured cap for major-illness aid (PARAMETER) once an admin publishes one', async () => {
    const publish = await service.app.inject({ method: 'POST', url: '/aid-parameters', headers: await bearer(service, ['admin'], '442000001'), payload: { aidKind: 'MAJOR_ILLNESS', regionCode: '442000001', effectiveFrom: '2020-01-01', annualCapFen: 500_000, source: 'demo value, not policy' } });
    expect(publish.statusCode).toBe(201);
    const again = await service.app.inject({ method: 'POST', url: '/aid-parameters', headers: await bearer(service, ['admin'], '442000001'), payload: { aidKind: 'MAJOR_ILLNESS', regionCode: '442000001', effectiveFrom: '2020-01-01', annualCapFen: 1, source: 'xx' } });
    expect(again.json()).toMatchObject({ code: 'CHARITY_PARAMETER_OVERLAP' });
    const outside = await service.app.inject({ method: 'POST', url: '/aid-parameters', headers: await bearer(service, ['admin'], '442000001'), payload: { aidKind: 'MAJOR_ILLNESS', regionCode: '442000002', effectiveFrom: '2020-01-01', annualCapFen: 1, source: 'xx' } });
    expect(outside.json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    const list = await service.app.inject({ url: '/aid-parameters?aidKind=MAJOR_ILLNESS', headers: await bearer(service, ['analyst']) });
    expect(list.json()).toMatchObject({ items: [{ aidKind: 'MAJOR_ILLNESS', annualCapFen: 500_000 }] });
    // Published as a reference standard (program CHARITY_AID), keyed by the version id; the refused overlap publishes nothing.
    const versionId = 'MAJOR_ILLNESS|-|442000001|2020-01-01';
    expect(await service.events(versionId, 1)).toEqual([{ eventType: 'reference.standard-changed', value: expect.objectContaining({
      standardId: 'CHARITY_AID-MAJOR_ILLNESS-442000001', versionId, changeKind: 'PUBLISHED', supersedesVersionId: null, program: 'CHARITY_AID', standardKind: 'ANNUAL_AMOUNT',
      beneficiaryCategory: 'MAJOR_ILLNESS', valueFen: 500_000, effectiveFrom: '2020-01-01', region: { countyCode: '442000', townCode: '442000001', villageCode: null }, sourceDocument: 'demo value, not policy',
    }) as unknown }]);
    const campaignId = await openCampaign(service);
    await donate(service, campaignId, 2_000_000);
    const patient = recipient('1950-02-02');
    expect((await disburse(service, campaignId, { recipient: patient, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 500_000 })).statusCode).toBe(201);
    expect((await disburse(service, campaignId, { recipient: patient, regionCode: VILLAGE, aidKind: 'MAJOR_ILLNESS', amountFen: 1 })).json()).toMatchObject({ code: 'CHARITY_AID_ABOVE_CAP' });
    // Elsewhere in the city no cap is configured.
    expect((await disburse(service, campaignId, { recipient: patient, regionCode: '442000002001', aidKind: 'MAJOR_ILLNESS', amountFen: 600_000 })).statusCode).toBe(201);
  });
});
