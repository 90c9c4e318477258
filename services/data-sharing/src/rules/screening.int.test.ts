/**
 * 政策找人 on the real stack: department events published to Kafka as the departments publish
 * them, projected into the thematic database on FerretDB, the rules run on every refreshed subject,
 * flags stored and their events relayed to Kafka — then read back as the alerting service will.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlagDocument } from '../flags/flag.schema.js';
import { createScreener } from '../app.js';
import type { ProjectionConsumer, StoredEventRecord } from '../projection/projection-consumer.js';
import { rescreen } from '../rescreen.js';
import { parseParameters } from './parameters.js';
import { eventFor, idNumber, startTestService, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
let consumer: ProjectionConsumer;
let published = 0;

beforeAll(async () => {
  service = await startTestService();
  consumer = await service.projection(undefined, { rules: true });
});
afterAll(() => service.close());

const TOWN = '442000101';
const VILLAGE = '442000101002';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

function personBorn(birthDate: string, sex: 'M' | 'F' = 'F'): TestPerson {
  const id = idNumber(birthDate, sex);
  return { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
}

async function publish(eventType: string, options: Parameters<typeof eventFor>[2]): Promise<string> {
  const value = eventFor(service, eventType, options);
  await service.publisher.publish(eventType, value);
  published += 1;
  return (value.envelope as { eventId: string }).eventId;
}

/** Waits until everything published so far is projected, refreshed and screened. */
async function settled(): Promise<void> {
  await service.publisher.flush();
  await waitFor(() => {
    const metrics = consumer.metrics();
    // The flag events share the test topic: they are consumed (and skipped) too, so they do not count.
    return metrics.handled - metrics.ownOutputsSkipped + metrics.deadLettered + metrics.duplicatesSkipped >= published;
  }, { timeoutMs: 20_000, description: `${String(published)} events projected (${JSON.stringify(consumer.metrics())})` });
  await waitFor(async () => (await consumer.refresher.backlog()) === 0, { timeoutMs: 45_000, description: `summaries refreshed and screened (last error: ${String(consumer.metrics().refresher.lastError)})` });
  await consumer.idle(30_000);
}

const flags = () => service.connection.collection<FlagDocument>('flags');
const flagOf = async (ruleId: string, kind: 'p' | 'h', key: string) => flags().findOne({ _id: `${ruleId}|${kind}:${key}` });

const flagEvents = (key: string, count: number) => service.flagEvents(key, count);

const about = (person: TestPerson | null, department: string, occurredAt: string, extra: { household?: string; body?: Record<string, unknown>; villageCode?: string } = {}) => ({ person, department, occurredAt, villageCode: extra.villageCode ?? VILLAGE, ...(extra.household === undefined ? {} : { household: extra.household }), ...(extra.body === undefined ? {} : { body: extra.body }) });

