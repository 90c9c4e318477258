/**
 * The facts the rules read (政策找人的事实), computed for one subject at one instant from the stored
 * rule inputs (`inputs.ts`) of the subject, its household or members, the reference book (standards,
 * disasters) and the parameters. A flat map of plain values — what json-rules-engine calls the
 * almanac — plus, per fact, the sources it rests on (department, event, time) and the standard
 * versions it used. Unknown is `null`: no numeric comparison passes on it.
 *
 * `FACT_CATALOG` names every fact, in Chinese, with what changes it: the event types it is derived
 * from, or `time` (it moves as time passes), `standard` (a versioned standard), `household` /
 * `members` (the subject's household or members changed). The engine re-evaluates a rule after a
 * change only when one of its inputs depends on what changed.
 */
import type { SubjectSummaryDocument } from '../projection/fold.js';
import type { FactValue, Scalar } from '../projection/model.js';
import { chinaMonth, latestEntry, type Cite, type Cited, type RuleInputs } from './inputs.js';
import type { RuleParameters } from './parameters.js';
import type { ReferenceBook } from './reference.js';

export type FactDependency = string;

interface FactEntry {
  readonly title: string;
  readonly subject: 'person' | 'household' | 'both';
  /** Event types, or `time` / `standard` / `household` / `members` / `disaster`. */
  readonly dependsOn: readonly FactDependency[];
}

const T = {
  death: 'public-security.death-registered',
  elder: 'elderly-care.elder-registered',
  assessment: 'elderly-care.ability-assessment-completed',
  disability: 'disabled-persons-federation.disability-certified',
  composition: 'assistance.household-composition-recorded',
  child: 'child-protection.child-registered',
  guardianship: 'child-protection.guardianship-changed',
  school: 'education.student-enrolled',
  call: 'elderly-care.emergency-call-triggered',
  vital: 'elderly-care.vital-sign-alarm-raised',
  offline: 'elderly-care.device-went-offline',
  water: 'water.meter-anomaly-detected',
  reading: 'water.meter-reading-recorded',
  visit: 'elderly-care.visit-recorded',
  childVisit: 'child-protection.child-director-visit-recorded',
  settlement: 'medical-insurance.medical-settlement-completed',
  report: 'child-protection.mandatory-report-received',
  incident: 'hotline-12345.incident-reported',
  unemployment: 'human-resources.unemployment-registered',
  check: 'assistance.economic-check-completed',
  payment: 'assistance.payment-issued',
  house: 'housing.house-safety-surveyed',
  hukou: 'public-security.hukou-moved',
} as const;

const ENROLMENT_EVENTS = ['assistance.enrolment-started', 'assistance.enrolment-changed', 'assistance.enrolment-ended', 'elderly-care.advanced-age-allowance-granted', 'elderly-care.care-subsidy-decided', 'child-protection.allowance-determined'];

