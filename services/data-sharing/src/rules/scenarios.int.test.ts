/**
 * 政策找人 scenarios on the real stack, one per rule not covered by `screening.int.test.ts`: the
 * source events published to Kafka as the departments publish them, projected into the thematic
 * database on FerretDB, screened, and the stored flag read back with its explanation and the
 * source event it cites — and, for each rule, a close variant that must not be flagged.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlagDocument } from '../flags/flag.schema.js';
import type { ProjectionConsumer } from '../projection/projection-consumer.js';
import { eventFor, idNumber, startTestService, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
let consumer: ProjectionConsumer;
let published = 0;

beforeAll(async () => {
  service = await startTestService();
  consumer = await service.projection(undefined, { rules: true });
});
afterAll(() => service.close());

const VILLAGE = '442000101002';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
/** A calendar date in China time (`YYYY-MM-DD`), `days` before today. */
const chinaDateDaysAgo = (days: number) => new Date(Date.now() - days * DAY + 8 * HOUR).toISOString().slice(0, 10);
const chinaToday = () => chinaDateDaysAgo(0);
/** The month `back` months before the current one in China time (`YYYY-MM`). */
function chinaMonthBack(back: number): string {
  const [year, month] = chinaToday().split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) - back;
  return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
}
function ageToday(birthDate: string): number {
  const today = chinaToday();
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

function personBorn(birthDate: string, sex: 'M' | 'F' = 'F'): TestPerson {
  const id = idNumber(birthDate, sex);
  return { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: '测试' };
}
const newHousehold = (village = VILLAGE) => `HH-${village}-${randomUUID().slice(0, 8)}`;

async function publish(eventType: string, options: Parameters<typeof eventFor>[2]): Promise<string> {
  return publishValue(eventType, eventFor(service, eventType, options));
}

async function publishValue(eventType: string, value: Record<string, unknown>): Promise<string> {
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

const about = (person: TestPerson | null, department: string, occurredAt: string, extra: { household?: string; body?: Record<string, unknown>; villageCode?: string } = {}) => ({ person, department, occurredAt, villageCode: extra.villageCode ?? VILLAGE, ...(extra.household === undefined ? {} : { household: extra.household }), ...(extra.body === undefined ? {} : { body: extra.body }) });

/**
 * The stored flag's `flag-raised` event, read from the topic as the alerting service reads it: the
 * same flag, rule, urgency, role, explanation and facts (with their sources).
 */
async function announced(flag: FlagDocument | null): Promise<void> {
  expect(flag).not.toBeNull();
  if (flag === null) return;
  const events = await service.flagEvents(flag.subjectKey, (found) => found.some((event) => event.value.flagId === flag.flagId));
  const raised = events.find((event) => event.value.flagId === flag.flagId);
  expect(raised?.eventType).toBe('data-sharing.flag-raised');
  expect(raised?.value).toMatchObject({ ruleId: flag.ruleId, ruleVersion: flag.ruleVersion, urgency: flag.urgency, targetRole: flag.targetRole, explanation: flag.explanation, standardVersionId: flag.standardVersionId ?? null });
  expect((raised?.value.facts as { name: string; sourceEventId: string }[]).map((fact) => `${fact.name}@${fact.sourceEventId}`)).toEqual(flag.facts.map((fact) => `${fact.name}@${fact.sourceEventId}`));
}

/** Whether some fact of the flag named `name` cites `eventId`. */
const cites = (flag: FlagDocument | null, name: string, eventId: string) => {
  expect(flag?.facts).toEqual(expect.arrayContaining([expect.objectContaining({ name, sourceEventId: eventId })]));
};

/** 社会救助 records a household's members (`relationToHead`, living together, a disability as 民政 records it). */
async function composition(household: string, members: { person: TestPerson; relationToHead: string; livingTogether: boolean; disabilityKind?: string; disabilityGrade?: string }[], villageCode = VILLAGE): Promise<string> {
  const head = members[0]?.person ?? null;
  const value = eventFor(service, 'assistance.household-composition-recorded', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 40), { household, villageCode }));
  const fixtureMember = (value.members as Record<string, unknown>[])[0] ?? {};
  return publishValue('assistance.household-composition-recorded', {
    ...value,
    members: members.map((member) => ({ ...fixtureMember, person: member.person, relationToHead: member.relationToHead, livingTogether: member.livingTogether, disabilityKind: member.disabilityKind ?? null, disabilityGrade: member.disabilityGrade ?? null })),
  });
}

