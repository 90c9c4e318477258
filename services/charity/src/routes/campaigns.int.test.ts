/**
 * Organisations, campaigns and the public transparency view on the real FerretDB and Kafka:
 * credit-code checks, open and close with their events in order, a closed campaign refusing
 * donations and disbursements, and a public view without a token and without personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISER, bearer, disburse, donate, openCampaign, registerOrganiser } from '../test-support/fixtures.js';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('organisations', () => {
  const register = async (payload: Record<string, unknown>, roles: Parameters<TestService['token']>[0] = ['admin'], jurisdiction = '442000') =>
    service.app.inject({ method: 'POST', url: '/organisations', headers: await bearer(service, roles, jurisdiction), payload: { name: '中山市某某慈善基金会', form: 'FOUNDATION', regionCode: '442000001', publicFundraising: false, ...payload } });

  it('registers an organisation by credit code, reads and lists it; a second registration is refused', async () => {
    const created = await register({ creditCode: '91110000600037341L', recognisedDate: '2020-05-01' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ creditCode: '91110000600037341L', form: 'FOUNDATION', regionCode: '442000001', recognisedDate: '2020-05-01' });
    const again = await register({ creditCode: '91110000600037341l' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CHARITY_ORGANISATION_EXISTS', details: { field: 'creditCode' } });
    const read = await service.app.inject({ url: '/organisations/91110000600037341L', headers: await bearer(service, ['analyst'], '442000001') });
    expect(read.json()).toMatchObject({ name: '中山市某某慈善基金会' });
    const list = await service.app.inject({ url: '/organisations?form=FOUNDATION&regionCode=442000001', headers: await bearer(service, ['caseworker']) });
    expect(list.json()).toMatchObject({ total: 1, items: [{ creditCode: '91110000600037341L' }] });
    const elsewhere = await service.app.inject({ url: '/organisations/91110000600037341L', headers: await bearer(service, ['analyst'], '442000002') });
    expect(elsewhere.json()).toMatchObject({ code: 'CHARITY_NOT_FOUND' });

    // Published once, keyed by the credit code (the refused second registration publishes nothing).
    const events = await service.events('91110000600037341L', 1);
    expect(events.map((event) => event.eventType)).toEqual(['charity.organisation-registered']);
    expect(events[0]?.value).toMatchObject({
      creditCode: '91110000600037341L', organisationName: '中山市某某慈善基金会', organisationForm: 'FOUNDATION', recognisedDate: '2020-05-01', publicFundraising: false, registeredById: 'u-1',
      envelope: { person: null, source: { department: 'CIVIL_AFFAIRS_CHARITY', recordId: '91110000600037341L' }, region: { townCode: '442000001' } },
    });
  });

  it('refuses a wrong check character and a malformed code with coded errors naming the field', async () => {
    const wrong = await register({ creditCode: '91110000600037341X' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'CHARITY_USCC_CHECK_CHARACTER', details: { field: 'creditCode' } });
    const malformed = await register({ creditCode: '9111000060003734IL' });
    expect(malformed.json()).toMatchObject({ code: 'CHARITY_USCC_FORMAT', details: { field: 'creditCode' } });
    expect((await register({ creditCode: '91350100M000100Y43', regionCode: '442000999' })).json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });
    expect((await register({ creditCode: '91350100M000100Y43', recognisedDate: '2999-01-01' })).json()).toMatchObject({ code: 'CHARITY_DATE_IN_FUTURE' });
    expect((await register({ creditCode: '91350100M000100Y43' }, ['admin'], '442000002')).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await register({ creditCode: '91350100M000100Y43' }, ['caseworker'])).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect((await service.app.inject({ method: 'POST', url: '/organisations', payload: {} })).json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});

describe('campaigns', () => {
  it('opens a campaign (campaign-opened), lists it, closes it with the ledger totals (campaign-closed), and then refuses donations, disbursements and a second close', async () => {
    const campaignId = await openCampaign(service, { kind: 'EDUCATION', title: '助学微基金', fundName: '刘蓉蓉慈育助学基金', targetAmountFen: 500_000, filingNo: 'BA-2026-1', openDate: '2026-10-01', plannedCloseDate: '2026-12-31' });
    await donate(service, campaignId, 120_000, { receivedDate: '2026-10-15' });
    await donate(service, campaignId, 30_000, { donorKind: 'ENTERPRISE', donorOrganisationName: '某电器公司', donationForm: 'IN_KIND', channel: 'ON_SITE' });

    const list = await service.app.inject({ url: '/campaigns?kind=EDUCATION', headers: await bearer(service, ['analyst']) });
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: campaignId, status: 'OPEN', totals: { receivedFen: 120_000, inKindValueFen: 30_000, donationCount: 2 } }] });

    const closed = await service.app.inject({ method: 'POST', url: `/campaigns/${campaignId}/close`, headers: await bearer(service, ['supervisor']), payload: { reason: 'TARGET_REACHED' } });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'CLOSED', closeReason: 'TARGET_REACHED', totals: { balanceFen: 120_000 } });

    const late = await donate(service, campaignId, 1);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'CHARITY_CAMPAIGN_CLOSED' });
    const aid = await disburse(service, campaignId, { recipient: { idNumber: idNumber('2008-01-01'), name: '李小红' }, regionCode: '442000001001', aidKind: 'EDUCATION', educationLevel: 'JUNIOR_HIGH', amountFen: 1 });
    expect(aid.statusCode).toBe(409);
    expect(aid.json()).toMatchObject({ code: 'CHARITY_CAMPAIGN_CLOSED' });
    const twice = await service.app.inject({ method: 'POST', url: `/campaigns/${campaignId}/close`, headers: await bearer(service, ['supervisor']), payload: { reason: 'OTHER' } });
    expect(twice.json()).toMatchObject({ code: 'CHARITY_CAMPAIGN_CLOSED' });

    const events = await service.events(campaignId, 4);
    expect(events.map((event) => event.eventType)).toEqual(['charity.campaign-opened', 'charity.donation-received', 'charity.donation-received', 'charity.campaign-closed']);
    expect(events[0]?.value).toMatchObject({ campaignId, title: '助学微基金', campaignKind: 'EDUCATION', organiserId: ORGANISER, organiserName: '中山市慈善总会', filingNo: 'BA-2026-1', targetAmountFen: 500_000, openDate: '2026-10-01', plannedCloseDate: '2026-12-31' });
    expect(events[3]?.value).toMatchObject({ campaignId, closeReason: 'TARGET_REACHED', totalRaisedFen: 150_000, donationCount: 2 });
  });

  it('refuses an unregistered organiser, a bad organiser code, dates out of order, and a region outside the jurisdiction', async () => {
    await registerOrganiser(service);
    const open = async (payload: Record<string, unknown>, jurisdiction = '442000') =>
      service.app.inject({ method: 'POST', url: '/campaigns', headers: await bearer(service, ['supervisor'], jurisdiction), payload: { title: '微基金项目', kind: 'MICRO_FUND', organiserId: ORGANISER, regionCode: '442000001', ...payload } });
    expect((await open({ organiserId: '91350100M000100Y43' })).json()).toMatchObject({ code: 'CHARITY_ORGANISER_NOT_REGISTERED', details: { field: 'organiserId' } });
    expect((await open({ organiserId: '91350100M000100Y44' })).json()).toMatchObject({ code: 'CHARITY_USCC_CHECK_CHARACTER', details: { field: 'organiserId' } });
    expect((await open({ openDate: '2026-11-01', plannedCloseDate: '2026-10-01' })).json()).toMatchObject({ code: 'CHARITY_DATE_ORDER', details: { field: 'plannedCloseDate' } });
    expect((await open({ openDate: '2999-11-01' })).json()).toMatchObject({ code: 'CHARITY_DATE_IN_FUTURE' });
    expect((await open({}, '442000002')).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await open({ kind: 'NAMED_FUND' })).json()).toMatchObject({ code: 'REQUEST_INVALID' });
    const missing = await service.app.inject({ url: '/campaigns/CP-nope', headers: await bearer(service, ['analyst']) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'CHARITY_NOT_FOUND' });
    const closeBefore = await service.app.inject({ method: 'POST', url: `/campaigns/${await openCampaign(service, { openDate: '2026-11-01' })}/close`, headers: await bearer(service, ['supervisor']), payload: { reason: 'OTHER', closedDate: '2026-10-31' } });
    expect(closeBefore.json()).toMatchObject({ code: 'CHARITY_DATE_ORDER', details: { field: 'closedDate' } });
  });
});

describe('GET /public/campaigns/:id', () => {
  it('answers without a token with totals, counts and months, and no personal field at all', async () => {
    const campaignId = await openCampaign(service, { openDate: '2026-10-01' });
    const donor = { idNumber: idNumber('1980-08-08', 'M'), name: '王建国' };
    const person = { idNumber: idNumber('1955-05-05', 'F'), name: '林秀梅' };
    await donate(service, campaignId, 300_000, { donorKind: 'INDIVIDUAL', donor, receivedDate: '2026-10-02' });
    // Dates given (not today), so the months below hold whatever day the test runs.
    await donate(service, campaignId, 200_000, { donorKind: 'ENTERPRISE', donorOrganisationName: '某某实业有限公司', receivedDate: '2026-11-03' });
    const paid = await disburse(service, campaignId, { recipient: person, regionCode: '442000001001', aidKind: 'MAJOR_ILLNESS', amountFen: 150_000, householdId: 'HH-PUBLIC', disbursedDate: '2026-11-04' });
    const donorKey = (await service.app.inject({ url: `/campaigns/${campaignId}/donations`, headers: await bearer(service, ['analyst']) })).json<{ items: { donor: { personKey: string } | null }[] }>().items.find((item) => item.donor !== null)?.donor?.personKey;
    const recipientKey = paid.json<{ recipient: { personKey: string } }>().recipient.personKey;

    const response = await service.app.inject({ url: `/public/campaigns/${campaignId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      campaignId,
      status: 'OPEN',
      totals: { receivedFen: 500_000, disbursedFen: 150_000, balanceFen: 350_000, donationCount: 2, disbursementCount: 1 },
      months: [
        { month: '2026-10', receivedFen: 300_000, donations: 1, disbursements: 0 },
        { month: '2026-11', receivedFen: 200_000, disbursedFen: 150_000, donations: 1, disbursements: 1 },
      ],
    });
    for (const personal of [donor.idNumber, donor.name, person.idNumber, person.name, donorKey, recipientKey, 'HH-PUBLIC', '某某实业有限公司', 'personKey', 'idNumber']) {
      expect(personal).toBeDefined();
      expect(response.body).not.toContain(personal);
    }
    const missing = await service.app.inject({ url: '/public/campaigns/CP-nope' });
    expect(missing.json()).toMatchObject({ code: 'CHARITY_NOT_FOUND' });
  });
});