export const FACT_CATALOG = {
  age: { title: '年龄（周岁）', subject: 'person', dependsOn: ['time'] },
  isMinor: { title: '未成年', subject: 'person', dependsOn: ['time'] },
  daysToAdulthood: { title: '距年满 18 周岁天数', subject: 'person', dependsOn: ['time'] },
  deceased: { title: '已死亡', subject: 'person', dependsOn: [T.death] },
  daysSinceDeath: { title: '死亡后天数', subject: 'person', dependsOn: [T.death, 'time'] },
  hasHousehold: { title: '属于救助家庭', subject: 'person', dependsOn: [T.composition, 'household'] },
  livingArrangement: { title: '居住状况', subject: 'person', dependsOn: [T.elder] },
  economicStatus: { title: '经济状况（养老登记）', subject: 'person', dependsOn: [T.elder] },
  hukouResident: { title: '本市户籍', subject: 'person', dependsOn: [T.elder, T.hukou, T.child] },
  careDependencyLevel: { title: '失能等级（能力评估）', subject: 'person', dependsOn: [T.assessment] },
  disabilityGrade: { title: '残疾等级', subject: 'person', dependsOn: [T.disability, T.composition] },
  disabilityKind: { title: '残疾类别', subject: 'person', dependsOn: [T.disability, T.composition] },
  childCategory: { title: '儿童类别（已登记）', subject: 'person', dependsOn: [T.child] },
  guardianshipChange: { title: '监护变化', subject: 'person', dependsOn: [T.guardianship] },
  hasEffectiveGuardian: { title: '有有效监护人', subject: 'person', dependsOn: [T.guardianship] },
  parentsAway: { title: '父母均不在家共同生活', subject: 'person', dependsOn: [T.composition, 'household'] },
  schoolStage: { title: '就读学段', subject: 'person', dependsOn: [T.school] },
  programs: { title: '正在享受的救助帮扶项目', subject: 'both', dependsOn: [...ENROLMENT_EVENTS, 'household', T.death] },
  hardship: { title: '低保/低收入/特困对象', subject: 'both', dependsOn: [...ENROLMENT_EVENTS, T.elder, 'household'] },
  keyTarget: { title: '重点监测对象（独居/空巢老人）', subject: 'person', dependsOn: [T.elder] },
  onVisitRoster: { title: '每月探访对象', subject: 'person', dependsOn: [T.elder, ...ENROLMENT_EVENTS, 'household'] },
  rosterSinceBeforeLastMonth: { title: '上月之前已列入探访名单', subject: 'person', dependsOn: [T.elder, 'time'] },
  previousMonth: { title: '上一个自然月', subject: 'person', dependsOn: ['time'] },
  visitedLastMonth: { title: '上月已探访', subject: 'person', dependsOn: [T.visit, T.childVisit, 'time'] },
  hoursSinceEmergencyCall: { title: '距紧急呼叫小时数', subject: 'person', dependsOn: [T.call, 'time'] },
  emergencyPressCount: { title: '紧急呼叫按键次数', subject: 'person', dependsOn: [T.call] },
  hoursSinceVitalAlarm: { title: '距体征报警小时数', subject: 'person', dependsOn: [T.vital, 'time'] },
  vitalMetric: { title: '报警体征', subject: 'person', dependsOn: [T.vital] },
  deviceOfflineHours: { title: '设备离线小时数', subject: 'person', dependsOn: [T.offline, T.call, T.vital, 'time'] },
  waterSilenceHours: { title: '水表无用水小时数', subject: 'person', dependsOn: [T.water, T.reading, 'household', 'time'] },
  hoursSinceWaterSignal: { title: '距最近水表信号小时数', subject: 'person', dependsOn: [T.water, T.reading, 'household', 'time'] },
  recentMajorIllness: { title: '近期重特大疾病或住院结算', subject: 'person', dependsOn: [T.settlement, 'time'] },
  outOfPocket12mFen: { title: '近 12 个月个人自付（分）', subject: 'both', dependsOn: [T.settlement, 'members', 'time'] },
  hoursSinceMandatoryReport: { title: '距强制报告小时数', subject: 'person', dependsOn: [T.report, 'time'] },
  incidentCategory: { title: '突发事件类别（12345）', subject: 'both', dependsOn: [T.incident, 'time'] },
  activeProgramsAfterDeath: { title: '死亡后仍在享受的项目数', subject: 'person', dependsOn: [T.death, ...ENROLMENT_EVENTS, 'household', 'time'] },
  duplicateBenefit: { title: '互斥待遇重复享受', subject: 'person', dependsOn: [...ENROLMENT_EVENTS, 'household'] },
  disasterName: { title: '所在区域正在发生的灾害', subject: 'both', dependsOn: ['disaster', 'time'] },
  perCapitaIncomeFen: { title: '家庭月人均收入（分，经济状况核对）', subject: 'household', dependsOn: [T.check, 'time'] },
  dibaoStandardFen: { title: '低保标准（分/月）', subject: 'household', dependsOn: ['standard', 'time'] },
  lowIncomeLimitFen: { title: '低收入认定上限（分/月）', subject: 'household', dependsOn: ['standard', 'time'] },
  rigidExpenditure12mFen: { title: '近 12 个月刚性支出（分）', subject: 'household', dependsOn: [T.check, T.settlement, 'members', 'time'] },
  annualDisposableIncomeFen: { title: '家庭年可支配收入（分）', subject: 'household', dependsOn: [T.check] },
  rigidExpenditureRatioPermille: { title: '刚性支出 / 年可支配收入（‰）', subject: 'household', dependsOn: [T.check, T.settlement, 'members', 'time'] },
  expenditureThresholdPermille: { title: '支出型困难认定比例 k（‰）', subject: 'household', dependsOn: ['standard', 'time'] },
  monthsSinceDibaoExit: { title: '退出低保后月数', subject: 'household', dependsOn: [...ENROLMENT_EVENTS, 'time'] },
  riskEventSinceExit: { title: '退出后发生的风险事件', subject: 'household', dependsOn: [T.settlement, T.unemployment, T.death, T.incident, 'members', 'disaster'] },
  houseSafetyGrade: { title: '房屋安全等级', subject: 'household', dependsOn: [T.house] },
  disabledMembers: { title: '残疾成员数', subject: 'household', dependsOn: ['members', T.composition] },
  elderlyCaregiverOfDisabled: { title: '依老养残（高龄照料者）', subject: 'household', dependsOn: ['members', T.composition, 'time'] },
  caregiverLost: { title: '照料者死亡或住院', subject: 'household', dependsOn: ['members', T.death, T.settlement] },
  vulnerable: { title: '灾害排查对象', subject: 'household', dependsOn: [...ENROLMENT_EVENTS, 'members'] },
  dutiesNotSeparated: { title: '审核、审批、发放为同一人', subject: 'household', dependsOn: [T.payment] },
} as const satisfies Readonly<Record<string, FactEntry>>;

