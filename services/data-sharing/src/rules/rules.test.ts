import { describe, expect, it } from 'vitest';
import { compileCondition, factsOf } from './conditions.js';
import { RULES } from './definitions.js';
import { RuleEngine } from './engine.js';
import { householdFacts, personFacts, type Screened } from './facts.js';
import { latestKey, type Cite, type EnrolmentInput, type RuleInputs } from './inputs.js';
import { DEFAULT_PARAMETERS, parseParameters } from './parameters.js';
import { ReferenceBook } from './reference.js';

const NOW = new Date('2026-12-06T04:00:00.000Z');
const VILLAGE = '442000101002';
let counter = 0;
const cite = (department = 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt = '2026-10-01T02:00:00.000Z'): Cite => {
  counter += 1;
  return { eventId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, department, occurredAt };
};
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

const EMPTY: RuleInputs = { identity: null, attributes: {}, latest: {}, settlements: [], visitMonths: [], enrolments: [], members: [], membersSource: null };

function subject(kind: 'person' | 'household', key: string, inputs: Partial<RuleInputs>, birthDate: string | null = null): Screened {
  return {
    _id: key,
    kind,
    birthDate,
    households: [],
    current: { regionCode: VILLAGE, birthDate, sex: null, deceased: false, deceasedOn: null, programs: [], categories: [], maskedName: null, maskedIdNumber: null, conflicts: [], lastOccurredAt: null },
    // `latest` is written here by event type; stored, its keys have no dot (`latestKey`).
    ruleInputs: { ...EMPTY, identity: cite('PUBLIC_SECURITY', '2020-01-01T00:00:00.000Z'), ...inputs, latest: Object.fromEntries(Object.entries(inputs.latest ?? {}).map(([type, entry]) => [latestKey(type), entry])) },
  };
}

const attr = (value: unknown, department = 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt?: string) => ({ value: value as never, source: cite(department, occurredAt) });
const enrolment = (program: string, extra: Partial<EnrolmentInput> = {}): EnrolmentInput => ({ program, status: 'ACTIVE', startDate: '2025-01-01', endDate: null, endReason: null, coveredMembers: [], monthlyAmountFen: 10_000, source: cite('CIVIL_AFFAIRS_ASSISTANCE'), ...extra });

function standards(): ReferenceBook {
  const book = new ReferenceBook();
  const record = (versionId: string, program: string, standardKind: string, extra: Record<string, number | null>) => ({
    _id: cite().eventId,
    eventType: 'reference.standard-changed',
    department: 'CIVIL_AFFAIRS_ASSISTANCE',
    occurredAt: '2025-01-01T00:00:00.000Z',
    subjectKey: null,
    regionCodes: ['442000'],
    summary: { versionId, program, standardKind, effectiveFrom: '2025-01-01', effectiveTo: null, changeKind: 'PUBLISHED', valueFen: null, ratioPermille: null, ...extra },
  });
  book.note([record('DIBAO-442000-2025-01-01', 'DIBAO', 'MONTHLY_AMOUNT', { valueFen: 125_000 }), record('LOW_INCOME-442000-2025-01-01', 'LOW_INCOME', 'INCOME_THRESHOLD_MULTIPLIER', { ratioPermille: 1500 }), record('EXPENDITURE_HARDSHIP-442000-2025-01-01', 'EXPENDITURE_HARDSHIP', 'EXPENDITURE_RATIO_THRESHOLD', { ratioPermille: 1000 })]);
  return book;
}

const engine = new RuleEngine(RULES, DEFAULT_PARAMETERS);
const context = (reference = standards(), now = NOW) => ({ now, parameters: DEFAULT_PARAMETERS, reference });

function firesOnPerson(person: Screened, household: Screened | null = null, reference?: ReferenceBook, now?: Date) {
  return engine.evaluate('person', personFacts(person, household, context(reference, now)));
}
function firesOnHousehold(household: Screened, members: Screened[] = [], reference?: ReferenceBook) {
  return engine.evaluate('household', householdFacts(household, members, context(reference)));
}

const elderAlone = (extra: Partial<RuleInputs> = {}, birthDate = '1940-03-12') => subject('person', 'elder', { attributes: { livingArrangement: attr('ALONE'), elderFlags: attr({ hukouResident: true }), ...extra.attributes }, ...extra }, birthDate);