/** 社会救助 starts an enrolment of the household (covering `covered`), or of the person alone when `household` is null. */
const enrol = (person: TestPerson, household: string | null, program: string, covered: TestPerson[], occurredAt = hoursAgo(24 * 100), villageCode = VILLAGE) =>
  publish('assistance.enrolment-started', about(person, 'CIVIL_AFFAIRS_ASSISTANCE', occurredAt, { ...(household === null ? {} : { household }), villageCode, body: { enrolmentId: `ENR-${randomUUID()}`, program, startDate: occurredAt.slice(0, 10), coveredMembers: covered, monthlyAmountFen: 50_000 } }));

const standard = (program: string, standardKind: string, town: string, values: { valueFen?: number; ratioPermille?: number }) =>
  publish('reference.standard-changed', about(null, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 60), {
    villageCode: `${town}001`,
    body: { standardId: `${program}-${town}`, versionId: `${program}-${standardKind}-${town}-2025-01-01`, changeKind: 'PUBLISHED', program, standardKind, region: { countyCode: town.slice(0, 6), townCode: town, villageCode: null }, effectiveFrom: '2025-01-01', effectiveTo: null, valueFen: values.valueFen ?? null, ratioPermille: values.ratioPermille ?? null, baseStandardId: null },
  }));

describe('the 养老 device platform', () => {
  it('VITAL_SIGN_ALARM: a fall alarm an hour ago is a P1 dispatch, explained with the metric and the living arrangement; an alarm older than the signal window is not', async () => {
    const elder = personBorn('1942-05-06', 'F');
    const stale = personBorn('1942-05-07', 'F');
    for (const person of [elder, stale]) await publish('elderly-care.elder-registered', about(person, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 10), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } }));
    const alarm = await publish('elderly-care.vital-sign-alarm-raised', about(elder, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(1), { body: { metric: 'FALL_DETECTED', measuredValue: 1, unit: 'COUNT', thresholdValue: 1, direction: 'ABOVE' } }));
    await publish('elderly-care.vital-sign-alarm-raised', about(stale, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(80), { body: { metric: 'FALL_DETECTED', measuredValue: 1, unit: 'COUNT', thresholdValue: 1, direction: 'ABOVE' } }));
    await settled();

    const flag = await flagOf('VITAL_SIGN_ALARM', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P1', targetRole: 'ELDERLY_DISPATCH_CENTRE', flagCode: 'EMERGENCY_DISPATCH' });
    expect(flag?.explanation).toContain('生命体征监测设备报警：跌倒（1小时前），居住状况：独居');
    await announced(flag);
    cites(flag, 'hoursSinceVitalAlarm', alarm);
    expect(await flagOf('VITAL_SIGN_ALARM', 'p', stale.personKey)).toBeNull();
  });

  it('DEVICE_OFFLINE: a monitor unseen for 30 hours is a P3 check; one that raised an alarm since it went offline is not', async () => {
    const elder = personBorn('1943-06-07', 'M');
    const spoke = personBorn('1943-06-08', 'M');
    const offline = (person: TestPerson) => publish('elderly-care.device-went-offline', about(person, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(29), { body: { deviceKind: 'VITAL_SIGN_MONITOR', lastSeenAt: new Date(Date.now() - 30 * HOUR), lastBatteryPercent: 5 } }));
    const went = await offline(elder);
    // The later alarm first: published after, the monitor would be offline (and flagged) until the alarm is projected.
    await publish('elderly-care.vital-sign-alarm-raised', about(spoke, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(5), { body: { metric: 'HEART_RATE' } }));
    await offline(spoke);
    await settled();

    const flag = await flagOf('DEVICE_OFFLINE', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'ELDERLY_DISPATCH_CENTRE', flagCode: 'DEVICE_OFFLINE_CHECK' });
    expect(flag?.explanation).toContain('监测设备已离线30小时（阈值24（参数）小时）');
    await announced(flag);
    cites(flag, 'deviceOfflineHours', went);
    expect(await flagOf('DEVICE_OFFLINE', 'p', spoke.personKey)).toBeNull();
  });

  it('MISSED_MONTHLY_VISIT: an elder living alone, on the roster for months, without a visit last month; not one visited last month', async () => {
    const birthDate = '1940-03-12';
    const elder = personBorn(birthDate, 'M');
    const visited = personBorn('1940-03-13', 'M');
    const lastMonth = chinaMonthBack(1);
    // The visit first: registered first, the elder would be unvisited (and flagged) until the visit is projected.
    await publish('elderly-care.visit-recorded', about(visited, 'CIVIL_AFFAIRS_ELDERLY_CARE', `${lastMonth}-10T02:00:00.000Z`, { body: { visitId: `XF-${randomUUID()}`, visitKind: 'HOME_VISIT', outcome: 'WELL' } }));
    const registered: string[] = [];
    for (const person of [elder, visited]) registered.push(await publish('elderly-care.elder-registered', about(person, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 120), { body: { livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY' } })));
    await settled();

    const flag = await flagOf('MISSED_MONTHLY_VISIT', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'SOCIAL_WORKER', flagCode: 'VISIT_OVERDUE' });
    expect(flag?.explanation).toContain(`${String(ageToday(birthDate))}岁独居老人${lastMonth}月没有探访记录`);
    await announced(flag);
    cites(flag, 'rosterSinceBeforeLastMonth', registered[0] ?? '');
    expect(await flagOf('MISSED_MONTHLY_VISIT', 'p', visited.personKey)).toBeNull();
  });
});

describe('illness and expenditure (医保 settlements, 社会救助 checks and standards)', () => {
  it('MAJOR_ILLNESS_IMPOVERISHMENT: a 低保 member admitted with a major illness; not a small bill outside any hardship programme', async () => {
    const household = newHousehold();
    const patient = personBorn('1974-11-03', 'F');
    const ordinary = personBorn('1974-11-04', 'F');
    await enrol(patient, household, 'DIBAO', [patient]);
    await settled();
    const settle = (person: TestPerson, outOfPocketFen: number) => publish('medical-insurance.medical-settlement-completed', about(person, 'MEDICAL_INSURANCE', hoursAgo(24 * 5), { body: { settlementId: `YB-${randomUUID()}`, visitKind: 'INPATIENT', diagnosisCategory: 'MAJOR_ILLNESS', outOfPocketFen } }));
    const settlement = await settle(patient, 2_360_000);
    await settle(ordinary, 50_000);
    await settled();

    const flag = await flagOf('MAJOR_ILLNESS_IMPOVERISHMENT', 'p', patient.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P2', targetRole: 'SOCIAL_WORKER', suggestedProgram: 'MEDICAL_AID' });
    expect(flag?.explanation).toContain('近期有重特大疾病或住院结算：是；近 12 个月个人自付23,600元（高额阈值20,000元（参数））；现享受：低保');
    await announced(flag);
    cites(flag, 'recentMajorIllness', settlement);
    expect(await flagOf('MAJOR_ILLNESS_IMPOVERISHMENT', 'p', ordinary.personKey)).toBeNull();
  });

  it('EXPENDITURE_HARDSHIP: the check’s rigid spending plus a member’s later hospital bill reach k × the annual income; the check alone does not', async () => {
    const town = '442000108';
    const village = `${town}004`;
    await standard('EXPENDITURE_HARDSHIP', 'EXPENDITURE_RATIO_THRESHOLD', town, { ratioPermille: 1000 });
    await settled();
    const hard = newHousehold(village);
    const below = newHousehold(village);
    const head = personBorn('1970-02-02', 'M');
    const other = personBorn('1970-02-03', 'M');
    await composition(hard, [{ person: head, relationToHead: 'HEAD', livingTogether: true }], village);
    await composition(below, [{ person: other, relationToHead: 'HEAD', livingTogether: true }], village);
    const check = (household: string, person: TestPerson) =>
      publish('assistance.economic-check-completed', about(person, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 30), { household, villageCode: village, body: { checkId: `HDJC-${randomUUID()}`, periodFrom: chinaDateDaysAgo(400), periodTo: chinaDateDaysAgo(40), householdSize: 1, monthlyIncomePerCapitaFen: 250_000, annualDisposableIncomeFen: 3_000_000, rigidExpenditures: [{ kind: 'MEDICAL', amountFen: 2_500_000 }] } }));
    const checkEvent = await check(hard, head);
    await check(below, other);
    await settled();
    expect(await flagOf('EXPENDITURE_HARDSHIP', 'h', hard)).toBeNull();
    await publish('medical-insurance.medical-settlement-completed', about(head, 'MEDICAL_INSURANCE', hoursAgo(24 * 10), { household: hard, villageCode: village, body: { settlementId: `YB-${randomUUID()}`, visitKind: 'INPATIENT', diagnosisCategory: 'ACUTE', outOfPocketFen: 600_000 } }));
    await settled();

    const flag = await flagOf('EXPENDITURE_HARDSHIP', 'h', hard);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'TOWN_ASSISTANCE_OFFICE', suggestedProgram: 'EXPENDITURE_HARDSHIP', standardVersionId: `EXPENDITURE_HARDSHIP-EXPENDITURE_RATIO_THRESHOLD-${town}-2025-01-01` });
    expect(flag?.explanation).toContain('家庭近 12 个月刚性支出31,000元，年可支配收入30,000元，比例103.3%，达到支出型困难认定比例100%');
    await announced(flag);
    cites(flag, 'annualDisposableIncomeFen', checkEvent);
    expect(await flagOf('EXPENDITURE_HARDSHIP', 'h', below)).toBeNull();
  });

  it('INCOME_LOW_INCOME_BAND: income above the 低保 standard and within 1.5 × it; not above the limit', async () => {
    const town = '442000107';
    const village = `${town}003`;
    await standard('DIBAO', 'MONTHLY_AMOUNT', town, { valueFen: 125_000 });
    await standard('LOW_INCOME', 'INCOME_THRESHOLD_MULTIPLIER', town, { ratioPermille: 1500 });
    await settled();
    const band = newHousehold(village);
    const above = newHousehold(village);
    const head = personBorn('1976-03-03', 'M');
    const other = personBorn('1976-03-04', 'M');
    const check = (household: string, person: TestPerson, perCapita: number) =>
      publish('assistance.economic-check-completed', about(person, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 20), { household, villageCode: village, body: { checkId: `HDJC-${randomUUID()}`, householdSize: 1, monthlyIncomePerCapitaFen: perCapita, annualDisposableIncomeFen: perCapita * 12, rigidExpenditures: [] } }));
    const checkEvent = await check(band, head, 150_000);
    await check(above, other, 190_000);
    await settled();

    const flag = await flagOf('INCOME_LOW_INCOME_BAND', 'h', band);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'TOWN_ASSISTANCE_OFFICE', suggestedProgram: 'LOW_INCOME' });
    expect(flag?.explanation).toContain('家庭月人均收入1,500元，高于低保标准1,250元、不高于低收入认定上限1,875元');
    await announced(flag);
    cites(flag, 'perCapitaIncomeFen', checkEvent);
    expect(await flagOf('INCOME_LOW_INCOME_BAND', 'h', above)).toBeNull();
  });
});