describe('an elder living alone (养老 registers, 水务 reports the meter silent)', () => {
  it('raises WATER_METER_SILENCE (P1, explained, citing the 水务 event) and TURNING_80_WITHOUT_ALLOWANCE, which clears itself once 养老 grants the allowance', async () => {
    const elder = personBorn('1941-02-03', 'M');
    await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 60), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } }));
    const waterEvent = await publish('water.meter-anomaly-detected', about(elder, 'WATER', hoursAgo(1), { body: { anomalyKind: 'NO_CONSUMPTION', hours: 30, since: new Date(Date.now() - 31 * 3_600_000) } }));
    await settled();

    const silence = await flagOf('WATER_METER_SILENCE', 'p', elder.personKey);
    expect(silence).toMatchObject({ status: 'OPEN', urgency: 'P1', targetRole: 'GRID_WORKER', flagCode: 'RISK_WELLBEING_CHECK', regionCode: VILLAGE, ruleVersion: '1' });
    expect(silence?.explanation).toContain('独居老人（85岁）的智能水表已连续30小时无用水');
    expect(silence?.facts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'waterSilenceHours', value: '30', sourceEventId: waterEvent, sourceDepartment: 'WATER' })]));
    expect(await flagOf('TURNING_80_WITHOUT_ALLOWANCE', 'p', elder.personKey)).toMatchObject({ status: 'OPEN', urgency: 'P4', suggestedProgram: 'ADVANCED_AGE_ALLOWANCE' });

    const raised = await flagEvents(elder.personKey, 2);
    const water = raised.find((event) => event.value.ruleId === 'WATER_METER_SILENCE');
    expect(water).toMatchObject({ eventType: 'data-sharing.flag-raised', value: { flagId: silence?.flagId, urgency: 'P1', targetRole: 'GRID_WORKER', envelope: { person: { personKey: elder.personKey, idNumber: elder.idNumber }, causationId: waterEvent, source: { department: 'CIVIL_AFFAIRS_PLATFORM' } } } });

    await publish('elderly-care.advanced-age-allowance-granted', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(0.5), { body: { allowanceId: `AAA-${randomUUID()}`, startDate: '2026-12-01', monthlyAmountFen: 10_000 } }));
    await settled();
    expect(await flagOf('TURNING_80_WITHOUT_ALLOWANCE', 'p', elder.personKey)).toMatchObject({ status: 'CLEARED' });
    // The allowance does not touch the water flag (a signal waits for a person), nor re-raise it.
    expect(await flagOf('WATER_METER_SILENCE', 'p', elder.personKey)).toMatchObject({ status: 'OPEN', flagId: silence?.flagId });
    const events = await service.flagEvents(elder.personKey, (found) => found.some((event) => event.eventType === 'data-sharing.flag-closed'));
    expect(events.find((event) => event.eventType === 'data-sharing.flag-closed')?.value).toMatchObject({ ruleId: 'TURNING_80_WITHOUT_ALLOWANCE', closeReason: 'CONDITION_CLEARED' });
  });

  it('does not flag an elder living with family whose meter is silent (negative)', async () => {
    const elder = personBorn('1950-05-05', 'F');
    await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(48), { body: { livingArrangement: 'WITH_FAMILY', hukouResident: true } }));
    await publish('water.meter-anomaly-detected', about(elder, 'WATER', hoursAgo(1), { body: { anomalyKind: 'NO_CONSUMPTION', hours: 40 } }));
    await settled();
    expect(await flags().countDocuments({ subjectKey: elder.personKey })).toBe(0);
  });
});