describe('the rule table', () => {
  it('has at least 16 rules, each with a unique id, inputs it declares, a Chinese title and an explanation over its inputs', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(16);
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.title).toMatch(/[\u4e00-\u9fff]/u);
      for (const fact of factsOf(rule.condition)) expect(rule.inputs).toContain(fact);
    }
  });

  it('refuses a rule that reads a fact it does not declare, or an unknown operator', () => {
    const [first] = RULES;
    if (first === undefined) throw new Error('no rules');
    expect(() => new RuleEngine([{ ...first, inputs: first.inputs.slice(1) }], DEFAULT_PARAMETERS)).toThrow(/not among its inputs/u);
    expect(() => compileCondition({ fact: 'age', operator: 'near' as never, value: 1 })).toThrow(/unknown operator/u);
    expect(() => compileCondition({ fact: 'nope', operator: 'equal', value: 1 }, new Set(['age']))).toThrow(/unknown fact nope/u);
  });

  it('compares like json-rules-engine: numbers only for numeric operators, arrays for in / contains', () => {
    expect(compileCondition({ fact: 'x', operator: 'lessThan', value: 5 })({ x: null })).toBe(false);
    expect(compileCondition({ fact: 'x', operator: 'lessThanInclusive', value: { fact: 'y' } })({ x: 5, y: 5 })).toBe(true);
    expect(compileCondition({ fact: 'x', operator: 'in', value: ['A', 'B'] })({ x: 'B' })).toBe(true);
    expect(compileCondition({ fact: 'x', operator: 'doesNotContain', value: 'A' })({ x: 'A' })).toBe(false);
    expect(compileCondition({ not: { fact: 'x', operator: 'contains', value: 'A' } })({ x: ['A'] })).toBe(false);
  });

  it('selects only the rules whose inputs depend on what changed', () => {
    const onCall = engine.rulesFor('person', new Set(['elderly-care.emergency-call-triggered'])).map((item) => item.rule.id);
    expect(onCall).toContain('EMERGENCY_CALL_PRESSED');
    expect(onCall).not.toContain('TURNING_80_WITHOUT_ALLOWANCE');
    expect(onCall).not.toContain('EDUCATION_AID_CANDIDATE');
    const onStandard = engine.rulesFor('household', new Set(['standard'])).map((item) => item.rule.id);
    expect(onStandard).toEqual(expect.arrayContaining(['INCOME_BELOW_DIBAO', 'INCOME_LOW_INCOME_BAND', 'EXPENDITURE_HARDSHIP']));
    expect(onStandard).not.toContain('DANGEROUS_HOUSE');
  });

  it('parses parameter overrides by name and type', () => {
    expect(parseParameters('{"waterSilenceThresholdHours": 12}').waterSilenceThresholdHours).toBe(12);
    expect(() => parseParameters('{"nope": 1}')).toThrow(/unknown rule parameter nope/u);
    expect(() => parseParameters('{"educationAidStages": 3}')).toThrow(/list of strings/u);
  });
});

describe('WATER_METER_SILENCE', () => {
  const anomaly = (hours: number, at = hoursAgo(2), kind = 'NO_CONSUMPTION') => ({ 'water.meter-anomaly-detected': { value: { anomalyKind: kind, hours }, source: cite('WATER', at) } });
  it('flags an elder living alone whose meter has been silent for 24 hours, P1, with the reading as its source', () => {
    const match = firesOnPerson(elderAlone({ latest: anomaly(26) })).get('WATER_METER_SILENCE');
    expect(match).toMatchObject({ urgency: 'P1', rule: { targetRole: 'GRID_WORKER', flagCode: 'RISK_WELLBEING_CHECK' } });
    expect(match?.explanation).toContain('独居老人（86岁）的智能水表已连续26小时无用水');
    expect(match?.facts.find((fact) => fact.name === 'waterSilenceHours')).toMatchObject({ value: '26', sourceDepartment: 'WATER' });
  });
  it('does not flag below the threshold, continuous flow, a stale anomaly, a person who is not a key target, or the dead', () => {
    expect(firesOnPerson(elderAlone({ latest: anomaly(23) })).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(elderAlone({ latest: anomaly(30, hoursAgo(2), 'CONTINUOUS_FLOW') })).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(elderAlone({ latest: anomaly(30, hoursAgo(100)) })).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(subject('person', 'p', { attributes: { livingArrangement: attr('WITH_FAMILY') }, latest: anomaly(30) }, '1940-01-01')).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(elderAlone({ attributes: { livingArrangement: attr('ALONE'), deceased: attr({ dateOfDeath: '2026-12-01' }, 'PUBLIC_SECURITY') }, latest: anomaly(30) })).get('WATER_METER_SILENCE')).toBeNull();
  });
  it('reads a silence the meter reports on the household', () => {
    const household = subject('household', 'HH-1', { latest: anomaly(48) });
    expect(firesOnPerson(elderAlone(), household).get('WATER_METER_SILENCE')).not.toBeNull();
  });
});