describe('entitlements not taken up (应享未享)', () => {
  it('DISABILITY_LIVING_SUBSIDY_GAP: a certified disabled member of a 低保 household; not a disabled person outside hardship', async () => {
    const household = newHousehold();
    const disabled = personBorn('1980-01-01', 'M');
    const ordinary = personBorn('1980-01-02', 'M');
    await enrol(disabled, household, 'DIBAO', [disabled]);
    await settled();
    const certify = (person: TestPerson) => publish('disabled-persons-federation.disability-certified', about(person, 'DISABLED_PERSONS_FEDERATION', hoursAgo(24 * 3), { body: { disabilityKind: 'PHYSICAL', disabilityGrade: 'GRADE_3' } }));
    const certificate = await certify(disabled);
    await certify(ordinary);
    await settled();

    const flag = await flagOf('DISABILITY_LIVING_SUBSIDY_GAP', 'p', disabled.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'CIVIL_AFFAIRS_ASSISTANT', suggestedProgram: 'DISABILITY_LIVING_SUBSIDY' });
    expect(flag?.explanation).toContain('肢体残疾（三级），属困难对象（现享受：低保），尚未享受困难残疾人生活补贴');
    await announced(flag);
    cites(flag, 'disabilityGrade', certificate);
    expect(await flagOf('DISABILITY_LIVING_SUBSIDY_GAP', 'p', ordinary.personKey)).toBeNull();
  });

  it('DISABILITY_CARE_SUBSIDY_GAP: a grade-1 physical disability without the care subsidy; not grade 3 physical', async () => {
    const severe = personBorn('1981-04-04', 'F');
    const moderate = personBorn('1981-04-05', 'F');
    const certificate = await publish('disabled-persons-federation.disability-certified', about(severe, 'DISABLED_PERSONS_FEDERATION', hoursAgo(24 * 3), { body: { disabilityKind: 'PHYSICAL', disabilityGrade: 'GRADE_1' } }));
    await publish('disabled-persons-federation.disability-certified', about(moderate, 'DISABLED_PERSONS_FEDERATION', hoursAgo(24 * 3), { body: { disabilityKind: 'PHYSICAL', disabilityGrade: 'GRADE_3' } }));
    await settled();

    const flag = await flagOf('DISABILITY_CARE_SUBSIDY_GAP', 'p', severe.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'CIVIL_AFFAIRS_ASSISTANT', suggestedProgram: 'DISABILITY_CARE_SUBSIDY' });
    expect(flag?.explanation).toContain('肢体残疾（一级），属护理补贴对象，尚未享受重度残疾人护理补贴');
    await announced(flag);
    cites(flag, 'disabilityGrade', certificate);
    expect(await flagOf('DISABILITY_CARE_SUBSIDY_GAP', 'p', moderate.personKey)).toBeNull();
  });

  it('DISABLED_ELDER_CARE_SUBSIDY: a severely dependent elder of a 低保 household without the subsidy; not a mildly dependent one', async () => {
    const birthDate = '1945-01-01';
    const elder = personBorn(birthDate, 'F');
    const mild = personBorn('1945-01-02', 'F');
    const household = newHousehold();
    const mildHousehold = newHousehold();
    await enrol(elder, household, 'DIBAO', [elder]);
    await enrol(mild, mildHousehold, 'DIBAO', [mild]);
    await settled();
    const assess = (person: TestPerson, level: string) => publish('elderly-care.ability-assessment-completed', about(person, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 2), { body: { assessmentId: `PG-${randomUUID()}`, careDependencyLevel: level } }));
    const assessment = await assess(elder, 'SEVERE');
    await assess(mild, 'MILD');
    await settled();

    const flag = await flagOf('DISABLED_ELDER_CARE_SUBSIDY', 'p', elder.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'SOCIAL_WORKER', suggestedProgram: 'ELDERLY_CARE_SUBSIDY' });
    expect(flag?.explanation).toContain(`${String(ageToday(birthDate))}岁老人能力评估为失能，属经济困难对象（现享受：低保），尚未享受护理补贴`);
    await announced(flag);
    cites(flag, 'careDependencyLevel', assessment);
    expect(await flagOf('DISABLED_ELDER_CARE_SUBSIDY', 'p', mild.personKey)).toBeNull();
  });

  it('EDUCATION_AID_CANDIDATE: a 低保 child enrolled in senior high without education aid; not one in primary school', async () => {
    const student = personBorn('2010-01-01', 'M');
    const pupil = personBorn('2017-01-01', 'M');
    const household = newHousehold();
    const pupilHousehold = newHousehold();
    await enrol(student, household, 'DIBAO', [student]);
    await enrol(pupil, pupilHousehold, 'DIBAO', [pupil]);
    await settled();
    const enrolled = (person: TestPerson, stage: string) => publish('education.student-enrolled', about(person, 'EDUCATION', hoursAgo(24 * 5), { body: { enrolmentId: `XJ-${randomUUID()}`, schoolStage: stage } }));
    const enrolment = await enrolled(student, 'SENIOR_HIGH');
    await enrolled(pupil, 'PRIMARY');
    await settled();

    const flag = await flagOf('EDUCATION_AID_CANDIDATE', 'p', student.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P4', targetRole: 'HELP_CENTRE', suggestedProgram: 'EDUCATION_AID' });
    expect(flag?.explanation).toContain('学生就读高中，属困难家庭或困境儿童（现享受：低保），尚未享受教育救助');
    await announced(flag);
    cites(flag, 'schoolStage', enrolment);
    expect(await flagOf('EDUCATION_AID_CANDIDATE', 'p', pupil.personKey)).toBeNull();
  });
});

