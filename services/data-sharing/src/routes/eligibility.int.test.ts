/**
 * 应享未享与政策模拟 on the real stack: households and elders as the departments publish them,
 * projected on FerretDB with the rules running; the take-up report and the what-if read them and
 * leave the flags as they were.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionConsumer } from '../projection/projection-consumer.js';
import { eventFor, idNumber, startTestService, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
let consumer: ProjectionConsumer;
let published = 0;

const TOWN_A = '442000101';
const TOWN_B = '442000102';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function person(birthDate: string, sex: 'M' | 'F' = 'F'): TestPerson {
  const id = idNumber(birthDate, sex);
  return { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
}

async function publish(eventType: string, subject: TestPerson | null, department: string, villageCode: string, occurredAt: string, extra: { household?: string; body?: Record<string, unknown> } = {}): Promise<void> {
  await service.publisher.publish(eventType, eventFor(service, eventType, { person: subject, department, occurredAt, villageCode, ...extra }));
  published += 1;
}

/** A household of one with an economic check (per-capita income, yuan) in a village of `town`. */
async function household(town: string, incomeYuan: number, dibao = false): Promise<string> {
  const village = `${town}001`;
  const id = `HH-${village}-${randomUUID().slice(0, 8)}`;
  const head = person('1970-05-05', 'M');
  await publish('assistance.economic-check-completed', head, 'CIVIL_AFFAIRS_ASSISTANCE', village, daysAgo(20), { household: id, body: { monthlyIncomePerCapitaFen: incomeYuan * 100, annualDisposableIncomeFen: incomeYuan * 1200, householdSize: 1, rigidExpenditures: [] } });
  if (dibao) await publish('assistance.enrolment-started', head, 'CIVIL_AFFAIRS_ASSISTANCE', village, daysAgo(10), { household: id, body: { enrolmentId: `ENR-${randomUUID()}`, program: 'DIBAO', startDate: daysAgo(10).slice(0, 10), coveredMembers: [head], monthlyAmountFen: 22_000 } });
  return id;
}

const standard = (program: string, regionCode: string, valueFen: number) =>
  publish('reference.standard-changed', null, 'CIVIL_AFFAIRS_ASSISTANCE', '442000101001', daysAgo(100), { body: { standardId: `${program}-${regionCode}`, versionId: `${program}-${regionCode}-2025`, changeKind: 'PUBLISHED', program, standardKind: 'MONTHLY_AMOUNT', region: { countyCode: '442000', townCode: regionCode.length >= 9 ? regionCode.slice(0, 9) : null, villageCode: null }, effectiveFrom: '2025-01-01', effectiveTo: null, valueFen, ratioPermille: null, baseStandardId: null } });

const households: Record<string, string> = {};

beforeAll(async () => {
  service = await startTestService();
  consumer = await service.projection(undefined, { rules: true });
  await standard('DIBAO', '442000', 112_000);
  await standard('ADVANCED_AGE_ALLOWANCE', '442000', 10_000);
  households.belowA = await household(TOWN_A, 1_000);
  households.enrolledA = await household(TOWN_A, 900, true);
  households.betweenA = await household(TOWN_A, 1_200);
  households.aboveA = await household(TOWN_A, 1_300);
  households.belowB = await household(TOWN_B, 1_000);
  const elder77 = person(`${String(new Date().getUTCFullYear() - 77)}-03-03`, 'M');
  await publish('elderly-care.elder-registered', elder77, 'CIVIL_AFFAIRS_ELDERLY_CARE', `${TOWN_A}001`, daysAgo(300), { body: { livingArrangement: 'WITH_FAMILY', hukouResident: true, economicStatus: 'ORDINARY' } });
  await service.publisher.flush();
  // The flag events share the test topic: consumed (and skipped) too, so they do not count.
  await waitFor(() => {
    const metrics = consumer.metrics();
    return metrics.handled - metrics.ownOutputsSkipped + metrics.deadLettered + metrics.duplicatesSkipped >= published;
  }, { timeoutMs: 30_000, description: `${String(published)} events projected` });
  await consumer.idle(30_000);
});
afterAll(() => service.close());

const as = async (roles: Parameters<TestService['token']>[0], jurisdiction = '442000') => ({ authorization: `Bearer ${await service.token(roles, jurisdiction, 'tester')}` });