describe('an emergency call (养老 device platform)', () => {
  it('raises a P1 flag, updates it on a second press, is resolved through the API, and a later press raises a new flag', async () => {
    const elder = personBorn('1944-04-04', 'F');
    const press = (hours: number) => publish('elderly-care.emergency-call-triggered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(hours), { body: { pressCount: 2, lastPressedAt: new Date(hoursAgo(hours)) } }));
    await press(2);
    await settled();
    const first = await flagOf('EMERGENCY_CALL_PRESSED', 'p', elder.personKey);
    expect(first).toMatchObject({ status: 'OPEN', urgency: 'P1', targetRole: 'ELDERLY_DISPATCH_CENTRE' });
    await press(1);
    await settled();
    const updated = await flagOf('EMERGENCY_CALL_PRESSED', 'p', elder.personKey);
    expect(updated).toMatchObject({ flagId: first?.flagId, status: 'OPEN' });
    expect(updated?.log.map((entry) => entry.action)).toEqual(['RAISED', 'UPDATED']);

    const caseworker = { authorization: `Bearer ${await service.token(['caseworker'], TOWN, 'sw-1')}` };
    const elsewhere = { authorization: `Bearer ${await service.token(['caseworker'], '442000102', 'sw-2')}` };
    const analyst = { authorization: `Bearer ${await service.token(['analyst'], '442000')}` };
    expect((await service.app.inject({ url: `/flags/${String(first?.flagId)}`, headers: elsewhere })).json()).toMatchObject({ code: 'DS_NOT_FOUND' });
    const listed = await service.app.inject({ url: `/flags?subjectKey=${elder.personKey}`, headers: caseworker });
    expect(listed.json()).toMatchObject({ total: 1, items: [{ flagId: first?.flagId, ruleId: 'EMERGENCY_CALL_PRESSED', status: 'OPEN' }] });
    expect((await service.app.inject({ url: `/flags?subjectKey=${elder.personKey}`, headers: elsewhere })).json()).toMatchObject({ total: 0 });
    expect((await service.app.inject({ method: 'POST', url: `/flags/${String(first?.flagId)}/resolve`, headers: analyst, payload: { outcome: 'HELP_GIVEN' } })).statusCode).toBe(403);
    expect((await service.app.inject({ method: 'POST', url: `/flags/${String(first?.flagId)}/resolve`, headers: caseworker, payload: { outcome: 'SOMETHING' } })).json()).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((await service.app.inject({ method: 'POST', url: `/flags/${String(first?.flagId)}/acknowledge`, headers: caseworker, payload: { note: '已回拨' } })).json()).toMatchObject({ status: 'ACKNOWLEDGED' });
    const resolved = await service.app.inject({ method: 'POST', url: `/flags/${String(first?.flagId)}/resolve`, headers: caseworker, payload: { outcome: 'HELP_GIVEN', note: '已上门' } });
    expect(resolved.json()).toMatchObject({ status: 'RESOLVED', outcome: 'HELP_GIVEN', closedBy: 'sw-1' });
    expect((await service.app.inject({ method: 'POST', url: `/flags/${String(first?.flagId)}/resolve`, headers: caseworker, payload: { outcome: 'HELP_GIVEN' } })).json()).toMatchObject({ code: 'DS_FLAG_NOT_OPEN' });

    await press(0);
    await settled();
    const again = await flagOf('EMERGENCY_CALL_PRESSED', 'p', elder.personKey);
    expect(again).toMatchObject({ status: 'OPEN' });
    expect(again?.flagId).not.toBe(first?.flagId);
    expect(again?.history).toEqual([expect.objectContaining({ flagId: first?.flagId, status: 'RESOLVED', outcome: 'HELP_GIVEN' })]);
    const events = await flagEvents(elder.personKey, 4);
    expect(events.map((event) => event.eventType)).toEqual(['data-sharing.flag-raised', 'data-sharing.flag-updated', 'data-sharing.flag-closed', 'data-sharing.flag-raised']);
    expect(events[1]?.value).toMatchObject({ updateKind: 'NEW_EVIDENCE' });
    expect(events[2]?.value).toMatchObject({ closeReason: 'RESOLVED', closedById: 'sw-1' });
  });
});

describe('a household whose income is below the 低保 standard (社会救助 economic check, the published standard)', () => {
  it('raises INCOME_BELOW_DIBAO citing the standard version, and a standard change re-screens; enrolment in 低保 clears it', async () => {
    const household = `HH-${VILLAGE}-${randomUUID().slice(0, 8)}`;
    const head = personBorn('1975-01-01', 'M');
    const composition = eventFor(service, 'assistance.household-composition-recorded', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 30), { household }));
    const fixtureMember = (composition.members as Record<string, unknown>[])[0] ?? {};
    await service.publisher.publish('assistance.household-composition-recorded', { ...composition, members: [{ ...fixtureMember, person: head, relationToHead: 'HEAD', livingTogether: true, disabilityKind: null, disabilityGrade: null }] });
    published += 1;
    const checkEvent = await publish('assistance.economic-check-completed', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 20), { household, body: { monthlyIncomePerCapitaFen: 118_000, annualDisposableIncomeFen: 1_416_000, householdSize: 1, rigidExpenditures: [] } }));
    await settled();
    // No standard yet: nothing to compare against, no flag.
    expect(await flagOf('INCOME_BELOW_DIBAO', 'h', household)).toBeNull();

    const standard = (versionId: string, valueFen: number) => publish('reference.standard-changed', about(null, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 10), { body: { standardId: 'DIBAO-442000', versionId, changeKind: 'PUBLISHED', program: 'DIBAO', standardKind: 'MONTHLY_AMOUNT', region: { countyCode: '442000', townCode: null, villageCode: null }, effectiveFrom: '2025-01-01', effectiveTo: null, valueFen, ratioPermille: null, baseStandardId: null } }));
    await standard('DIBAO-442000-2025-01-01', 112_000);
    await settled();
    expect(await flagOf('INCOME_BELOW_DIBAO', 'h', household)).toBeNull();
    const raisedVersion = `DIBAO-${TOWN}-2025-06-01`;
    await publish('reference.standard-changed', about(null, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 9), { body: { standardId: `DIBAO-${TOWN}`, versionId: raisedVersion, changeKind: 'PUBLISHED', program: 'DIBAO', standardKind: 'MONTHLY_AMOUNT', region: { countyCode: '442000', townCode: TOWN, villageCode: null }, effectiveFrom: '2025-06-01', effectiveTo: null, valueFen: 125_000, ratioPermille: null, baseStandardId: null } }));
    await settled();
    const flag = await flagOf('INCOME_BELOW_DIBAO', 'h', household);
    expect(flag).toMatchObject({ status: 'OPEN', standardVersionId: raisedVersion, suggestedProgram: 'DIBAO', targetRole: 'TOWN_ASSISTANCE_OFFICE' });
    expect(flag?.explanation).toContain('家庭月人均收入1,180元，不高于当地低保标准1,250元');
    expect(flag?.facts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'perCapitaIncomeFen', value: '118000', sourceEventId: checkEvent })]));

    await publish('assistance.enrolment-started', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(2), { household, body: { enrolmentId: `ENR-${randomUUID()}`, program: 'DIBAO', startDate: '2026-12-01', coveredMembers: [head], monthlyAmountFen: 7_000 } }));
    await settled();
    expect(await flagOf('INCOME_BELOW_DIBAO', 'h', household)).toMatchObject({ status: 'CLEARED' });
    const events = await flagEvents(household, 2);
    expect(events.map((event) => event.eventType)).toEqual(['data-sharing.flag-raised', 'data-sharing.flag-closed']);
    expect(events[0]?.value).toMatchObject({ standardVersionId: raisedVersion, envelope: { household: { householdId: household }, person: null } });
  });
});