describe('water silence from meter readings, and the wake-ups of time facts', () => {
  const withUse = (person: Screened, lastUseHours: number | null, lastReadingHours: number): Screened => ({
    ...person,
    water: { lastUseAt: lastUseHours === null ? null : hoursAgo(lastUseHours), useSource: lastUseHours === null ? null : cite('WATER', hoursAgo(lastUseHours)), lastReadingAt: hoursAgo(lastReadingHours), readingSource: cite('WATER', hoursAgo(lastReadingHours)) },
  });
  it('measures the hours since water was last used while the meter went on reporting, citing the reading with water', () => {
    const match = firesOnPerson(withUse(elderAlone(), 27, 1)).get('WATER_METER_SILENCE');
    expect(match?.facts.find((fact) => fact.name === 'waterSilenceHours')).toMatchObject({ value: '27', occurredAt: hoursAgo(27) });
    // 20 hours: not yet; a meter that stopped reporting at the last use says nothing; a meter that never showed water neither.
    expect(firesOnPerson(withUse(elderAlone(), 20, 1)).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(withUse(elderAlone(), 30, 30)).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(withUse(elderAlone(), null, 1)).get('WATER_METER_SILENCE')).toBeNull();
  });
  it('takes water used after a reported anomaly as the end of that silence', () => {
    const anomaly = { 'water.meter-anomaly-detected': { value: { anomalyKind: 'NO_CONSUMPTION', hours: 30 }, source: cite('WATER', hoursAgo(5)) } };
    expect(firesOnPerson(withUse(elderAlone({ latest: anomaly }), 2, 1)).get('WATER_METER_SILENCE')).toBeNull();
    expect(firesOnPerson(withUse(elderAlone({ latest: anomaly }), 40, 1)).get('WATER_METER_SILENCE')).not.toBeNull();
  });
  it('wakes at the last use + the threshold for a key target, at the next birthdays that matter, at the next month on the visit roster', () => {
    const context0 = context();
    const facts = personFacts(withUse(elderAlone({}, '1946-12-20'), 20, 1), null, context0);
    expect(facts.wakes.water).toBe(new Date(Date.parse(hoursAgo(20)) + 24 * 3_600_000).toISOString());
    // Turning 80 on 2026-12-20, at midnight China time.
    expect(facts.wakes.age).toBe('2026-12-19T16:00:00.000Z');
    expect(facts.wakes.month).toBe('2026-12-31T16:00:00.000Z');
    // Nothing in the past, nothing for a person whose time facts do not matter.
    expect(personFacts(subject('person', 'adult', {}, '1980-01-01'), null, context0).wakes).toEqual({ age: '2039-12-31T16:00:00.000Z' });
  });
});