describe('GET /eligibility (应享未享)', () => {
  it('counts by program and town who qualifies, who receives, who does not, and what the latter would receive a month', async () => {
    const response = await service.app.inject({ url: '/eligibility?program=DIBAO', headers: await as(['supervisor']) });
    expect(response.statusCode, response.body).toBe(200);
    const cells = response.json<{ cells: { townCode: string }[] }>().cells;
    expect(cells.find((cell) => cell.townCode === TOWN_A)).toMatchObject({ program: 'DIBAO', eligible: 2, receiving: 1, notReceiving: 1, takeUpRatio: 0.5, unpaidMonthlyFen: 12_000, suppressed: false });
    expect(cells.find((cell) => cell.townCode === TOWN_B)).toMatchObject({ eligible: 1, receiving: 0, notReceiving: 1, takeUpRatio: 0, unpaidMonthlyFen: 12_000 });
    // The not-receiving are what INCOME_BELOW_DIBAO flagged: the same table decides both.
    const flagged = await service.connection.collection('flags').find({ ruleId: 'INCOME_BELOW_DIBAO', status: 'OPEN' }).toArray();
    expect(flagged.map((flag) => flag.subjectKey as string).sort()).toEqual([households.belowA, households.belowB].sort());
  });

  it('suppresses small cells for analysts and keeps to the jurisdiction', async () => {
    const analyst = (await service.app.inject({ url: '/eligibility?program=DIBAO', headers: await as(['analyst']) })).json<{ threshold: number; cells: unknown[] }>();
    expect(analyst.threshold).toBe(5);
    expect(analyst.cells).toContainEqual(expect.objectContaining({ townCode: TOWN_A, eligible: '<5', notReceiving: '<5', takeUpRatio: null, unpaidMonthlyFen: null, suppressed: true }));
    const townB = (await service.app.inject({ url: '/eligibility', headers: await as(['supervisor'], TOWN_B) })).json<{ scope: string; cells: { townCode: string }[] }>();
    expect(townB.scope).toBe(TOWN_B);
    expect(new Set(townB.cells.map((cell) => cell.townCode))).toEqual(new Set([TOWN_B]));
    expect((await service.app.inject({ url: `/eligibility?regionCode=${TOWN_A}`, headers: await as(['supervisor'], TOWN_B) })).json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'regionCode' } });
  });
});

describe('POST /what-if (政策模拟)', () => {
  it('raises 低保 1,120 → 1,250 for one town: one household newly qualifies there, the monthly gap payments rise, nothing else moves, no flag is touched', async () => {
    const flagsBefore = await service.connection.collection('flags').find({}).sort({ _id: 1 }).toArray();
    const response = await service.app.inject({ method: 'POST', url: '/what-if', headers: await as(['supervisor']), payload: { standards: [{ program: 'DIBAO', regionCode: TOWN_A, effectiveFrom: '2025-06-01', valueFen: 125_000 }] } });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<{ cells: { program: string; townCode: string }[] }>();
    expect(report).toMatchObject({ scope: '442000', totals: { newlyEligible: { households: 1, persons: 1 }, noLongerEligible: { households: 0, persons: 0 }, monthlyCostDifferenceFen: 5_000 + 13_000 + 13_000 } });
    expect(report.cells).toEqual([expect.objectContaining({
      program: 'DIBAO',
      townCode: TOWN_A,
      newlyEligible: { subjects: 1, persons: 1, notReceiving: 1 },
      noLongerEligible: { subjects: 0, persons: 0, receiving: 0 },
      // (1,250 − 1,200) for the new one, + 130 yuan for each of the two already qualifying.
      monthlyCostDifferenceFen: 31_000,
      recipientsMonthlyCostDifferenceFen: 13_000,
    })]);
    expect(await service.connection.collection('flags').find({}).sort({ _id: 1 }).toArray()).toEqual(flagsBefore);
  });

  it('lowers the 高龄津贴 age to 75 (a parameter): the elder of 77 newly qualifies, priced at the allowance standard', async () => {
    const report = (await service.app.inject({ method: 'POST', url: '/what-if', headers: await as(['admin']), payload: { parameters: { advancedAgeYears: 75 } } })).json<{ cells: unknown[] }>();
    expect(report).toMatchObject({ totals: { newlyEligible: { households: 0, persons: 1 }, monthlyCostDifferenceFen: 10_000 } });
    expect(report.cells).toEqual([expect.objectContaining({ program: 'ADVANCED_AGE_ALLOWANCE', townCode: TOWN_A, newlyEligible: { subjects: 1, persons: 1, notReceiving: 1 } })]);
  });

  it('refuses a what-if without a change, with an unknown parameter, a standard without a value, or outside the jurisdiction — naming the field', async () => {
    const post = async (payload: unknown, jurisdiction = '442000') => (await service.app.inject({ method: 'POST', url: '/what-if', headers: await as(['analyst'], jurisdiction), payload: payload as Record<string, unknown> })).json<unknown>();
    expect(await post({})).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'standards' } });
    expect(await post({ parameters: { advancedAge: 75 } })).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'parameters.advancedAge' } });
    expect(await post({ standards: [{ program: 'DIBAO', regionCode: TOWN_A, effectiveFrom: '2027-01-01' }] })).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'standards[0]' } });
    expect(await post({ standards: [{ program: 'DIBAO', regionCode: TOWN_A, effectiveFrom: '2027-01-01', valueFen: 1 }] }, TOWN_B)).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'standards[0].regionCode' } });
    expect(await post({ standards: [{ program: 'TEKUN', regionCode: TOWN_A, effectiveFrom: '2027-01-01', valueFen: 1 }] })).toMatchObject({ code: 'REQUEST_INVALID' });
  });
});