describe('children (儿童福利, 社会救助 household records)', () => {
  it('LEFT_BEHIND_CHILD: a child at home whose parents both live away, known only from the household’s composition, not registered; not one whose father is at home', async () => {
    const family = (fatherHome: boolean) => ({ household: newHousehold(), father: personBorn('1985-05-05', 'M'), mother: personBorn('1987-06-06', 'F'), child: personBorn('2017-04-04', fatherHome ? 'M' : 'F'), fatherHome });
    const away = family(false);
    const home = family(true);
    const recorded: string[] = [];
    for (const item of [away, home]) {
      recorded.push(
        await composition(item.household, [
          { person: item.father, relationToHead: 'HEAD', livingTogether: item.fatherHome },
          { person: item.mother, relationToHead: 'SPOUSE', livingTogether: false },
          { person: item.child, relationToHead: 'CHILD', livingTogether: true },
        ]),
      );
    }
    await settled();

    const flag = await flagOf('LEFT_BEHIND_CHILD', 'p', away.child.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'CHILD_DIRECTOR', flagCode: 'LEFT_BEHIND_CHILD_REGISTER' });
    expect(flag?.explanation).toContain(`${String(ageToday('2017-04-04'))}岁未成年人的父母均不在家共同生活，尚未在儿童福利系统登记`);
    await announced(flag);
    cites(flag, 'parentsAway', recorded[0] ?? '');
    expect(await flagOf('LEFT_BEHIND_CHILD', 'p', home.child.personKey)).toBeNull();
  });

  it('ORPHAN_AGE_TRANSITION: a scattered orphan turning 18 in 45 days; not one turning 18 in 200 days', async () => {
    /** Born 18 years before the day `days` from today (not on 29 February). */
    const bornToTurn18In = (days: number): { birthDate: string; days: number } => {
      const adulthood = new Date(Date.parse(`${chinaToday()}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
      if (adulthood.slice(5) === '02-29') return bornToTurn18In(days + 1);
      return { birthDate: `${String(Number(adulthood.slice(0, 4)) - 18)}${adulthood.slice(4)}`, days };
    };
    const soon = bornToTurn18In(45);
    const later = bornToTurn18In(200);
    const orphan = personBorn(soon.birthDate, 'F');
    const younger = personBorn(later.birthDate, 'F');
    const register = async (child: TestPerson) => {
      const value = eventFor(service, 'child-protection.child-registered', about(child, 'CIVIL_AFFAIRS_CHILD_PROTECTION', hoursAgo(24 * 30), { body: { childRecordId: `ET-${randomUUID()}`, category: 'SCATTERED_ORPHAN' } }));
      const fixtureGuardian = (value.guardians as Record<string, unknown>[])[0] ?? {};
      return publishValue('child-protection.child-registered', { ...value, guardians: [{ ...fixtureGuardian, person: personBorn('1950-09-09', 'F'), relation: 'GRANDPARENT', livesWithChild: true, situation: 'ABLE' }] });
    };
    const registered = await register(orphan);
    await register(younger);
    await settled();

    const flag = await flagOf('ORPHAN_AGE_TRANSITION', 'p', orphan.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P4', targetRole: 'SOCIAL_WORKER', flagCode: 'ADULT_ORPHAN_PLACEMENT' });
    expect(flag?.explanation).toContain(`散居孤儿将在${String(soon.days)}天后年满 18 周岁`);
    await announced(flag);
    cites(flag, 'childCategory', registered);
    expect(await flagOf('ORPHAN_AGE_TRANSITION', 'p', younger.personKey)).toBeNull();
  });

  it('MANDATORY_REPORT: a report two hours ago is a P1 case for the protection station; one older than the signal window is not', async () => {
    const child = personBorn('2014-08-08', 'F');
    const earlier = personBorn('2014-08-09', 'F');
    const report = (person: TestPerson, hours: number) => publish('child-protection.mandatory-report-received', about(person, 'CIVIL_AFFAIRS_CHILD_PROTECTION', hoursAgo(hours), { body: { reportId: `QZBG-${randomUUID()}`, concernKind: 'NEGLECT' } }));
    const received = await report(child, 2);
    await report(earlier, 100);
    await settled();

    const flag = await flagOf('MANDATORY_REPORT', 'p', child.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P1', targetRole: 'MINORS_PROTECTION_STATION', flagCode: 'CHILD_PROTECTION_CASE' });
    expect(flag?.explanation).toContain('2小时前收到涉及该未成年人的强制报告');
    await announced(flag);
    cites(flag, 'hoursSinceMandatoryReport', received);
    expect(await flagOf('MANDATORY_REPORT', 'p', earlier.personKey)).toBeNull();
  });
});

describe('households at risk (12345, 住建, 残联 and 社会救助 records)', () => {
  it('SUDDEN_HARDSHIP: an accident reported by 12345 three hours ago; not a report of a stranded person', async () => {
    const household = newHousehold();
    const stranded = newHousehold();
    const head = personBorn('1972-08-21', 'M');
    const other = personBorn('1972-08-22', 'M');
    const incident = (person: TestPerson, householdId: string, category: string) => publish('hotline-12345.incident-reported', about(person, 'HOTLINE_12345', hoursAgo(3), { household: householdId, body: { incidentId: `12345-${randomUUID()}`, category, reportedUrgency: 'URGENT' } }));
    const reported = await incident(head, household, 'ACCIDENT');
    await incident(other, stranded, 'PERSON_STRANDED');
    await settled();

    const flag = await flagOf('SUDDEN_HARDSHIP', 'h', household);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P2', targetRole: 'TOWN_ASSISTANCE_OFFICE', suggestedProgram: 'TEMPORARY_AID' });
    expect(flag?.explanation).toContain('12345 报告家庭发生突发事件（意外事故），请核实并先行给予临时救助');
    await announced(flag);
    cites(flag, 'incidentCategory', reported);
    expect(await flagOf('SUDDEN_HARDSHIP', 'h', stranded)).toBeNull();
  });

  it('DANGEROUS_HOUSE: a low-income household in a grade-D house; not one in a grade-B house', async () => {
    const household = newHousehold();
    const sound = newHousehold();
    const head = personBorn('1966-01-01', 'M');
    const other = personBorn('1966-01-02', 'M');
    await enrol(head, household, 'LOW_INCOME', [head]);
    await enrol(other, sound, 'LOW_INCOME', [other]);
    await settled();
    const survey = (person: TestPerson, householdId: string, grade: string) => publish('housing.house-safety-surveyed', about(person, 'HOUSING', hoursAgo(24 * 4), { household: householdId, body: { surveyId: `FWJD-${randomUUID()}`, houseId: `FW-${randomUUID()}`, safetyGrade: grade, surveyedDate: chinaDateDaysAgo(4) } }));
    const surveyed = await survey(head, household, 'D');
    await survey(other, sound, 'B');
    await settled();

    const flag = await flagOf('DANGEROUS_HOUSE', 'h', household);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'HELP_CENTRE', suggestedProgram: 'HOUSING_AID' });
    expect(flag?.explanation).toContain('房屋安全等级为D级（危房），家庭现享受：低收入，请转危房改造帮扶中心');
    await announced(flag);
    cites(flag, 'houseSafetyGrade', surveyed);
    expect(await flagOf('DANGEROUS_HOUSE', 'h', sound)).toBeNull();
  });

  it('COMPOUND_DISABILITY: a disabled son cared for by his 82-year-old mother (依老养残); not one cared for by his 56-year-old father', async () => {
    const household = newHousehold();
    const younger = newHousehold();
    const mother = personBorn('1944-02-02', 'F');
    const son = personBorn('1970-03-03', 'M');
    const father = personBorn('1970-07-07', 'M');
    const otherSon = personBorn('1995-03-03', 'M');
    const recorded = await composition(household, [
      { person: mother, relationToHead: 'HEAD', livingTogether: true },
      { person: son, relationToHead: 'CHILD', livingTogether: true, disabilityKind: 'MENTAL', disabilityGrade: 'GRADE_2' },
    ]);
    await composition(younger, [
      { person: father, relationToHead: 'HEAD', livingTogether: true },
      { person: otherSon, relationToHead: 'CHILD', livingTogether: true, disabilityKind: 'MENTAL', disabilityGrade: 'GRADE_2' },
    ]);
    await settled();

    const flag = await flagOf('COMPOUND_DISABILITY', 'h', household);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P2', targetRole: 'SOCIAL_WORKER', flagCode: 'CAREGIVER_RISK' });
    expect(flag?.explanation).toContain('家庭有1名残疾成员；由80岁以上老人照料：是；照料者死亡或住院：否');
    await announced(flag);
    cites(flag, 'disabledMembers', recorded);
    expect(await flagOf('COMPOUND_DISABILITY', 'h', younger)).toBeNull();
  });

  it('RELAPSE_RISK: a hospitalisation six months after leaving 低保; not fourteen months after', async () => {
    const exitOn = (monthsBack: number) => `${chinaMonthBack(monthsBack)}-15`;
    const leave = async (monthsBack: number, birthDate: string) => {
      const household = newHousehold();
      const head = personBorn(birthDate, 'M');
      const enrolmentId = `ENR-${randomUUID()}`;
      await composition(household, [{ person: head, relationToHead: 'HEAD', livingTogether: true }]);
      await publish('assistance.enrolment-started', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 800), { household, body: { enrolmentId, program: 'DIBAO', startDate: chinaDateDaysAgo(800), coveredMembers: [head], monthlyAmountFen: 60_000 } }));
      const ended = await publish('assistance.enrolment-ended', about(head, 'CIVIL_AFFAIRS_ASSISTANCE', `${exitOn(monthsBack)}T02:00:00.000Z`, { household, body: { enrolmentId, program: 'DIBAO', endReason: 'GRADUAL_EXIT', endDate: exitOn(monthsBack), gradualExitEndDate: null, gradualExitMonthlyAmountFen: null } }));
      return { household, head, ended };
    };
    const recent = await leave(6, '1969-07-09');
    const old = await leave(14, '1969-06-09');
    await settled();
    expect(await flagOf('RELAPSE_RISK', 'h', recent.household)).toBeNull();
    const admit = (person: TestPerson, household: string) => publish('medical-insurance.medical-settlement-completed', about(person, 'MEDICAL_INSURANCE', hoursAgo(24 * 7), { household, body: { settlementId: `YB-${randomUUID()}`, visitKind: 'INPATIENT', diagnosisCategory: 'ACUTE', outOfPocketFen: 80_000 } }));
    const admitted = await admit(recent.head, recent.household);
    await admit(old.head, old.household);
    await settled();

    const flag = await flagOf('RELAPSE_RISK', 'h', recent.household);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P2', targetRole: 'SOCIAL_WORKER', suggestedProgram: 'DIBAO' });
    expect(flag?.explanation).toContain('家庭退出低保6个月（监测期12个月），其间发生风险事件');
    await announced(flag);
    cites(flag, 'riskEventSinceExit', admitted);
    cites(flag, 'monthsSinceDibaoExit', recent.ended);
    expect(await flagOf('RELAPSE_RISK', 'h', old.household)).toBeNull();
  });
});

describe('benefit integrity (公安 deaths, enrolments, payments)', () => {
  it('BENEFIT_AFTER_DEATH: 低保 still covering a person dead 60 days ago; not one dead 10 days ago (within the grace period)', async () => {
    const dead = personBorn('1938-04-04', 'M');
    const recent = personBorn('1938-04-05', 'M');
    const household = newHousehold();
    const recentHousehold = newHousehold();
    const enrolment = await enrol(dead, household, 'DIBAO', [dead]);
    await enrol(recent, recentHousehold, 'DIBAO', [recent]);
    await settled();
    const die = (person: TestPerson, days: number) => publish('public-security.death-registered', about(person, 'PUBLIC_SECURITY', `${chinaDateDaysAgo(days)}T02:00:00.000Z`, { body: { dateOfDeath: chinaDateDaysAgo(days), deathCategory: 'NATURAL' } }));
    const death = await die(dead, 60);
    await die(recent, 10);
    await settled();

    const flag = await flagOf('BENEFIT_AFTER_DEATH', 'p', dead.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'AUDITOR', flagCode: 'INTEGRITY_FLAG' });
    expect(flag?.explanation).toContain('该人员已于60天前登记死亡（宽限期31（参数）天），仍有1项待遇未停止：低保');
    await announced(flag);
    cites(flag, 'daysSinceDeath', death);
    cites(flag, 'activeProgramsAfterDeath', enrolment);
    expect(await flagOf('BENEFIT_AFTER_DEATH', 'p', recent.personKey)).toBeNull();
  });

  it('DUPLICATE_BENEFITS: 特困 of one’s own and the household’s 低保 at once; not the 高龄津贴 with 低保', async () => {
    const both = personBorn('1950-05-05', 'F');
    const allowed = personBorn('1944-05-05', 'F');
    const household = newHousehold();
    const otherHousehold = newHousehold();
    const dibao = await enrol(both, household, 'DIBAO', [both]);
    await enrol(allowed, otherHousehold, 'DIBAO', [allowed]);
    await settled();
    const tekun = await enrol(both, null, 'TEKUN', [both], hoursAgo(24 * 20));
    await publish('elderly-care.advanced-age-allowance-granted', about(allowed, 'CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(24 * 20), { body: { allowanceId: `AAA-${randomUUID()}`, startDate: chinaDateDaysAgo(20), monthlyAmountFen: 10_000 } }));
    await settled();

    const flag = await flagOf('DUPLICATE_BENEFITS', 'p', both.personKey);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'AUDITOR', flagCode: 'INTEGRITY_FLAG' });
    expect(flag?.explanation).toContain('同时享受互斥待遇：低保与特困供养（现享受：低保、特困供养）');
    await announced(flag);
    cites(flag, 'duplicateBenefit', tekun);
    cites(flag, 'duplicateBenefit', dibao);
    expect(await flagOf('DUPLICATE_BENEFITS', 'p', allowed.personKey)).toBeNull();
  });

  it('DUTIES_NOT_SEPARATED: a payment reviewed and approved by the same person; not one with three different people', async () => {
    const household = newHousehold();
    const separated = newHousehold();
    const head = personBorn('1973-09-09', 'M');
    const other = personBorn('1973-09-10', 'M');
    const pay = (person: TestPerson, householdId: string, reviewerId: string, approverId: string) => publish('assistance.payment-issued', about(person, 'CIVIL_AFFAIRS_ASSISTANCE', hoursAgo(24 * 2), { household: householdId, body: { paymentId: `PAY-${randomUUID()}`, enrolmentId: `ENR-${randomUUID()}`, payee: person, payerId: 'STAFF-101-031', reviewerId, approverId } }));
    const payment = await pay(head, household, 'STAFF-101-017', 'STAFF-101-017');
    await pay(other, separated, 'STAFF-101-017', 'STAFF-101-002');
    await settled();

    const flag = await flagOf('DUTIES_NOT_SEPARATED', 'h', household);
    expect(flag).toMatchObject({ status: 'OPEN', urgency: 'P3', targetRole: 'AUDITOR', flagCode: 'INTEGRITY_FLAG' });
    expect(flag?.explanation).toContain('最近一次救助金发放的审核、审批、发放由同一人办理');
    await announced(flag);
    cites(flag, 'dutiesNotSeparated', payment);
    expect(await flagOf('DUTIES_NOT_SEPARATED', 'h', separated)).toBeNull();
  });
});