describe('EMERGENCY_CALL_PRESSED, VITAL_SIGN_ALARM, DEVICE_OFFLINE', () => {
  it('flags a press within the signal window (P1, dispatch centre) and not an old one', () => {
    const pressed = (at: string) => elderAlone({ latest: { 'elderly-care.emergency-call-triggered': { value: { pressCount: 3 }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', at) } } });
    expect(firesOnPerson(pressed(hoursAgo(0))).get('EMERGENCY_CALL_PRESSED')).toMatchObject({ urgency: 'P1', rule: { targetRole: 'ELDERLY_DISPATCH_CENTRE' } });
    expect(firesOnPerson(pressed(hoursAgo(0))).get('EMERGENCY_CALL_PRESSED')?.explanation).toContain('被按下3次');
    expect(firesOnPerson(pressed(hoursAgo(80))).get('EMERGENCY_CALL_PRESSED')).toBeNull();
    expect(firesOnPerson(elderAlone()).get('EMERGENCY_CALL_PRESSED')).toBeNull();
  });
  it('flags a vital-sign alarm with its metric in Chinese', () => {
    const alarm = elderAlone({ latest: { 'elderly-care.vital-sign-alarm-raised': { value: { metric: 'FALL_DETECTED' }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(1)) } } });
    expect(firesOnPerson(alarm).get('VITAL_SIGN_ALARM')?.explanation).toContain('跌倒');
  });
  it('flags a device offline for 24 hours unless it spoke again since', () => {
    const offline = { 'elderly-care.device-went-offline': { value: { lastSeenAt: hoursAgo(30) }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(29)) } };
    expect(firesOnPerson(elderAlone({ latest: offline })).get('DEVICE_OFFLINE')).toMatchObject({ urgency: 'P3' });
    expect(firesOnPerson(elderAlone({ latest: { ...offline, 'elderly-care.emergency-call-triggered': { value: { pressCount: 1 }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(200)) } } })).get('DEVICE_OFFLINE')).not.toBeNull();
    expect(firesOnPerson(elderAlone({ latest: { ...offline, 'elderly-care.vital-sign-alarm-raised': { value: { metric: 'HEART_RATE' }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(5)) } } })).get('DEVICE_OFFLINE')).toBeNull();
    const recent = { 'elderly-care.device-went-offline': { value: { lastSeenAt: hoursAgo(10) }, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', hoursAgo(9)) } };
    expect(firesOnPerson(elderAlone({ latest: recent })).get('DEVICE_OFFLINE')).toBeNull();
  });
});

describe('MISSED_MONTHLY_VISIT', () => {
  const registered = (at: string) => ({ 'elderly-care.elder-registered': { value: {}, source: cite('CIVIL_AFFAIRS_ELDERLY_CARE', at) } });
  it('flags an elder on the roster since before last month with no visit last month; the month is the evidence', () => {
    const match = firesOnPerson(elderAlone({ latest: registered('2026-06-01T00:00:00.000Z'), visitMonths: ['2026-10', '2026-12'] })).get('MISSED_MONTHLY_VISIT');
    expect(match?.explanation).toContain('2026-11月没有探访记录');
  });
  it('does not flag when last month had a visit, when registered last month, or for an elder living with family', () => {
    expect(firesOnPerson(elderAlone({ latest: registered('2026-06-01T00:00:00.000Z'), visitMonths: ['2026-11'] })).get('MISSED_MONTHLY_VISIT')).toBeNull();
    expect(firesOnPerson(elderAlone({ latest: registered('2026-11-20T00:00:00.000Z') })).get('MISSED_MONTHLY_VISIT')).toBeNull();
    expect(firesOnPerson(subject('person', 'p', { attributes: { livingArrangement: attr('WITH_FAMILY'), economicStatus: attr('ORDINARY') }, latest: registered('2026-01-01T00:00:00.000Z') }, '1940-01-01')).get('MISSED_MONTHLY_VISIT')).toBeNull();
  });
  it('takes the previous month across a year boundary', () => {
    const person = elderAlone({ latest: registered('2026-06-01T00:00:00.000Z'), visitMonths: ['2026-12'] });
    expect(firesOnPerson(person, null, undefined, new Date('2027-01-05T00:00:00.000Z')).get('MISSED_MONTHLY_VISIT')).toBeNull();
    expect(firesOnPerson(elderAlone({ latest: registered('2026-06-01T00:00:00.000Z') }), null, undefined, new Date('2027-01-05T00:00:00.000Z')).get('MISSED_MONTHLY_VISIT')?.explanation).toContain('2026-12月');
  });
});

describe('MAJOR_ILLNESS_IMPOVERISHMENT', () => {
  const settlement = (outOfPocketFen: number, diagnosisCategory: string, visitKind = 'INPATIENT', at = '2026-11-20T00:00:00.000Z') => ({ value: { outOfPocketFen, diagnosisCategory, visitKind }, source: cite('MEDICAL_INSURANCE', at) });
  it('flags a member of a 低保 household admitted with a major illness (P2, medical aid)', () => {
    const person = subject('person', 'p', { settlements: [settlement(2_360_000, 'MAJOR_ILLNESS')] }, '1974-11-03');
    const household = subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] });
    const match = firesOnPerson(person, household).get('MAJOR_ILLNESS_IMPOVERISHMENT');
    expect(match).toMatchObject({ urgency: 'P2', rule: { suggestedProgram: 'MEDICAL_AID' } });
    expect(match?.explanation).toContain('个人自付23,600元');
    expect(match?.facts.map((fact) => fact.sourceDepartment)).toEqual(expect.arrayContaining(['MEDICAL_INSURANCE', 'CIVIL_AFFAIRS_ASSISTANCE']));
  });
  it('flags anyone whose 12-month out-of-pocket cost reaches the threshold, and not a small outpatient bill of a household not in hardship', () => {
    expect(firesOnPerson(subject('person', 'p', { settlements: [settlement(1_200_000, 'CHRONIC', 'OUTPATIENT'), settlement(900_000, 'CHRONIC', 'OUTPATIENT')] }, '1970-01-01')).get('MAJOR_ILLNESS_IMPOVERISHMENT')).not.toBeNull();
    expect(firesOnPerson(subject('person', 'p', { settlements: [settlement(50_000, 'MAJOR_ILLNESS')] }, '1970-01-01')).get('MAJOR_ILLNESS_IMPOVERISHMENT')).toBeNull();
    const old = subject('person', 'p', { settlements: [settlement(50_000, 'MAJOR_ILLNESS', 'INPATIENT', '2026-01-01T00:00:00.000Z')] }, '1970-01-01');
    expect(firesOnPerson(old, subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] })).get('MAJOR_ILLNESS_IMPOVERISHMENT')).toBeNull();
  });
});

