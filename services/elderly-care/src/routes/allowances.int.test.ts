/**
 * 高龄津贴免申可领 on the real store and broker: the job grants hukou elders who reach a tier, never
 * twice on the same day (nor in a later run), not the day before the 80th birthday, never a
 * non-hukou elder; each grant cites the tier-table version; the grant event is published.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elderBody, registerElder, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());
afterEach(() => {
  service.setNow(undefined);
});

const REGION = '442000003';
const run = async (body: Record<string, unknown> = {}, roles: Parameters<TestService['token']>[0] = ['admin'], jurisdiction = REGION) =>
  service.app.inject({ method: 'POST', url: '/jobs/advanced-age-allowance', payload: body, headers: { authorization: `Bearer ${await service.token(roles, jurisdiction)}` } });
const grantsOf = async (elderId: string) =>
  (await service.app.inject({ url: `/elders/${elderId}/allowances`, headers: { authorization: `Bearer ${await service.token(['caseworker'], REGION)}` } })).json<{ items: { tierId: string; standardVersionId: string; monthlyAmountFen: number; startDate: string }[] }>().items;

describe('POST /jobs/advanced-age-allowance', () => {
  it('grants once per elder and tier: running twice on the same day grants nothing more; the elder turning 80 tomorrow waits', async () => {
    // "Today" is 2026-03-11 in China.
    service.setNow('2026-03-11T02:00:00.000Z');
    const turns80Today = await registerElder(service, elderBody('1946-03-11', { regionCode: '442000003001' }), REGION);
    const turns80Tomorrow = await registerElder(service, elderBody('1946-03-12', { regionCode: '442000003001' }), REGION);
    const ninetyTwo = await registerElder(service, elderBody('1934-01-20', { regionCode: '442000003001' }), REGION);
    const notHukou = await registerElder(service, elderBody('1930-05-05', { regionCode: '442000003001', hukouResident: false }), REGION);
    const seventy = await registerElder(service, elderBody('1956-01-01', { regionCode: '442000003001' }), REGION);

    const first = await run();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ date: '2026-03-11', regionCode: REGION, considered: 2, granted: 2, alreadyGranted: 0, failed: 0 });
    const second = await run();
    expect(second.json()).toMatchObject({ date: '2026-03-11', considered: 2, granted: 0, alreadyGranted: 2, grantIds: [] });

    expect(await grantsOf(turns80Today.id)).toEqual([expect.objectContaining({ tierId: 'AGE-80-89', standardVersionId: 'DEMO-GLJT-442000-2018-v1', monthlyAmountFen: 10_000, startDate: '2026-03-11' })]);
    expect(await grantsOf(ninetyTwo.id)).toEqual([expect.objectContaining({ tierId: 'AGE-90-99', monthlyAmountFen: 30_000, startDate: '2026-03-11' })]);
    expect(await grantsOf(turns80Tomorrow.id)).toEqual([]);
    expect(await grantsOf(notHukou.id)).toEqual([]);
    expect(await grantsOf(seventy.id)).toEqual([]);
    expect(await service.connection.collection('allowance_grants').countDocuments()).toBe(2);

    // The next day the elder turning 80 gets it; the others are not granted again.
    service.setNow('2026-03-12T02:00:00.000Z');
    expect((await run()).json()).toMatchObject({ date: '2026-03-12', considered: 3, granted: 1, alreadyGranted: 2 });
    expect(await grantsOf(turns80Tomorrow.id)).toEqual([expect.objectContaining({ tierId: 'AGE-80-89', startDate: '2026-03-12' })]);

    const events = await service.events(turns80Today.personKey, 2);
    expect(events.map((event) => event.eventType)).toEqual(['elderly-care.elder-registered', 'elderly-care.advanced-age-allowance-granted']);
    expect(events[1]?.value).toMatchObject({
      allowanceId: `GLJT-${turns80Today.id}-AGE-80-89`,
      tierId: 'AGE-80-89',
      standardVersionId: 'DEMO-GLJT-442000-2018-v1',
      monthlyAmountFen: 10_000,
      startDate: '2026-03-11',
      grantedWithoutApplication: true,
      envelope: { person: { personKey: turns80Today.personKey } },
    });
  });

  it('two overlapping runs grant once between them (the grant id is per elder and tier, the insert duplicate-safe)', async () => {
    service.setNow('2026-03-11T02:00:00.000Z');
    const elder = await registerElder(service, elderBody('1945-01-15', { regionCode: '442000003003' }), REGION);
    const [a, b] = await Promise.all([run({ regionCode: '442000003003' }), run({ regionCode: '442000003003' })]);
    const results = [a.json<{ granted: number; alreadyGranted: number }>(), b.json<{ granted: number; alreadyGranted: number }>()];
    expect(results.map((result) => result.granted).sort()).toEqual([0, 1]);
    expect(results.map((result) => result.alreadyGranted).sort()).toEqual([0, 1]);
    expect(await grantsOf(elder.id)).toHaveLength(1);
  });

  it('runs for a past date, refuses a future one, another jurisdiction, and roles other than admin and department-system', async () => {
    service.setNow('2026-03-11T02:00:00.000Z');
    const past = await run({ date: '2026-03-01' }, ['department-system']);
    expect(past.statusCode).toBe(200);
    expect(past.json()).toMatchObject({ date: '2026-03-01' });
    const future = await run({ date: '2026-03-12' });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', details: { field: 'date' } });
    expect((await run({ regionCode: '442000100' })).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await run({}, ['caseworker'])).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect((await run({ date: 'yesterday' })).json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.date' }] });
  });

  it('is ELDER_NO_STANDARD when no tier table is in force on the date', async () => {
    service.setNow('2026-03-11T02:00:00.000Z');
    await registerElder(service, elderBody('1930-01-01', { regionCode: '442000003002' }), REGION);
    const response = await run({ date: '2017-06-01' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'ELDER_NO_STANDARD' });
  });

  it('publishes the tier tables with their demo flag', async () => {
    const response = await service.app.inject({ url: '/parameters/advanced-age-allowance', headers: { authorization: `Bearer ${await service.token(['analyst'])}` } });
    expect(response.json<{ items: { versionId: string; demo: boolean }[] }>().items).toEqual([expect.objectContaining({ versionId: 'DEMO-GLJT-442000-2018-v1', demo: true })]);
  });

  it('published every tier and care-subsidy row once at start as reference.standard-changed, keyed per row, citing what grants and decisions cite', async () => {
    const [tier] = await service.events('DEMO-GLJT-442000-2018-v1|AGE-90-99', 1);
    expect(tier).toMatchObject({
      eventType: 'reference.standard-changed',
      value: {
        standardId: 'ADVANCED_AGE_ALLOWANCE-442000-AGE-90-99', versionId: 'DEMO-GLJT-442000-2018-v1', changeKind: 'PUBLISHED', program: 'ADVANCED_AGE_ALLOWANCE', standardKind: 'ALLOWANCE_TIER',
        tierId: 'AGE-90-99', tierBasis: 'AGE_YEARS', tierLowerBound: 90, tierUpperBound: 99, valueFen: 30_000, effectiveFrom: '2018-01-01',
        envelope: { person: null, source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE', recordId: 'DEMO-GLJT-442000-2018-v1|AGE-90-99' } },
      },
    });
    const [rule] = await service.events('DEMO-ZHBZ-442000-2019-v1|SEVERE-ECONOMIC-DIFFICULTY|SEVERE', 1);
    expect(rule?.value).toMatchObject({ program: 'ELDERLY_CARE_SUBSIDY', versionId: 'DEMO-ZHBZ-442000-2019-v1', supersedesVersionId: 'ZS-ZHBZ-442000-2018-v1', tierId: 'SEVERE-ECONOMIC-DIFFICULTY', tierBasis: 'CARE_DEPENDENCY_LEVEL', tierLowerBound: 3, valueFen: 400_000, beneficiaryCategory: 'DIBAO,LOW_INCOME,LONE_MILITARY_BENEFICIARY' });
    // One stored row per message: a restart publishes nothing again (the rows are there).
    expect(await service.connection.collection('standards').countDocuments()).toBe(7);
    expect(await service.connection.collection('standards').countDocuments({ outboxPending: true })).toBe(0);
  });
});