describe('a child whose guardian died (儿童福利 records the change)', () => {
  it('raises GUARDIANSHIP_LOSS, P1 for the 儿童主任, visible to child-protection staff and not to an analyst', async () => {
    const child = personBorn('2016-06-06', 'F');
    const guardian = personBorn('1985-02-14', 'M');
    await publish('child-protection.guardianship-changed', about(child, 'CIVIL_AFFAIRS_CHILD_PROTECTION', hoursAgo(3), { body: { guardian, changeKind: 'DEATH', effectiveDate: '2026-12-01', hasEffectiveGuardian: false } }));
    await settled();
    const flag = await flagOf('GUARDIANSHIP_LOSS', 'p', child.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P1', targetRole: 'CHILD_DIRECTOR' });
    expect(flag?.explanation).toContain('10岁未成年人的监护人发生变化（死亡）');
    const childStaff = { authorization: `Bearer ${await service.token(['child-protection'], TOWN)}` };
    const analyst = { authorization: `Bearer ${await service.token(['analyst'], '442000')}` };
    expect((await service.app.inject({ url: `/flags/${String(flag?.flagId)}`, headers: childStaff })).json()).toMatchObject({ ruleId: 'GUARDIANSHIP_LOSS' });
    expect((await service.app.inject({ url: `/flags/${String(flag?.flagId)}`, headers: analyst })).json()).toMatchObject({ code: 'DS_NOT_FOUND' });
    // The guardian is a person of the database too, and no rule fires on them.
    expect(await flags().countDocuments({ subjectKey: guardian.personKey })).toBe(0);
  });
});

describe('a disaster declared by 应急 over the town', () => {
  it('sweeps the 低保 households of the town and not an ordinary one', async () => {
    const poor = `HH-${VILLAGE}-${randomUUID().slice(0, 8)}`;
    const ordinary = `HH-${VILLAGE}-${randomUUID().slice(0, 8)}`;
    const head = personBorn('1960-03-03', 'M');
    const other = personBorn('1962-03-03', 'F');
    await publish('assistance.enrolment-started', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 100), { household: poor, body: { enrolmentId: `ENR-${randomUUID()}`, program: 'DIBAO', startDate: '2026-08-01', coveredMembers: [head], monthlyAmountFen: 30_000 } }));
    await publish('charity.aid-disbursed', about(other, 'CIVIL_AFFAIRS_CHARITY', hoursAgo(24 * 50), { household: ordinary }));
    await settled();
    expect(await flagOf('DISASTER_SWEEP', 'h', poor)).toBeNull();
    await publish('emergency-management.disaster-declared', about(null, 'EMERGENCY_MANAGEMENT', hoursAgo(2), { body: { disasterId: `D-${randomUUID()}`, disasterName: '台风摩羯', disasterKind: 'TYPHOON', responseLevel: 'LEVEL_2', affectedRegions: [{ countyCode: '442000', townCode: TOWN, villageCode: null }], startAt: new Date(hoursAgo(2)), endAt: null } }));
    await settled();
    const flag = await flagOf('DISASTER_SWEEP', 'h', poor);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P2', targetRole: 'GRID_WORKER', suggestedProgram: 'DISASTER_RELIEF' });
    expect(flag?.explanation).toContain('所在区域受“台风摩羯”影响');
    expect(await flagOf('DISASTER_SWEEP', 'h', ordinary)).toBeNull();
  });
});