describe('household income and expenditure rules', () => {
  const check = (perCapita: number, extra: Record<string, unknown> = {}, at = '2026-10-15T00:00:00.000Z') => ({ economicCheck: attr({ monthlyIncomePerCapitaFen: perCapita, annualDisposableIncomeFen: 3_000_000, rigidExpenditureFen: 0, periodTo: '2026-09-30', ...extra }, 'CIVIL_AFFAIRS_ASSISTANCE', at) });
  it('INCOME_BELOW_DIBAO: per-capita income at the standard, not enrolled, citing the standard version', () => {
    const match = firesOnHousehold(subject('household', 'HH-1', { attributes: check(125_000) })).get('INCOME_BELOW_DIBAO');
    expect(match).toMatchObject({ standardVersionId: 'DIBAO-442000-2025-01-01', rule: { suggestedProgram: 'DIBAO' } });
    expect(match?.explanation).toContain('月人均收入1,250元，不高于当地低保标准1,250元');
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(125_001) })).get('INCOME_BELOW_DIBAO')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(90_000), enrolments: [enrolment('DIBAO')] })).get('INCOME_BELOW_DIBAO')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(90_000, {}, '2025-01-01T00:00:00.000Z') })).get('INCOME_BELOW_DIBAO')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(90_000) }), [], new ReferenceBook()).get('INCOME_BELOW_DIBAO')).toBeNull();
  });
  it('INCOME_LOW_INCOME_BAND: above the standard, up to 1.5 × it', () => {
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(187_500) })).get('INCOME_LOW_INCOME_BAND')?.explanation).toContain('不高于低收入认定上限1,875元');
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(187_501) })).get('INCOME_LOW_INCOME_BAND')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(125_000) })).get('INCOME_LOW_INCOME_BAND')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-1', { attributes: check(150_000), enrolments: [enrolment('LOW_INCOME')] })).get('INCOME_LOW_INCOME_BAND')).toBeNull();
  });
  it('EXPENDITURE_HARDSHIP: rigid spending plus members\u2019 later out-of-pocket costs reach k × annual income', () => {
    const household = subject('household', 'HH-1', { attributes: check(300_000, { rigidExpenditureFen: 2_500_000 }) });
    expect(firesOnHousehold(household).get('EXPENDITURE_HARDSHIP')).toBeNull();
    const member = subject('person', 'm', { settlements: [{ value: { outOfPocketFen: 600_000, diagnosisCategory: 'ACUTE', visitKind: 'INPATIENT' }, source: cite('MEDICAL_INSURANCE', '2026-11-01T00:00:00.000Z') }] }, '1970-01-01');
    const match = firesOnHousehold(household, [member]).get('EXPENDITURE_HARDSHIP');
    expect(match?.explanation).toContain('刚性支出31,000元，年可支配收入30,000元，比例103.3%');
    expect(match?.standardVersionId).toBe('EXPENDITURE_HARDSHIP-442000-2025-01-01');
  });
  it('RELAPSE_RISK: a hospitalisation within 12 months of leaving 低保, not after the window', () => {
    const left = (endDate: string) => subject('household', 'HH-1', { enrolments: [enrolment('DIBAO', { status: 'ENDED', endDate, endReason: 'GRADUAL_EXIT' })] });
    const member = subject('person', 'm', { settlements: [{ value: { outOfPocketFen: 10_000, diagnosisCategory: 'ACUTE', visitKind: 'INPATIENT' }, source: cite('MEDICAL_INSURANCE', '2026-11-01T00:00:00.000Z') }] }, '1970-01-01');
    expect(firesOnHousehold(left('2026-05-31'), [member]).get('RELAPSE_RISK')).toMatchObject({ urgency: 'P2' });
    expect(firesOnHousehold(left('2025-06-30'), [member]).get('RELAPSE_RISK')).toBeNull();
    expect(firesOnHousehold(left('2026-05-31'), []).get('RELAPSE_RISK')).toBeNull();
  });
});

describe('DISASTER_SWEEP and DANGEROUS_HOUSE', () => {
  const disasterBook = (regionCodes: string[], endAt: string | null = null) => {
    const book = standards();
    book.note([{ _id: cite().eventId, eventType: 'emergency-management.disaster-declared', department: 'EMERGENCY_MANAGEMENT', occurredAt: hoursAgo(6), subjectKey: null, regionCodes, summary: { disasterId: 'D-1', disasterName: '台风“海葵”', disasterKind: 'TYPHOON', responseLevel: 'LEVEL_2', startAt: hoursAgo(6), endAt } }]);
    return book;
  };
  it('sweeps a 低保 household in the affected town, not one elsewhere, not an ordinary household, not after the disaster', () => {
    const poor = subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] });
    expect(firesOnHousehold(poor, [], disasterBook(['442000101'])).get('DISASTER_SWEEP')?.explanation).toContain('台风“海葵”');
    expect(firesOnHousehold(poor, [], disasterBook(['442000102'])).get('DISASTER_SWEEP')).toBeNull();
    expect(firesOnHousehold(subject('household', 'HH-2', {}), [], disasterBook(['442000101'])).get('DISASTER_SWEEP')).toBeNull();
    expect(firesOnHousehold(poor, [], disasterBook(['442000101'], hoursAgo(100))).get('DISASTER_SWEEP')).toBeNull();
  });
  it('sweeps a household with a disabled member', () => {
    const member = subject('person', 'm', { attributes: { disability: attr({ grade: 'GRADE_3', kind: 'PHYSICAL' }, 'DISABLED_PERSONS_FEDERATION') } }, '1970-01-01');
    expect(firesOnHousehold(subject('household', 'HH-2', {}), [member], disasterBook(['442000'])).get('DISASTER_SWEEP')).not.toBeNull();
  });
  it('flags a 低保 household in a C/D house, P1 during a disaster, and not a B house', () => {
    const house = (grade: string) => subject('household', 'HH-1', { enrolments: [enrolment('LOW_INCOME')], attributes: { houseSafety: attr({ status: grade }, 'HOUSING') } });
    expect(firesOnHousehold(house('D')).get('DANGEROUS_HOUSE')).toMatchObject({ urgency: 'P3' });
    expect(firesOnHousehold(house('C'), [], disasterBook(['442000'])).get('DANGEROUS_HOUSE')).toMatchObject({ urgency: 'P1' });
    expect(firesOnHousehold(house('B')).get('DANGEROUS_HOUSE')).toBeNull();
  });
});