export type FactName = keyof typeof FACT_CATALOG;
export const FACT_NAMES = new Set<string>(Object.keys(FACT_CATALOG));

/** Why a subject must be evaluated again at a later instant though nothing is published (`scheduler.ts`). */
export type WakeReason = 'age' | 'month' | 'water' | 'device' | 'death';

export interface FactSet {
  readonly values: Record<string, unknown>;
  /** The sources each fact rests on. */
  readonly sources: Record<string, readonly Cite[]>;
  /** The standard version each standard fact used. */
  readonly standards: Record<string, string>;
  /**
   * When a time fact next crosses a threshold some rule compares it with (an 80th birthday, the
   * first day of the next month, the hour water silence reaches the limit): ISO instants, future
   * only. The scheduler evaluates the subject again then.
   */
  readonly wakes: Partial<Record<WakeReason, string>>;
}

/** What the meters said of a subject (collection `water_use`, kept from `water.meter-reading-recorded`; not on the summary: readings come hourly). */
export interface WaterUse {
  /** The end of the latest interval with water used. */
  readonly lastUseAt: string | null;
  readonly useSource: Cite | null;
  /** The end of the latest interval reported at all (the meter is alive). */
  readonly lastReadingAt: string;
  readonly readingSource: Cite;
}

export interface FactContext {
  readonly now: Date;
  readonly parameters: RuleParameters;
  readonly reference: ReferenceBook;
}

/** A subject as the rules see it: its summary (with its rule inputs). */
export type Screened = Pick<SubjectSummaryDocument, '_id' | 'kind' | 'birthDate' | 'current' | 'ruleInputs' | 'households'> & {
  /** Its meter readings, when the screener loaded them. */
  readonly water?: WaterUse | null;
};

export const HARDSHIP_PROGRAMS = ['DIBAO', 'LOW_INCOME', 'TEKUN'];
/** Pairs of programs one person should not receive at once (a PARAMETER: the seeds name the checks, DOMAIN §8 rule 23, not the pairs). */
export const EXCLUSIVE_PROGRAMS: readonly (readonly [string, string])[] = [
  ['DIBAO', 'TEKUN'],
  ['ORPHAN_ALLOWANCE', 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE'],
  ['DIBAO', 'LOW_INCOME'],
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Today in China time (`YYYY-MM-DD`). */
export const chinaDate = (at: Date): string => new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 10);

/** The China midnight starting `date` (`YYYY-MM-DD`), in ms — arithmetic, not a parse of a string (facts run per subject). */
function dayStart(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) - 8 * HOUR;
}

/** What every subject of a pass shares about the instant: computed once per context. */
interface Clock {
  readonly today: string;
  readonly todayMs: number;
  readonly lastMonth: string;
  readonly nextMonthMs: number;
  readonly nowIso: string;
}

const clocks = new WeakMap<FactContext, Clock>();

function clockOf(context: FactContext): Clock {
  let clock = clocks.get(context);
  if (clock === undefined) {
    const today = chinaDate(context.now);
    clock = { today, todayMs: dayStart(today), lastMonth: previousMonth(context.now), nextMonthMs: nextMonthStart(context.now), nowIso: context.now.toISOString() };
    clocks.set(context, clock);
  }
  return clock;
}

function ageOn(birthDate: string, today: string): number {
  const by = Number(birthDate.slice(0, 4));
  const ty = Number(today.slice(0, 4));
  // MM-DD compares as text.
  return ty - by - (today.slice(5) < birthDate.slice(5) ? 1 : 0);
}

/** The China midnight starting the day a person born on `birthDate` turns `years` (29 February: 1 March in other years, as `ageOn` counts). */
function birthdayAt(birthDate: string, years: number): number {
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return monthDay === '02-29' && !leap ? Date.UTC(year, 2, 1) - 8 * HOUR : Date.UTC(year, Number(monthDay.slice(0, 2)) - 1, Number(monthDay.slice(3, 5))) - 8 * HOUR;
}

/** The China midnight starting the month after `at`. */
function nextMonthStart(at: Date): number {
  const [year, month] = chinaMonth(at.toISOString()).split('-').map(Number) as [number, number];
  return Date.parse(`${month === 12 ? String(year + 1) : String(year)}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-01T00:00:00+08:00`);
}

