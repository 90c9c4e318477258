/**
 * Ability assessments with the care-subsidy decision, home services and renovations, visits and
 * the monthly-visit report, on the real store and broker: successes, coded failures, events in
 * order per elder.
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

const TOWN = '442000004';
const headers = async (roles: Parameters<TestService['token']>[0] = ['caseworker'], jurisdiction = TOWN) => ({ authorization: `Bearer ${await service.token(roles, jurisdiction)}` });
const assess = async (elderId: string, body: Record<string, unknown>, roles?: Parameters<TestService['token']>[0]) =>
  service.app.inject({ method: 'POST', url: `/elders/${elderId}/assessments`, payload: body, headers: await headers(roles) });

describe('POST /elders/:id/assessments and GET /elders/:id/care-subsidy', () => {
  it('records the assessment, decides the care subsidy with the table version, stores it, refreshes the priority groups, and publishes the event', async () => {
    service.setNow('2026-02-27T02:00:00.000Z');
    const elder = await registerElder(service, elderBody('1941-07-19', { regionCode: '442000004001', livingArrangement: 'WITH_FAMILY', economicStatus: 'DIBAO' }), TOWN);
    const response = await assess(elder.id, { careDependencyLevel: 'SEVERE', score: 20, assessmentStandard: 'GB/T 42195-2022', assessorOrganisationId: 'ORG-PG-0003', assessedDate: '2026-02-26', validUntil: '2027-02-25' }, ['department-system']);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      elderId: elder.id,
      careDependencyLevel: 'SEVERE',
      careSubsidy: { qualifies: true, monthlyAmountFen: 400_000, versionId: 'DEMO-ZHBZ-442000-2019-v1', ruleId: 'SEVERE-ECONOMIC-DIFFICULTY', decidedOn: '2026-02-27' },
      priorityGroups: ['DISABLED'],
      version: 2,
    });
    const view = (await service.app.inject({ url: `/elders/${elder.id}`, headers: await headers() })).json<Record<string, unknown>>();
    expect(view).toMatchObject({ currentAssessment: { careDependencyLevel: 'SEVERE' }, careSubsidy: { qualifies: true, monthlyAmountFen: 400_000 }, priorityGroups: ['DISABLED'] });

    const onDate = await service.app.inject({ url: `/elders/${elder.id}/care-subsidy?date=2026-02-27`, headers: await headers(['analyst']) });
    expect(onDate.json()).toMatchObject({ elderId: elder.id, decision: { qualifies: true, versionId: 'DEMO-ZHBZ-442000-2019-v1' } });
    const before = await service.app.inject({ url: `/elders/${elder.id}/care-subsidy?date=2026-02-25`, headers: await headers(['analyst']) });
    expect(before.json()).toMatchObject({ assessmentId: null, decision: { qualifies: false, reason: 'no valid ability assessment' } });
    const future = await service.app.inject({ url: `/elders/${elder.id}/care-subsidy?date=2026-03-30`, headers: await headers(['analyst']) });
    expect(future.json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE' });

    const events = await service.events(elder.personKey, 3);
    expect(events.map((event) => event.eventType)).toEqual(['elderly-care.elder-registered', 'elderly-care.ability-assessment-completed', 'elderly-care.care-subsidy-decided']);
    expect(events[1]?.value).toMatchObject({ careDependencyLevel: 'SEVERE', score: 20, assessmentStandard: 'GB/T 42195-2022', assessorOrganisationId: 'ORG-PG-0003', assessedDate: '2026-02-26', validUntil: '2027-02-25' });
    // The decision, in the same write, cites the assessment, the table version and the rule.
    const { assessmentId } = events[1]?.value as { assessmentId: string };
    expect(events[2]?.value).toMatchObject({
      assessmentId, program: 'ELDERLY_CARE_SUBSIDY', qualifies: true, monthlyAmountFen: 400_000, careDependencyLevel: 'SEVERE', economicStatus: 'DIBAO',
      standardVersionId: 'DEMO-ZHBZ-442000-2019-v1', tierId: 'SEVERE-ECONOMIC-DIFFICULTY', notQualifiedReason: null, decidedOn: '2026-02-27', envelope: { person: { personKey: elder.personKey } },
    });
  });

  it('names the field and the rule: future date, validUntil before the date, stale version, unknown elder, wrong role', async () => {
    const elder = await registerElder(service, elderBody('1942-01-01', { regionCode: '442000004001' }), TOWN);
    const base = { careDependencyLevel: 'MODERATE', assessorOrganisationId: 'ORG-1', assessedDate: '2026-01-10' };
    expect((await assess(elder.id, { ...base, assessedDate: '2999-01-01' })).json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', details: { field: 'assessedDate' } });
    expect((await assess(elder.id, { ...base, validUntil: '2026-01-09' })).json()).toMatchObject({ code: 'ELDER_DATE_ORDER', details: { field: 'validUntil' } });
    const stale = await assess(elder.id, { ...base, version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'ELDER_CONCURRENT_CHANGE', details: { field: 'version' } });
    expect((await assess('ELD-none', base)).json()).toMatchObject({ code: 'ELDER_NOT_FOUND' });
    expect((await assess(elder.id, base, ['analyst'])).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect((await assess(elder.id, { ...base, careDependencyLevel: 'BEDRIDDEN' })).json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.careDependencyLevel' }] });
    // An ordinary elder does not qualify; the decision says which version said so, and is published too.
    expect((await assess(elder.id, base)).json()).toMatchObject({ careSubsidy: { qualifies: false, monthlyAmountFen: 0, versionId: 'DEMO-ZHBZ-442000-2019-v1' } });
    const [, , refused] = await service.events(elder.personKey, 3);
    expect(refused).toMatchObject({ eventType: 'elderly-care.care-subsidy-decided', value: { qualifies: false, monthlyAmountFen: 0, careDependencyLevel: 'MODERATE', economicStatus: 'ORDINARY', standardVersionId: 'DEMO-ZHBZ-442000-2019-v1', tierId: null, notQualifiedReason: 'NOT_COVERED' } });
  });
});

describe('POST /elders/:id/services and GET /services', () => {
  it('records meals and a renovation (published as AGE_FRIENDLY_RENOVATION), keeps the note encrypted, lists and filters', async () => {
    const elder = await registerElder(service, elderBody('1943-01-01', { regionCode: '442000004002' }), TOWN);
    const record = async (body: Record<string, unknown>) => service.app.inject({ method: 'POST', url: `/elders/${elder.id}/services`, payload: body, headers: await headers() });
    const meal = await record({ serviceKind: 'MEAL', providerId: 'ORG-ZZ-0012', providerName: '长者饭堂', deliveredAt: '2026-01-12T04:00:00.000Z', durationMinutes: 30, subsidyFen: 800, selfPaidFen: 700 });
    expect(meal.statusCode).toBe(201);
    expect(meal.json()).toMatchObject({ serviceKind: 'MEAL', subsidyFen: 800, elderId: elder.id, note: null });
    const renovation = await record({ serviceKind: 'AGE_FRIENDLY_RENOVATION', providerId: 'ORG-SLH-3', deliveredAt: '2026-01-13T04:00:00.000Z', durationMinutes: 480, subsidyFen: 300_000, note: '卫生间加装扶手' });
    expect(renovation.json()).toMatchObject({ serviceKind: 'AGE_FRIENDLY_RENOVATION', note: '卫生间加装扶手' });
    const stored = await service.connection.collection('service_orders').findOne({ _id: renovation.json<{ serviceOrderId: string }>().serviceOrderId as never });
    expect(JSON.stringify(stored)).not.toContain('卫生间加装扶手');

    const events = await service.events(elder.personKey, 3);
    expect(events.map((event) => [event.eventType, (event.value as { serviceKind?: string }).serviceKind])).toEqual([
      ['elderly-care.elder-registered', undefined],
      ['elderly-care.service-delivered', 'MEAL'],
      ['elderly-care.service-delivered', 'AGE_FRIENDLY_RENOVATION'],
    ]);
    expect(events[1]?.value).toMatchObject({ providerId: 'ORG-ZZ-0012', providerName: '长者饭堂', durationMinutes: 30, subsidyFen: 800, selfPaidFen: 700 });

    const listed = await service.app.inject({ url: `/services?elderId=${elder.id}&serviceKind=AGE_FRIENDLY_RENOVATION`, headers: await headers(['analyst']) });
    expect(listed.json()).toMatchObject({ total: 1, items: [{ serviceKind: 'AGE_FRIENDLY_RENOVATION', note: null }] });

    expect((await record({ serviceKind: 'MEAL', providerId: 'P', deliveredAt: '2999-01-01T00:00:00.000Z', durationMinutes: 30 })).json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', details: { field: 'deliveredAt' } });
    expect((await record({ serviceKind: 'MEAL', providerId: 'P', deliveredAt: '2026-01-12T04:00:00.000Z', durationMinutes: 30, subsidyFen: -1 })).json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ path: 'body.subsidyFen' }] });
  });
});

describe('visits and GET /visits/unvisited', () => {
  it('lists the priority elders not visited in the month, counts the rate, ignores NOT_MET, and publishes visit-recorded', async () => {
    service.setNow('2026-03-20T02:00:00.000Z');
    const village = '442000004003';
    const alone = await registerElder(service, elderBody('1940-01-01', { regionCode: village, livingArrangement: 'ALONE' }), TOWN);
    const emptyNest = await registerElder(service, elderBody('1940-02-02', { regionCode: village, livingArrangement: 'EMPTY_NEST' }), TOWN);
    const leftBehind = await registerElder(service, elderBody('1940-03-03', { regionCode: village, livingArrangement: 'WITH_FAMILY', leftBehind: true }), TOWN);
    await registerElder(service, elderBody('1940-04-04', { regionCode: village, livingArrangement: 'WITH_FAMILY' }), TOWN);
    const visit = async (elderId: string, body: Record<string, unknown>) =>
      service.app.inject({ method: 'POST', url: `/elders/${elderId}/visits`, payload: { visitorId: 'SW-004-0001', visitorRole: 'SOCIAL_WORKER', visitKind: 'HOME_VISIT', outcome: 'WELL', ...body }, headers: await headers() });
    const recorded = await visit(alone.id, { visitedAt: '2026-03-05T02:00:00.000Z', durationMinutes: 40, note: '老人身体良好' });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ elderId: alone.id, visitMonth: '2026-03', note: '老人身体良好' });
    // 2026-02-28T17:00Z is 1 March in China: it counts for March.
    expect((await visit(emptyNest.id, { visitedAt: '2026-02-28T17:00:00.000Z', visitKind: 'PHONE_CALL' })).json()).toMatchObject({ visitMonth: '2026-03' });
    await visit(leftBehind.id, { visitedAt: '2026-03-06T02:00:00.000Z', outcome: 'NOT_MET' });

    const report = await service.app.inject({ url: `/visits/unvisited?month=2026-03&regionCode=${village}`, headers: await headers(['supervisor']) });
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({ month: '2026-03', priorityElders: 3, visited: 2, visitRatePermille: 666, total: 1, items: [{ id: leftBehind.id, priorityGroups: ['LEFT_BEHIND'], name: '郑**' }] });
    const february = (await service.app.inject({ url: `/visits/unvisited?month=2026-02&regionCode=${village}`, headers: await headers(['analyst']) })).json<Record<string, unknown>>();
    expect(february).toMatchObject({ priorityElders: 0, visitRatePermille: 1000, total: 0 });

    expect((await service.app.inject({ url: '/visits/unvisited?month=2026-04', headers: await headers() })).json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', details: { field: 'month' } });
    expect((await service.app.inject({ url: '/visits/unvisited?month=2026-13', headers: await headers() })).json()).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((await service.app.inject({ url: '/visits/unvisited?month=2026-03&regionCode=442000100', headers: await headers() })).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await visit(alone.id, { visitedAt: '2026-03-21T02:00:00.000Z' })).json()).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', details: { field: 'visitedAt' } });

    const stored = await service.connection.collection('visits').findOne({ elderId: alone.id });
    expect(JSON.stringify(stored)).not.toContain('老人身体良好');
    const events = await service.events(alone.personKey, 2);
    expect(events[1]).toMatchObject({ eventType: 'elderly-care.visit-recorded', value: { visitorId: 'SW-004-0001', visitorRole: 'SOCIAL_WORKER', visitKind: 'HOME_VISIT', outcome: 'WELL', durationMinutes: 40, note: '老人身体良好' } });
  });
});