describe('children', () => {
  const guardianship = (changeKind: string, hasEffectiveGuardian: boolean | null) => ({ guardianship: attr({ changeKind, hasEffectiveGuardian }, 'CIVIL_AFFAIRS_CHILD_PROTECTION') });
  it('GUARDIANSHIP_LOSS: a minor whose guardian died with no effective guardian left (P1, 儿童主任)', () => {
    expect(firesOnPerson(subject('person', 'c', { attributes: guardianship('DEATH', false) }, '2015-05-05')).get('GUARDIANSHIP_LOSS')).toMatchObject({ urgency: 'P1', rule: { targetRole: 'CHILD_DIRECTOR' } });
    expect(firesOnPerson(subject('person', 'c', { attributes: guardianship('DETENTION', null) }, '2015-05-05')).get('GUARDIANSHIP_LOSS')?.explanation).toContain('被羁押');
    expect(firesOnPerson(subject('person', 'c', { attributes: guardianship('DEATH', true) }, '2015-05-05')).get('GUARDIANSHIP_LOSS')).toBeNull();
    expect(firesOnPerson(subject('person', 'c', { attributes: guardianship('NEW_GUARDIAN_APPOINTED', false) }, '2015-05-05')).get('GUARDIANSHIP_LOSS')).toBeNull();
    expect(firesOnPerson(subject('person', 'c', { attributes: guardianship('DEATH', false) }, '2006-01-01')).get('GUARDIANSHIP_LOSS')).toBeNull();
  });
  it('LEFT_BEHIND_CHILD: a minor at home whose parents both live away and who is not registered', () => {
    const members = (fatherHome: boolean) => [
      { personKey: 'father', relationToHead: 'HEAD', livingTogether: fatherHome },
      { personKey: 'mother', relationToHead: 'SPOUSE', livingTogether: false },
      { personKey: 'c', relationToHead: 'CHILD', livingTogether: true },
    ];
    const household = (fatherHome: boolean) => subject('household', 'HH-1', { members: members(fatherHome), membersSource: cite('CIVIL_AFFAIRS_ASSISTANCE') });
    expect(firesOnPerson(subject('person', 'c', {}, '2016-01-01'), household(false)).get('LEFT_BEHIND_CHILD')).toMatchObject({ urgency: 'P3' });
    expect(firesOnPerson(subject('person', 'c', {}, '2016-01-01'), household(true)).get('LEFT_BEHIND_CHILD')).toBeNull();
    expect(firesOnPerson(subject('person', 'c', { attributes: { childCategory: attr('LEFT_BEHIND', 'CIVIL_AFFAIRS_CHILD_PROTECTION') } }, '2016-01-01'), household(false)).get('LEFT_BEHIND_CHILD')).toBeNull();
  });
  it('ORPHAN_AGE_TRANSITION: within 90 days of turning 18, not before, not after', () => {
    const orphan = (birthDate: string) => subject('person', 'c', { attributes: { childCategory: attr('SCATTERED_ORPHAN', 'CIVIL_AFFAIRS_CHILD_PROTECTION') } }, birthDate);
    expect(firesOnPerson(orphan('2009-01-20')).get('ORPHAN_AGE_TRANSITION')?.explanation).toContain('散居孤儿将在45天后年满 18 周岁');
    expect(firesOnPerson(orphan('2009-06-01')).get('ORPHAN_AGE_TRANSITION')).toBeNull();
    expect(firesOnPerson(orphan('2008-12-01')).get('ORPHAN_AGE_TRANSITION')).toBeNull();
  });
  it('MANDATORY_REPORT: a recent report is a P1 case for the protection station', () => {
    const reported = subject('person', 'c', { latest: { 'child-protection.mandatory-report-received': { value: {}, source: cite('CIVIL_AFFAIRS_CHILD_PROTECTION', hoursAgo(1)) } } }, '2015-01-01');
    expect(firesOnPerson(reported).get('MANDATORY_REPORT')).toMatchObject({ urgency: 'P1', rule: { targetRole: 'MINORS_PROTECTION_STATION' } });
  });
  it('EDUCATION_AID_CANDIDATE: a 低保 child in senior high without education aid; not primary school; not with aid', () => {
    const student = (stage: string) => subject('person', 'c', { attributes: { schooling: attr({ stage }, 'EDUCATION') } }, '2010-01-01');
    const household = (programs: string[]) => subject('household', 'HH-1', { enrolments: programs.map((program) => enrolment(program)) });
    expect(firesOnPerson(student('SENIOR_HIGH'), household(['DIBAO'])).get('EDUCATION_AID_CANDIDATE')?.explanation).toContain('就读高中');
    expect(firesOnPerson(student('PRIMARY'), household(['DIBAO'])).get('EDUCATION_AID_CANDIDATE')).toBeNull();
    expect(firesOnPerson(student('SENIOR_HIGH'), household(['DIBAO', 'EDUCATION_AID'])).get('EDUCATION_AID_CANDIDATE')).toBeNull();
    expect(firesOnPerson(student('UNIVERSITY'), household([])).get('EDUCATION_AID_CANDIDATE')).toBeNull();
  });
});