function previousMonth(at: Date): string {
  const month = chinaMonth(at.toISOString());
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${String(year - 1)}-12` : `${String(year)}-${String(m - 1).padStart(2, '0')}`;
}

const objectValue = (cited: Cited<FactValue> | undefined): Readonly<Record<string, Scalar>> | null => (cited !== undefined && cited.value !== null && typeof cited.value === 'object' ? cited.value : null);
const stringValue = (cited: Cited<FactValue> | undefined): string | null => (cited !== undefined && typeof cited.value === 'string' ? cited.value : null);
const hoursSince = (iso: string | undefined, now: Date): number | null => (iso === undefined ? null : Math.floor((now.getTime() - Date.parse(iso)) / HOUR));

class Builder {
  readonly values: Record<string, unknown> = {};
  readonly sources: Record<string, Cite[]> = {};
  readonly standards: Record<string, string> = {};
  readonly wakes: Partial<Record<WakeReason, string>> = {};

  private readonly nowMs: number;

  constructor(now: Date) {
    this.nowMs = now.getTime();
  }

  private readonly wakeAt: Partial<Record<WakeReason, number>> = {};

  /** Notes an instant at which `reason` changes a fact; kept only if in the future, the earliest. */
  wake(reason: WakeReason, at: number | null): void {
    if (at === null || !Number.isFinite(at) || at <= this.nowMs) return;
    const known = this.wakeAt[reason];
    if (known === undefined || at < known) this.wakeAt[reason] = at;
  }

  set(name: FactName, value: unknown, ...cites: (Cite | null | undefined)[]): void {
    this.values[name] = value;
    let list: Cite[] | undefined;
    for (const cite of cites) {
      if (cite === null || cite === undefined || cite.eventId === '') continue;
      (list ??= []).push(cite);
    }
    if (list !== undefined) this.sources[name] = list;
  }

  done(): FactSet {
    for (const [reason, at] of Object.entries(this.wakeAt) as [WakeReason, number][]) this.wakes[reason] = new Date(at).toISOString();
    return { values: this.values, sources: this.sources, standards: this.standards, wakes: this.wakes };
  }
}

interface ProgramHeld {
  readonly program: string;
  readonly source: Cite;
}

/** Programs active for a person: their own enrolments and their household's that cover them (or name nobody). */
function programsOf(person: Screened, household: Screened | null): ProgramHeld[] {
  const held: ProgramHeld[] = person.ruleInputs.enrolments.filter((item) => item.status === 'ACTIVE').map((item) => ({ program: item.program, source: item.source }));
  for (const item of household?.ruleInputs.enrolments ?? []) {
    if (item.status === 'ACTIVE' && (item.coveredMembers.length === 0 || item.coveredMembers.includes(person._id))) held.push({ program: item.program, source: item.source });
  }
  return held;
}

const uniquePrograms = (held: readonly ProgramHeld[]): string[] => [...new Set(held.map((item) => item.program))].sort();

function latestOf(subjects: readonly (Screened | null)[], eventType: string): Cited<Readonly<Record<string, Scalar>>> | undefined {
  let best: Cited<Readonly<Record<string, Scalar>>> | undefined;
  for (const subject of subjects) {
    const entry = subject === null ? undefined : latestEntry(subject.ruleInputs, eventType);
    if (entry !== undefined && (best === undefined || entry.source.occurredAt > best.source.occurredAt)) best = entry;
  }
  return best;
}

function outOfPocketSince(inputs: RuleInputs, since: number): { sum: number; cites: Cite[] } {
  let sum = 0;
  const cites: Cite[] = [];
  for (const settlement of inputs.settlements) {
    if (Date.parse(settlement.source.occurredAt) < since) continue;
    sum += settlement.value.outOfPocketFen;
    cites.push(settlement.source);
  }
  return { sum, cites };
}

function disasterFacts(builder: Builder, regionCode: string | null, context: FactContext): void {
  const disaster = regionCode === null ? undefined : context.reference.disastersAt(regionCode, clockOf(context).nowIso, context.parameters.disasterAfterEndHours)[0];
  builder.set('disasterName', disaster?.disasterName ?? null, disaster?.source);
}

/** The facts about a person, with their household (the one whose latest composition lists them, else their first), at `context.now`. */
export function personFacts(person: Screened, household: Screened | null, context: FactContext): FactSet {
  const b = new Builder(context.now);
  const { now, parameters: p } = context;
  const clock = clockOf(context);
  const today = clock.today;
  const inputs = person.ruleInputs;
  const attributes = inputs.attributes;

  const age = person.birthDate === null ? null : ageOn(person.birthDate, today);
  b.set('age', age, inputs.identity);
  b.set('isMinor', age === null ? null : age < p.minorAgeYears, inputs.identity);
  if (person.birthDate !== null) {
    const adulthood = `${String(Number(person.birthDate.slice(0, 4)) + p.minorAgeYears)}${person.birthDate.slice(4)}`;
    b.set('daysToAdulthood', Math.round((dayStart(adulthood) - clock.todayMs) / DAY), inputs.identity);
  } else b.set('daysToAdulthood', null);
  if (person.birthDate !== null) {
    // The birthdays at which an age threshold of a rule is reached, and the orphan transition's start.
    for (const years of [p.minorAgeYears, p.elderAgeYears, p.advancedAgeYears, p.caregiverAgeYears]) b.wake('age', birthdayAt(person.birthDate, years));
    b.wake('age', birthdayAt(person.birthDate, p.minorAgeYears) - p.orphanTransitionDays * DAY);
  }

  const death = attributes.deceased;
  const dateOfDeath = objectValue(death)?.dateOfDeath;
  const deathDay = typeof dateOfDeath === 'string' ? dateOfDeath : death === undefined ? null : death.source.occurredAt.slice(0, 10);
  b.set('deceased', death !== undefined, death?.source);
  b.set('daysSinceDeath', deathDay === null ? null : Math.round((clock.todayMs - dayStart(deathDay)) / DAY), death?.source);

  b.set('hasHousehold', household !== null, household?.ruleInputs.membersSource);
  const living = stringValue(attributes.livingArrangement);
  b.set('livingArrangement', living, attributes.livingArrangement?.source);
  const economic = stringValue(attributes.economicStatus);
  b.set('economicStatus', economic, attributes.economicStatus?.source);
  const elderFlags = objectValue(attributes.elderFlags);
  const hukou = objectValue(attributes.hukouRegion);
  const hukouResident = elderFlags !== null && typeof elderFlags.hukouResident === 'boolean' ? elderFlags.hukouResident : hukou !== null ? typeof hukou.countyCode === 'string' : null;
  b.set('hukouResident', hukouResident, attributes.elderFlags?.source ?? attributes.hukouRegion?.source);
  b.set('careDependencyLevel', stringValue(attributes.careDependencyLevel), attributes.careDependencyLevel?.source);
  const disability = objectValue(attributes.disability);
  b.set('disabilityGrade', typeof disability?.grade === 'string' ? disability.grade : null, attributes.disability?.source);
  b.set('disabilityKind', typeof disability?.kind === 'string' ? disability.kind : null, attributes.disability?.source);
  b.set('childCategory', stringValue(attributes.childCategory), attributes.childCategory?.source);
  const guardianship = objectValue(attributes.guardianship);
  b.set('guardianshipChange', typeof guardianship?.changeKind === 'string' ? guardianship.changeKind : null, attributes.guardianship?.source);
  b.set('hasEffectiveGuardian', typeof guardianship?.hasEffectiveGuardian === 'boolean' ? guardianship.hasEffectiveGuardian : null, attributes.guardianship?.source);
  const schooling = objectValue(attributes.schooling);
  b.set('schoolStage', typeof schooling?.stage === 'string' ? schooling.stage : null, attributes.schooling?.source);

  // Left-behind: a minor living in the household whose parents (by relation to the head) all live elsewhere.
  let parentsAway: boolean | null = null;
  const members = household?.ruleInputs.members ?? [];
  const me = members.find((member) => member.personKey === person._id);
  if (me?.livingTogether === true) {
    const parentRelations = me.relationToHead === 'CHILD' ? ['HEAD', 'SPOUSE'] : me.relationToHead === 'GRANDCHILD' ? ['CHILD', 'CHILD_IN_LAW'] : [];
    const parents = members.filter((member) => parentRelations.includes(member.relationToHead));
    if (parents.length > 0) parentsAway = parents.every((parent) => !parent.livingTogether);
  }
  b.set('parentsAway', parentsAway, household?.ruleInputs.membersSource);

  const held = programsOf(person, household);
  const programs = uniquePrograms(held);
  b.set('programs', programs, ...held.map((item) => item.source));
  const hardshipHeld = held.filter((item) => HARDSHIP_PROGRAMS.includes(item.program));
  const hardship = hardshipHeld.length > 0 || (economic !== null && HARDSHIP_PROGRAMS.includes(economic));
  b.set('hardship', hardship, ...hardshipHeld.map((item) => item.source), economic !== null && HARDSHIP_PROGRAMS.includes(economic) ? attributes.economicStatus?.source : null);

  const keyTarget = living !== null && p.keyTargetLivingArrangements.includes(living);
  b.set('keyTarget', keyTarget, attributes.livingArrangement?.source);
  const onRoster = (living !== null && p.visitRosterLivingArrangements.includes(living)) || (economic !== null && p.visitRosterEconomicStatuses.includes(economic)) || (age !== null && age >= p.elderAgeYears && held.some((item) => item.program === 'TEKUN'));
  b.set('onVisitRoster', onRoster, attributes.livingArrangement?.source ?? attributes.economicStatus?.source);
  const registered = latestEntry(inputs, 'elderly-care.elder-registered');
  const lastMonth = clock.lastMonth;
  b.set('previousMonth', lastMonth);
  b.set('rosterSinceBeforeLastMonth', registered === undefined ? null : chinaMonth(registered.source.occurredAt) < lastMonth, registered?.source);
  if (onRoster) b.wake('month', clock.nextMonthMs);
  b.set('visitedLastMonth', inputs.visitMonths.includes(lastMonth), latestEntry(inputs, 'elderly-care.visit-recorded')?.source ?? latestEntry(inputs, 'child-protection.child-director-visit-recorded')?.source);

  const call = latestEntry(inputs, 'elderly-care.emergency-call-triggered');
  b.set('hoursSinceEmergencyCall', hoursSince(call?.source.occurredAt, now), call?.source);
  b.set('emergencyPressCount', typeof call?.value.pressCount === 'number' ? call.value.pressCount : null, call?.source);
  const vital = latestEntry(inputs, 'elderly-care.vital-sign-alarm-raised');
  b.set('hoursSinceVitalAlarm', hoursSince(vital?.source.occurredAt, now), vital?.source);
  b.set('vitalMetric', typeof vital?.value.metric === 'string' ? vital.value.metric : null, vital?.source);
  const offline = latestEntry(inputs, 'elderly-care.device-went-offline');
  // A device that spoke again (a call or an alarm after it went offline) is not offline.
  const spokeSince = offline !== undefined && [call, vital].some((signal) => signal !== undefined && signal.source.occurredAt > offline.source.occurredAt);
  const lastSeen = typeof offline?.value.lastSeenAt === 'string' ? offline.value.lastSeenAt : offline?.source.occurredAt;
  b.set('deviceOfflineHours', offline === undefined || spokeSince ? null : hoursSince(lastSeen, now), offline?.source);
  if (offline !== undefined && !spokeSince && lastSeen !== undefined) b.wake('device', Date.parse(lastSeen) + p.deviceOfflineThresholdHours * HOUR);

  // Water silence: what the water company reported (an anomaly), or the hours since the meters last
  // showed water used while they went on reporting (readings, `water_use`), whichever is longer.
  const water = latestOf([person, household], 'water.meter-anomaly-detected');
  const use = [person.water, household?.water].filter((item): item is WaterUse => item !== undefined && item !== null).sort((a, c) => (a.lastReadingAt < c.lastReadingAt ? 1 : -1))[0];
  const usedAfterAnomaly = use?.lastUseAt !== undefined && use.lastUseAt !== null && water !== undefined && use.lastUseAt > water.source.occurredAt;
  const reported = !usedAfterAnomaly && water?.value.anomalyKind === 'NO_CONSUMPTION' && typeof water.value.hours === 'number' ? water.value.hours : null;
  const measured = use?.lastUseAt !== undefined && use.lastUseAt !== null && use.lastReadingAt > use.lastUseAt ? hoursSince(use.lastUseAt, now) : null;
  if (measured !== null && (reported === null || measured >= reported)) b.set('waterSilenceHours', measured, use?.useSource, use?.readingSource);
  else b.set('waterSilenceHours', reported, water?.source);
  const signalAt = [water?.source.occurredAt, use?.lastReadingAt].filter((at): at is string => at !== undefined).sort().at(-1);
  b.set('hoursSinceWaterSignal', hoursSince(signalAt, now), signalAt === use?.lastReadingAt ? use?.readingSource : water?.source);
  if (keyTarget && use?.lastUseAt !== undefined && use.lastUseAt !== null) b.wake('water', Date.parse(use.lastUseAt) + p.waterSilenceThresholdHours * HOUR);

  const since = now.getTime() - p.majorIllnessLookbackDays * DAY;
  const serious = inputs.settlements.filter((item) => Date.parse(item.source.occurredAt) >= since && (item.value.diagnosisCategory === 'MAJOR_ILLNESS' || item.value.visitKind === 'INPATIENT'));
  b.set('recentMajorIllness', serious.length > 0, ...serious.map((item) => item.source));
  const pocket = outOfPocketSince(inputs, now.getTime() - 365 * DAY);
  b.set('outOfPocket12mFen', pocket.sum, ...pocket.cites);

  const report = latestEntry(inputs, 'child-protection.mandatory-report-received');
  b.set('hoursSinceMandatoryReport', hoursSince(report?.source.occurredAt, now), report?.source);
  const incident = latestEntry(inputs, 'hotline-12345.incident-reported');
  const incidentHours = hoursSince(incident?.source.occurredAt, now);
  b.set('incidentCategory', incident !== undefined && incidentHours !== null && incidentHours <= p.incidentLookbackHours && typeof incident.value.category === 'string' ? incident.value.category : null, incident?.source);

  // Benefits still active after the death (the rule adds the grace period): an integrity check.
  const afterDeath = deathDay === null ? [] : held;
  if (deathDay !== null && afterDeath.length > 0) b.wake('death', dayStart(deathDay) + p.deathPaymentGraceDays * DAY);
  b.set('activeProgramsAfterDeath', afterDeath.length, ...afterDeath.map((item) => item.source), death?.source);
  const pair = EXCLUSIVE_PROGRAMS.find(([a, c]) => programs.includes(a) && programs.includes(c));
  b.set('duplicateBenefit', pair === undefined ? null : pair.join('+'), ...(pair === undefined ? [] : held.filter((item) => pair.includes(item.program)).map((item) => item.source)));

  disasterFacts(b, residenceOf(person, household), context);
  return b.done();
}

/**
 * Where a person lives: their own residence as the departments report it, else their household's —
 * a member named only in the household's records (a composition) lives where the household does.
 */
export function residenceOf(person: Screened, household: Screened | null): string | null {
  return person.current.regionCode ?? household?.current.regionCode ?? null;
}

/** The facts about a household, with its members' summaries (those of the latest composition that are known). */
export function householdFacts(household: Screened, members: readonly Screened[], context: FactContext): FactSet {
  const b = new Builder(context.now);
  const { now, parameters: p, reference } = context;
  const today = clockOf(context).today;
  const inputs = household.ruleInputs;
  const attributes = inputs.attributes;

  const active = inputs.enrolments.filter((item) => item.status === 'ACTIVE');
  b.set('programs', uniquePrograms(active), ...active.map((item) => item.source));
  const hardshipHeld = active.filter((item) => HARDSHIP_PROGRAMS.includes(item.program));
  b.set('hardship', hardshipHeld.length > 0, ...hardshipHeld.map((item) => item.source));

  const check = objectValue(attributes.economicCheck);
  const checkSource = attributes.economicCheck?.source;
  const checkFresh = checkSource !== undefined && Date.parse(checkSource.occurredAt) >= now.getTime() - p.economicCheckMaxAgeDays * DAY;
  const perCapita = checkFresh && typeof check?.monthlyIncomePerCapitaFen === 'number' ? check.monthlyIncomePerCapitaFen : null;
  b.set('perCapitaIncomeFen', perCapita, checkSource);

  const regionCode = household.current.regionCode;
  const dibao = regionCode === null ? null : reference.standardOn('DIBAO', 'MONTHLY_AMOUNT', regionCode, today);
  b.set('dibaoStandardFen', dibao?.valueFen ?? null, dibao?.source);
  if (dibao !== null) b.standards.dibaoStandardFen = dibao.versionId;
  const multiplier = regionCode === null ? null : reference.standardOn('LOW_INCOME', 'INCOME_THRESHOLD_MULTIPLIER', regionCode, today);
  const lowLimit = dibao?.valueFen !== null && dibao?.valueFen !== undefined && multiplier?.ratioPermille !== null && multiplier?.ratioPermille !== undefined ? Math.floor((dibao.valueFen * multiplier.ratioPermille) / 1000) : null;
  b.set('lowIncomeLimitFen', lowLimit, dibao?.source, multiplier?.source);
  if (multiplier !== null && lowLimit !== null) b.standards.lowIncomeLimitFen = multiplier.versionId;

  // 支出型: the rigid expenditure of the latest check plus members' out-of-pocket medical costs since
  // the check's period (those the check already counts as medical are not counted twice).
  const since = now.getTime() - 365 * DAY;
  const periodTo = typeof check?.periodTo === 'string' ? Date.parse(`${check.periodTo}T23:59:59+08:00`) : since;
  let rigid = checkFresh && typeof check?.rigidExpenditureFen === 'number' ? check.rigidExpenditureFen : 0;
  const rigidCites: Cite[] = checkFresh ? [checkSource] : [];
  for (const member of members) {
    const pocket = outOfPocketSince(member.ruleInputs, Math.max(since, periodTo));
    rigid += pocket.sum;
    rigidCites.push(...pocket.cites);
  }
  b.set('rigidExpenditure12mFen', rigid, ...rigidCites);
  const annual = checkFresh && typeof check?.annualDisposableIncomeFen === 'number' ? check.annualDisposableIncomeFen : null;
  b.set('annualDisposableIncomeFen', annual, checkSource);
  b.set('rigidExpenditureRatioPermille', annual === null || annual <= 0 ? (annual === 0 && rigid > 0 ? Number.MAX_SAFE_INTEGER : null) : Math.floor((rigid * 1000) / annual), ...rigidCites);
  const k = regionCode === null ? null : reference.standardOn('EXPENDITURE_HARDSHIP', 'EXPENDITURE_RATIO_THRESHOLD', regionCode, today);
  b.set('expenditureThresholdPermille', k?.ratioPermille ?? null, k?.source);
  if (k !== null) b.standards.expenditureThresholdPermille = k.versionId;

  // 返贫监测: months since the household's 低保 ended, and a risk event after the end.
  const exits = inputs.enrolments.filter((item) => item.program === 'DIBAO' && item.status === 'ENDED' && item.endDate !== null);
  const stillOn = active.some((item) => item.program === 'DIBAO');
  const exit = stillOn ? undefined : exits.sort((a, c) => ((a.endDate ?? '') < (c.endDate ?? '') ? 1 : -1))[0];
  const exitDate = exit?.endDate ?? null;
  if (exitDate !== null) b.wake('month', clockOf(context).nextMonthMs);
  b.set('monthsSinceDibaoExit', exitDate === null ? null : (Number(today.slice(0, 4)) - Number(exitDate.slice(0, 4))) * 12 + Number(today.slice(5, 7)) - Number(exitDate.slice(5, 7)), exit?.source);
  const exitAt = exitDate === null ? null : dayStart(exitDate);
  const risks: Cite[] = [];
  if (exitAt !== null) {
    for (const subject of [household, ...members]) {
      const r = subject.ruleInputs;
      for (const settlement of r.settlements) if (Date.parse(settlement.source.occurredAt) >= exitAt && (settlement.value.visitKind === 'INPATIENT' || settlement.value.diagnosisCategory === 'MAJOR_ILLNESS')) risks.push(settlement.source);
      for (const type of ['human-resources.unemployment-registered', 'public-security.death-registered', 'hotline-12345.incident-reported']) {
        const entry = latestEntry(r, type);
        if (entry !== undefined && Date.parse(entry.source.occurredAt) >= exitAt) risks.push(entry.source);
      }
    }
    const disaster = regionCode === null ? undefined : reference.disastersAt(regionCode, now.toISOString(), p.disasterAfterEndHours).find((item) => Date.parse(item.startAt) >= exitAt);
    if (disaster !== undefined) risks.push(disaster.source);
  }
  b.set('riskEventSinceExit', exitAt === null ? null : risks.length > 0, ...risks);

  const house = objectValue(attributes.houseSafety);
  b.set('houseSafetyGrade', typeof house?.status === 'string' ? house.status : null, attributes.houseSafety?.source);

  const disabled = members.filter((member) => typeof objectValue(member.ruleInputs.attributes.disability)?.grade === 'string');
  b.set('disabledMembers', disabled.length, ...disabled.map((member) => member.ruleInputs.attributes.disability?.source));
  const ageOf = (member: Screened) => (member.birthDate === null ? null : ageOn(member.birthDate, today));
  const elderCaregivers = members.filter((member) => !disabled.includes(member) && (ageOf(member) ?? 0) >= p.caregiverAgeYears);
  b.set('elderlyCaregiverOfDisabled', disabled.length > 0 && elderCaregivers.length > 0, ...elderCaregivers.map((member) => member.ruleInputs.identity), ...disabled.map((member) => member.ruleInputs.attributes.disability?.source));
  const lostCaregivers = disabled.length === 0 ? [] : members.filter((member) => !disabled.includes(member) && (member.ruleInputs.attributes.deceased !== undefined || member.ruleInputs.settlements.some((item) => item.value.visitKind === 'INPATIENT' && Date.parse(item.source.occurredAt) >= now.getTime() - 30 * DAY)));
  b.set('caregiverLost', lostCaregivers.length > 0, ...lostCaregivers.map((member) => member.ruleInputs.attributes.deceased?.source ?? member.ruleInputs.settlements.at(-1)?.source));

  const vulnerableMembers = members.filter((member) => {
    const living = stringValue(member.ruleInputs.attributes.livingArrangement);
    return (living !== null && p.keyTargetLivingArrangements.includes(living)) || member.ruleInputs.attributes.disability !== undefined || member.ruleInputs.attributes.childCategory !== undefined;
  });
  b.set('vulnerable', hardshipHeld.length > 0 || vulnerableMembers.length > 0, ...hardshipHeld.map((item) => item.source), ...vulnerableMembers.map((member) => member.ruleInputs.identity));

  const payment = latestEntry(inputs, 'assistance.payment-issued');
  const v = payment?.value;
  b.set('dutiesNotSeparated', v === undefined ? null : v.payerId === v.reviewerId || v.reviewerId === v.approverId || v.payerId === v.approverId, payment?.source);

  const incident = latestEntry(inputs, 'hotline-12345.incident-reported');
  const incidentHours = hoursSince(incident?.source.occurredAt, now);
  b.set('incidentCategory', incident !== undefined && incidentHours !== null && incidentHours <= p.incidentLookbackHours && typeof incident.value.category === 'string' ? incident.value.category : null, incident?.source);
  const pocket = members.map((member) => outOfPocketSince(member.ruleInputs, since));
  b.set('outOfPocket12mFen', pocket.reduce((sum, item) => sum + item.sum, 0), ...pocket.flatMap((item) => item.cites));
  disasterFacts(b, regionCode, context);
  return b.done();
}