describe('time passing (the scheduler: wake-ups in the store, run when due)', () => {
  const wakeups = () => service.connection.collection<{ _id: string; reasons: string[]; dueAt: string }>('wakeups');
  const reading = (elder: TestPerson, hours: number, litres: number) => publish('water.meter-reading-recorded', about(elder, 'WATER', hoursAgo(hours), { body: { consumptionLitres: litres, intervalStart: new Date(Date.now() - (hours + 1) * 3_600_000), intervalEnd: new Date(hoursAgo(hours)) } }));

  it('flags water silence measured from hourly readings when the wake-up at the last use + 24 h falls due', async () => {
    const elder = personBorn('1946-07-07', 'F');
    await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 30), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } }));
    const use = await reading(elder, 20, 35);
    await reading(elder, 1, 0);
    await settled();
    // 20 hours without water: not yet; the wake-up waits for hour 24.
    expect(await flagOf('WATER_METER_SILENCE', 'p', elder.personKey)).toBeNull();
    const pending = await wakeups().find({ _id: { $regex: `\\|p:${elder.personKey}$` } }).toArray();
    const useEnd = Date.parse(hoursAgo(20));
    // One pending wake-up per subject: the earliest of its wakes (the visit roster's month start comes later).
    expect(pending, JSON.stringify(pending)).toHaveLength(1);
    expect(Math.abs(Date.parse(pending[0]?.dueAt ?? '') - (useEnd + 24 * 3_600_000))).toBeLessThan(60_000);
    expect(pending[0]?.reasons).toEqual(['water']);

    expect(consumer.scheduler).not.toBeNull();
    const slot = await service.connection.collection<{ _id: string; wakeupId: string; wakes: Record<string, string> }>('wakeup_slots').findOne({ _id: `p:${elder.personKey}` });
    expect(slot).toMatchObject({ wakeupId: pending[0]?._id, wakes: { water: pending[0]?.dueAt } });
    expect(Object.keys(slot?.wakes ?? {}).sort()).toEqual(['month', 'water']);
    try {
      service.setNow(new Date(useEnd + 25 * 3_600_000).toISOString());
      expect(await consumer.scheduler?.runDue()).toBeGreaterThanOrEqual(1);
    } finally {
      service.setNow(undefined);
    }
    const flag = await flagOf('WATER_METER_SILENCE', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P1' });
    expect(flag?.explanation).toContain('已连续25小时无用水');
    expect(flag?.facts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'waterSilenceHours', value: '25', sourceEventId: use, sourceDepartment: 'WATER' })]));
    expect(await wakeups().find({ _id: { $regex: `\\|p:${elder.personKey}$` } }).toArray()).toMatchObject([{ reasons: ['month'] }]);
  });

  it('flags at once a silence that began long ago, and not an elder whose water runs (negative)', async () => {
    const silent = personBorn('1947-08-08', 'M');
    const running = personBorn('1947-09-09', 'F');
    for (const elder of [silent, running]) await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 30), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } }));
    await reading(silent, 40, 12);
    await reading(running, 40, 12);
    await reading(running, 2, 8);
    await reading(silent, 1, 0);
    await reading(running, 1, 0);
    await settled();
    expect(await flagOf('WATER_METER_SILENCE', 'p', silent.personKey)).toMatchObject({ status: 'OPEN' });
    expect(await flagOf('WATER_METER_SILENCE', 'p', running.personKey)).toBeNull();
  });

  it('raises TURNING_80_WITHOUT_ALLOWANCE on the birthday, after a restart, exactly once', async () => {
    const tomorrow = new Date(Date.now() + (8 + 24) * 3_600_000).toISOString().slice(0, 10);
    const monthDay = tomorrow.slice(5) === '02-29' ? '03-01' : tomorrow.slice(5);
    const birthDate = `${String(Number(tomorrow.slice(0, 4)) - 80)}-${monthDay}`;
    const elder = personBorn(birthDate, 'M');
    await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 400), { body: { livingArrangement: 'WITH_FAMILY', hukouResident: true, economicStatus: 'ORDINARY' } }));
    await settled();
    expect(await flagOf('TURNING_80_WITHOUT_ALLOWANCE', 'p', elder.personKey)).toBeNull();
    const birthday = Date.parse(`${String(Number(birthDate.slice(0, 4)) + 80)}-${monthDay}T00:00:00+08:00`);
    const pending = await wakeups().findOne({ _id: { $regex: `\\|p:${elder.personKey}$` } });
    expect(pending).toMatchObject({ dueAt: new Date(birthday).toISOString(), reasons: ['age'] });

    // The service is down over the birthday; the new one runs what fell due at its start.
    await consumer.stop();
    try {
      service.setNow(new Date(birthday + 3_600_000).toISOString());
      consumer = await service.projection(undefined, { rules: true });
      await waitFor(async () => (await flagOf('TURNING_80_WITHOUT_ALLOWANCE', 'p', elder.personKey)) !== null, { timeoutMs: 30_000, description: 'the birthday flag after the restart' });
      await settled();
      expect(await consumer.scheduler?.runDue()).toBe(0);
    } finally {
      service.setNow(undefined);
    }
    const flag = await flagOf('TURNING_80_WITHOUT_ALLOWANCE', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P4' });
    expect(flag?.log.map((entry) => entry.action)).toEqual(['RAISED']);
    const events = await flagEvents(elder.personKey, 1);
    expect(events.map((event) => `${event.eventType} ${String(event.value.ruleId)}`)).toEqual(['data-sharing.flag-raised TURNING_80_WITHOUT_ALLOWANCE']);
  });
});