describe('elderly and disability entitlements', () => {
  it('TURNING_80_WITHOUT_ALLOWANCE: a hukou resident of 80 without the allowance; not at 79; not with it; not without hukou', () => {
    const elder = (birthDate: string, hukouResident = true, programs: EnrolmentInput[] = []) => subject('person', 'e', { attributes: { elderFlags: attr({ hukouResident }) }, enrolments: programs }, birthDate);
    expect(firesOnPerson(elder('1946-12-06')).get('TURNING_80_WITHOUT_ALLOWANCE')?.explanation).toContain('已满80周岁');
    expect(firesOnPerson(elder('1946-12-07')).get('TURNING_80_WITHOUT_ALLOWANCE')).toBeNull();
    expect(firesOnPerson(elder('1940-01-01', true, [enrolment('ADVANCED_AGE_ALLOWANCE')])).get('TURNING_80_WITHOUT_ALLOWANCE')).toBeNull();
    expect(firesOnPerson(elder('1940-01-01', false)).get('TURNING_80_WITHOUT_ALLOWANCE')).toBeNull();
  });
  it('DISABLED_ELDER_CARE_SUBSIDY: a severely dependent elder in a 低保 household without the subsidy', () => {
    const elder = (level: string) => subject('person', 'e', { attributes: { careDependencyLevel: attr(level) } }, '1945-01-01');
    const dibao = subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] });
    expect(firesOnPerson(elder('SEVERE'), dibao).get('DISABLED_ELDER_CARE_SUBSIDY')?.explanation).toContain('能力评估为失能');
    expect(firesOnPerson(elder('MILD'), dibao).get('DISABLED_ELDER_CARE_SUBSIDY')).toBeNull();
    expect(firesOnPerson(elder('SEVERE'), subject('household', 'HH-2', {})).get('DISABLED_ELDER_CARE_SUBSIDY')).toBeNull();
  });
  it('the two disability subsidies: living subsidy for hardship, care subsidy for grades 1-2 and grade 3-4 intellectual', () => {
    const disabled = (grade: string, kind: string, enrolments: EnrolmentInput[] = []) => subject('person', 'd', { attributes: { disability: attr({ grade, kind }, 'DISABLED_PERSONS_FEDERATION') }, enrolments }, '1980-01-01');
    const dibao = subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] });
    expect(firesOnPerson(disabled('GRADE_3', 'PHYSICAL'), dibao).get('DISABILITY_LIVING_SUBSIDY_GAP')).not.toBeNull();
    expect(firesOnPerson(disabled('GRADE_3', 'PHYSICAL')).get('DISABILITY_LIVING_SUBSIDY_GAP')).toBeNull();
    expect(firesOnPerson(disabled('GRADE_1', 'PHYSICAL')).get('DISABILITY_CARE_SUBSIDY_GAP')?.explanation).toContain('肢体残疾（一级）');
    expect(firesOnPerson(disabled('GRADE_4', 'INTELLECTUAL')).get('DISABILITY_CARE_SUBSIDY_GAP')).not.toBeNull();
    expect(firesOnPerson(disabled('GRADE_3', 'PHYSICAL')).get('DISABILITY_CARE_SUBSIDY_GAP')).toBeNull();
    expect(firesOnPerson(disabled('GRADE_2', 'VISUAL', [enrolment('DISABILITY_CARE_SUBSIDY')])).get('DISABILITY_CARE_SUBSIDY_GAP')).toBeNull();
  });
  it('COMPOUND_DISABILITY: two disabled members, or a disabled son cared for by an 80-year-old; P1 when the caregiver died', () => {
    const son = subject('person', 's', { attributes: { disability: attr({ grade: 'GRADE_2', kind: 'MENTAL' }, 'DISABLED_PERSONS_FEDERATION') } }, '1970-01-01');
    const mother = (deceased: boolean) => subject('person', 'm', deceased ? { attributes: { deceased: attr({ dateOfDeath: '2026-12-01' }, 'PUBLIC_SECURITY') } } : {}, '1944-01-01');
    expect(firesOnHousehold(subject('household', 'HH-1', {}), [son, mother(false)]).get('COMPOUND_DISABILITY')).toMatchObject({ urgency: 'P2' });
    expect(firesOnHousehold(subject('household', 'HH-1', {}), [son, mother(true)]).get('COMPOUND_DISABILITY')).toMatchObject({ urgency: 'P1' });
    expect(firesOnHousehold(subject('household', 'HH-1', {}), [son, subject('person', 'f', {}, '1968-01-01')]).get('COMPOUND_DISABILITY')).toBeNull();
  });
});

