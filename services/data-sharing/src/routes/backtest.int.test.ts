/**
 * 规则回测 on the real stack: elders registered, allowances granted, as 养老 publishes them; the
 * backtest rebuilds each one's profile at every event and at every moment a time fact changes,
 * and reports when TURNING_80_WITHOUT_ALLOWANCE would have held — with a changed parameter too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFor, idNumber, projected, startTestService, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
const DAY = 86_400_000;
const VILLAGE = '442000101002';
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
/** The China date `days` ago, YYYY-MM-DD (never 02-29: a birthday on it moves). */
const chinaDay = (days: number) => {
  const date = new Date(Date.now() - days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
  return date.endsWith('-02-29') ? date.replace('-02-29', '-02-28') : date;
};

function person(birthDate: string): TestPerson {
  const id = idNumber(birthDate, 'F');
  return { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
}

let published = 0;
async function publish(eventType: string, subject: TestPerson, occurredAt: string, body: Record<string, unknown>): Promise<string> {
  const value = eventFor(service, eventType, { person: subject, department: 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt, villageCode: VILLAGE, body });
  await service.publisher.publish(eventType, value);
  published += 1;
  return (value.envelope as { eventId: string }).eventId;
}

const birthday80 = chinaDay(100);
const birth = `${String(Number(birthday80.slice(0, 4)) - 80)}${birthday80.slice(4)}`;
let late: TestPerson;
let early: TestPerson;
const grantedAt = daysAgo(90);
const earlyGrantedAt = daysAgo(500);

beforeAll(async () => {
  service = await startTestService();
  late = person(birth);
  early = person(`${String(Number(birth.slice(0, 4)) - 1)}${birth.slice(4)}`);
  for (const elder of [late, early]) await publish('elderly-care.elder-registered', elder, daysAgo(900), { livingArrangement: 'WITH_FAMILY', hukouResident: true, economicStatus: 'ORDINARY' });
  // The one born a year earlier got the allowance at 79, before its 80th birthday.
  await publish('elderly-care.advanced-age-allowance-granted', early, earlyGrantedAt, { allowanceId: `AAA-${randomUUID()}`, startDate: chinaDay(500), monthlyAmountFen: 10_000 });
  await publish('elderly-care.advanced-age-allowance-granted', late, grantedAt, { allowanceId: `AAA-${randomUUID()}`, startDate: chinaDay(90), monthlyAmountFen: 10_000 });
  await service.publisher.flush();
  await projected(await service.projection(), published);
});
afterAll(() => service.close());

const as = async () => ({ authorization: `Bearer ${await service.token(['analyst'], '442000', 'an-1')}` });
const run = async (payload: Record<string, unknown>, ruleId = 'TURNING_80_WITHOUT_ALLOWANCE') => service.app.inject({ method: 'POST', url: `/rules/${ruleId}/backtest`, headers: await as(), payload });

describe('POST /rules/{ruleId}/backtest', () => {
  it('finds the stretch from the 80th birthday (a time fact, no event that day) to the allowance being granted', async () => {
    const response = await run({ from: chinaDay(700), to: chinaDay(0) });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<{ episodes: { items: { subjectKey: string }[] } }>();
    expect(report).toMatchObject({ ruleId: 'TURNING_80_WITHOUT_ALLOWANCE', changed: false, subjectsEvaluated: 2, episodes: { total: 1, subjects: 1 } });
    expect(report.episodes.items[0]).toMatchObject({
      subjectKey: late.personKey,
      raisedAt: new Date(`${birthday80}T00:00:00+08:00`).toISOString(),
      clearedAt: grantedAt,
      urgency: 'P4',
    });
    expect(report).toMatchObject({ byMonth: [{ month: birthday80.slice(0, 7), raised: 1 }], byTown: [{ townCode: '442000101', raised: 1 }] });
  });

  it('with the age lowered to 79 (a changed parameter) raises at the 79th birthdays instead, for both', async () => {
    const report = (await run({ from: chinaDay(800), to: chinaDay(0), parameters: { advancedAgeYears: 79 } })).json<{ episodes: { total: number; items: { subjectKey: string; raisedAt: string }[] } }>();
    const birthday79 = (born: string) => new Date(`${String(Number(born.slice(0, 4)) + 79)}${born.slice(4)}T00:00:00+08:00`).toISOString();
    // The elder born a year earlier was 79 already at the start, and got the allowance 500 days ago.
    expect(report.episodes.total).toBe(2);
    expect(report.episodes.items.map((item) => [item.subjectKey, item.raisedAt])).toEqual([[early.personKey, new Date(`${chinaDay(800)}T00:00:00+08:00`).toISOString()], [late.personKey, birthday79(birth)]]);
    expect(report.episodes.items[0]).toMatchObject({ clearedAt: earlyGrantedAt });
  });

  it('refuses an unknown rule, a condition reading an unknown fact, a bad parameter, and a reversed range — naming the field', async () => {
    expect((await run({ from: chinaDay(10), to: chinaDay(0) }, 'NO_SUCH_RULE')).json()).toMatchObject({ code: 'DS_NOT_FOUND', details: { field: 'ruleId' } });
    expect((await run({ from: chinaDay(10), to: chinaDay(0), condition: { fact: 'shoeSize', operator: 'equal', value: 1 } })).json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'condition' } });
    expect((await run({ from: chinaDay(10), to: chinaDay(0), condition: { fact: 'age', operator: 'isRoughly', value: 1 } })).json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'condition' } });
    expect((await run({ from: chinaDay(10), to: chinaDay(0), parameters: { advancedAgeYears: -1 } })).json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'parameters.advancedAgeYears' } });
    expect((await run({ from: chinaDay(0), to: chinaDay(10) })).json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'from' } });
  });

  it('runs a changed condition: the allowance ignored, the stretch runs to the end', async () => {
    const report = (await run({ from: chinaDay(700), to: chinaDay(0), condition: { all: [{ fact: 'deceased', operator: 'equal', value: false }, { fact: 'age', operator: 'greaterThanInclusive', value: { fact: 'advancedAgeYears' } }] } })).json<{ changed: boolean; ruleVersion: string; episodes: { items: { subjectKey: string; clearedAt: string | null }[] } }>();
    expect(report).toMatchObject({ changed: true, ruleVersion: '1+backtest' });
    expect(report.episodes.items.find((item) => item.subjectKey === late.personKey)).toMatchObject({ clearedAt: null });
  });
});