describe('the batch re-screen (after a parameter changed)', () => {
  it('re-screens every subject with the new parameters, with progress, raising what now holds and nothing twice', async () => {
    const elder = personBorn('1948-10-10', 'F');
    await publish('elderly-care.elder-registered', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 30), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } }));
    await publish('water.meter-anomaly-detected', about(elder, 'WATER', hoursAgo(1), { body: { anomalyKind: 'NO_CONSUMPTION', hours: 20 } }));
    await settled();
    expect(await flagOf('WATER_METER_SILENCE', 'p', elder.personKey)).toBeNull();

    const parameters = parseParameters(JSON.stringify({ waterSilenceThresholdHours: 18 }));
    const lines: string[] = [];
    const run = () => rescreen({ screener: createScreener({ connection: service.connection, publisher: service.servicePublisher, keyring: service.keyring, parameters }), otherEvents: service.connection.collection<StoredEventRecord>('other_events'), progress: (line) => lines.push(line) });
    const report = await run();
    expect(report).toMatchObject({ persons: await service.connection.collection('persons').countDocuments({}), households: await service.connection.collection('households').countDocuments({}) });
    expect(lines.at(-1)).toMatch(/100%\s+[\d,]+\/[\d,]+ subjects/u);
    const flag = await flagOf('WATER_METER_SILENCE', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN' });
    expect(flag?.explanation).toContain('报警阈值18（参数）小时');
    // Again: everything already holds as flagged.
    expect((await run()).written).toBe(0);
  });
});

describe('GET /rules', () => {
  it('lists every rule with its condition and the parameters, each marked seed or parameter', async () => {
    const response = await service.app.inject({ url: '/rules', headers: { authorization: `Bearer ${await service.token(['analyst'])}` } });
    const body = response.json<{ rules: { id: string }[]; parameters: { name: string; given: string }[] }>();
    expect(response.statusCode, response.body).toBe(200);
    expect(body.rules.length).toBeGreaterThanOrEqual(16);
    expect(body.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'waterSilenceThresholdHours', given: 'parameter' }), expect.objectContaining({ name: 'advancedAgeYears', given: 'seed' })]));
  });
});