describe('benefit integrity and sudden hardship', () => {
  const dead = (dateOfDeath: string) => ({ deceased: attr({ dateOfDeath }, 'PUBLIC_SECURITY') });
  it('BENEFIT_AFTER_DEATH: a household 低保 covering a person dead for more than the grace period', () => {
    const household = subject('household', 'HH-1', { enrolments: [enrolment('DIBAO', { coveredMembers: ['p'] })] });
    expect(firesOnPerson(subject('person', 'p', { attributes: dead('2026-09-01') }, '1940-01-01'), household).get('BENEFIT_AFTER_DEATH')?.explanation).toContain('仍有1项待遇未停止：低保');
    expect(firesOnPerson(subject('person', 'p', { attributes: dead('2026-11-30') }, '1940-01-01'), household).get('BENEFIT_AFTER_DEATH')).toBeNull();
    expect(firesOnPerson(subject('person', 'p', { attributes: dead('2026-09-01') }, '1940-01-01'), subject('household', 'HH-1', { enrolments: [enrolment('DIBAO', { coveredMembers: ['other'] })] })).get('BENEFIT_AFTER_DEATH')).toBeNull();
  });
  it('DUPLICATE_BENEFITS: 低保 and 特困 at once', () => {
    expect(firesOnPerson(subject('person', 'p', { enrolments: [enrolment('TEKUN')] }, '1950-01-01'), subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] })).get('DUPLICATE_BENEFITS')?.explanation).toContain('低保与特困供养');
    expect(firesOnPerson(subject('person', 'p', { enrolments: [enrolment('ADVANCED_AGE_ALLOWANCE')] }, '1940-01-01'), subject('household', 'HH-1', { enrolments: [enrolment('DIBAO')] })).get('DUPLICATE_BENEFITS')).toBeNull();
  });
  it('DUTIES_NOT_SEPARATED: the reviewer also approved the payment', () => {
    const payment = (payerId: string, reviewerId: string, approverId: string) => subject('household', 'HH-1', { latest: { 'assistance.payment-issued': { value: { payerId, reviewerId, approverId }, source: cite('CIVIL_AFFAIRS_ASSISTANCE') } } });
    expect(firesOnHousehold(payment('a', 'b', 'b')).get('DUTIES_NOT_SEPARATED')).not.toBeNull();
    expect(firesOnHousehold(payment('a', 'b', 'c')).get('DUTIES_NOT_SEPARATED')).toBeNull();
  });
  it('SUDDEN_HARDSHIP: a fire reported by 12345 is P1, a hardship report P2, an old one nothing', () => {
    const incident = (category: string, at = hoursAgo(3)) => subject('household', 'HH-1', { latest: { 'hotline-12345.incident-reported': { value: { category }, source: cite('HOTLINE_12345', at) } } });
    expect(firesOnHousehold(incident('FIRE')).get('SUDDEN_HARDSHIP')).toMatchObject({ urgency: 'P1', rule: { suggestedProgram: 'TEMPORARY_AID' } });
    expect(firesOnHousehold(incident('LIVING_HARDSHIP')).get('SUDDEN_HARDSHIP')).toMatchObject({ urgency: 'P2' });
    expect(firesOnHousehold(incident('FIRE', hoursAgo(200))).get('SUDDEN_HARDSHIP')).toBeNull();
    expect(firesOnHousehold(incident('VAGRANT')).get('SUDDEN_HARDSHIP')).toBeNull();
  });
});

describe('explanations', () => {
  it('mark a value the seeds do not give as a parameter', () => {
    const anomaly = { 'water.meter-anomaly-detected': { value: { anomalyKind: 'NO_CONSUMPTION', hours: 30 }, source: cite('WATER', hoursAgo(1)) } };
    expect(firesOnPerson(elderAlone({ latest: anomaly })).get('WATER_METER_SILENCE')?.explanation).toContain('报警阈值24（参数）小时');
  });
  it('keep the same evidence key as time passes, and a new one for a new source event', () => {
    const call = (id: string, at: string) => elderAlone({ latest: { 'elderly-care.emergency-call-triggered': { value: { pressCount: 1 }, source: { eventId: id, department: 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt: at } } } });
    const first = firesOnPerson(call('e1', hoursAgo(1))).get('EMERGENCY_CALL_PRESSED');
    const later = firesOnPerson(call('e1', hoursAgo(1)), null, undefined, new Date(NOW.getTime() + 3_600_000)).get('EMERGENCY_CALL_PRESSED');
    const second = firesOnPerson(call('e2', hoursAgo(0))).get('EMERGENCY_CALL_PRESSED');
    expect(later?.evidenceKey).toBe(first?.evidenceKey);
    expect(second?.evidenceKey).not.toBe(first?.evidenceKey);
  });
});
