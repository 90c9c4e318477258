#!/usr/bin/env node
// Benchmark of 政策找人 (a script that prints figures; not a test).
//   ./mz run bench:screening           (builds, starts or reuses the local Kafka and FerretDB)
//   BENCH_PERSONS=1000000 (default)    synthetic persons, in households of 1-4 (about 400,000)
//   BENCH_TEMPLATES=2000               families built through the real fold from department events,
//                                      then cloned under new pseudonyms and villages to the size asked
//   BENCH_JRE_HOUSEHOLDS=20000         households (with their members) json-rules-engine evaluates
//   BENCH_NAIVE_HOUSEHOLDS=2000        households the naive mongoose loop re-screens
//   BENCH_PROBES=200 BENCH_BACKGROUND_RATE=200   the latency run: probes, background events/s
//   BENCH_SKIP_STORE=1                 no FerretDB re-screen, no naive loop
//   BENCH_ONLY_MEMORY=1                the in-memory figures only (1.)
// Figures, in the same run, over the same summaries and the same 26 rules:
//   1. rule evaluation in memory: the compiled rules (closures) vs json-rules-engine 7 (the same
//      condition objects, run by its engine), facts built the same way for both;
//   2. the full re-screen on FerretDB (`Screener.screenAll`: one read of every summary, facts,
//      rules, flags and wake-ups written in batches) — the first pass (every flag and wake-up new)
//      and a second (nothing changed) — vs a naive per-document mongoose loop (find the household,
//      find each member, evaluate, find and save each flag slot);
//   3. latency: department events published to Kafka under a steady background load, projected,
//      screened, the flag event relayed and read back: p50 / p99 from publish to flag event.
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { Engine } from 'json-rules-engine';
import mongoose from 'mongoose';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { ensureTopics, deleteTopics } from '@minzheng/event-bus/admin';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue, registryOnTopic } from '@minzheng/event-bus/test-support';
import { decodeEvent } from '@minzheng/contracts';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { OUTBOX_COLLECTIONS, createScreener } from '../dist/app.js';
import { contributionsOf } from '../dist/projection/contributions.js';
import { foldCrypto } from '../dist/projection/crypto.js';
import { aadOf, aggregate, storedContribution, summaryDocument } from '../dist/projection/fold.js';
import { DEFAULT_PRECEDENCE } from '../dist/projection/precedence.js';
import { ProjectionConsumer } from '../dist/projection/projection-consumer.js';
import { RULES } from '../dist/rules/definitions.js';
import { RuleEngine } from '../dist/rules/engine.js';
import { householdFacts, personFacts } from '../dist/rules/facts.js';
import { DEFAULT_PARAMETERS } from '../dist/rules/parameters.js';
import { ReferenceBook } from '../dist/rules/reference.js';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const TEMPLATES = Number(process.env.BENCH_TEMPLATES ?? 2_000);
const JRE_HOUSEHOLDS = Number(process.env.BENCH_JRE_HOUSEHOLDS ?? 20_000);
const NAIVE_HOUSEHOLDS = Number(process.env.BENCH_NAIVE_HOUSEHOLDS ?? 2_000);
const PROBES = Number(process.env.BENCH_PROBES ?? 200);
const BACKGROUND_RATE = Number(process.env.BENCH_BACKGROUND_RATE ?? 200);
const SKIP_STORE = process.env.BENCH_SKIP_STORE === '1';
const ONLY_MEMORY = process.env.BENCH_ONLY_MEMORY === '1';
const report = benchReport('screening', { BENCH_PERSONS: PERSONS, BENCH_TEMPLATES: TEMPLATES, BENCH_JRE_HOUSEHOLDS: JRE_HOUSEHOLDS, BENCH_NAIVE_HOUSEHOLDS: NAIVE_HOUSEHOLDS, BENCH_PROBES: PROBES, BENCH_BACKGROUND_RATE: BACKGROUND_RATE, BENCH_SKIP_STORE: SKIP_STORE ? 1 : 0, BENCH_ONLY_MEMORY: ONLY_MEMORY ? 1 : 0 });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/').replace(/\/?$/u, '/');
const stamp = Date.now();
const topic = `bench-screening-${stamp}`;
const NOW = new Date();
const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const pseudonymizer = createPseudonymizer(randomBytes(32));
const crypto = foldCrypto(keyring, pseudonymizer);
const registry = registryOnTopic(topic);
const fmt = (value) => Math.round(value).toLocaleString('en');
const seconds = (since) => (performance.now() - since) / 1000;
const percentile = (sorted, share) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];

// --- a seeded city (mulberry32: the same in every run) ----------------------------------------
let seed = 20_261_207;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const chance = (share) => random() < share;
const pick = (list) => list[Math.floor(random() * list.length)];
const VILLAGES = Array.from({ length: 240 }, (_, index) => `442000${String(101 + Math.floor(index / 12)).padStart(3, '0')}${String(1 + (index % 12)).padStart(3, '0')}`);
const daysAgo = (days) => new Date(NOW.getTime() - days * 86_400_000);
const iso = (date) => date.toISOString();
const day = (date) => iso(date).slice(0, 10);
let serial = 0;
const eventId = () => {
  serial += 1;
  const hex = createHash('sha256').update(`event-${String(serial)}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

// The fixtures as JSON, read once (fixtureValue reads its file on every call).
const fixtures = new Map();
function fixture(eventType, envelope) {
  let base = fixtures.get(eventType);
  if (base === undefined) {
    base = fixtureValue(registry, eventType, {});
    fixtures.set(eventType, base);
  }
  return { ...structuredClone(base), envelope: { ...base.envelope, ...envelope, occurredAt: new Date(envelope.occurredAt ?? base.envelope.occurredAt), recordedAt: new Date(envelope.recordedAt ?? base.envelope.recordedAt) } };
}

function makePerson(year, index) {
  const first17 = `442000${String(year)}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(1 + Math.floor(random() * 28)).padStart(2, '0')}${String(index % 1000).padStart(3, '0')}`;
  const idNumber = `${first17}${residentIdCheckDigit(first17)}`;
  return { personKey: pseudonymizer.personKey(idNumber), idNumber, name: '张某', year };
}
const ref = (person) => ({ personKey: person.personKey, idNumber: person.idNumber, name: person.name });

/** The events a department would publish about one family (composition, checks, enrolments, elders, disability, school, signals). */
function familyEvents(index) {
  const village = pick(VILLAGES);
  const householdId = `HH-${village}-T${String(index).padStart(5, '0')}`;
  const thisYear = NOW.getUTCFullYear();
  const shape = random();
  const members = [];
  if (shape < 0.22) members.push(makePerson(thisYear - 60 - Math.floor(random() * 35), index)); // an elder on their own
  else if (shape < 0.35) members.push(makePerson(thisYear - 62 - Math.floor(random() * 25), index), makePerson(thisYear - 60 - Math.floor(random() * 25), index + 1)); // an elderly couple
  else {
    const size = 2 + Math.floor(random() * 3);
    members.push(makePerson(thisYear - 30 - Math.floor(random() * 25), index));
    for (let k = 1; k < size; k += 1) members.push(makePerson(k === 1 ? thisYear - 28 - Math.floor(random() * 25) : thisYear - 3 - Math.floor(random() * 15), index + k));
  }
  const events = [];
  const at = (days) => iso(daysAgo(days));
  const envelope = (department, occurred, person, household = householdId) => ({ eventId: eventId(), occurredAt: occurred, recordedAt: occurred, source: { department, system: 'bench', recordId: null }, region: { countyCode: '442000', townCode: village.slice(0, 9), villageCode: village }, person: person === null ? null : ref(person), household: household === null ? null : { householdId: household }, correlationId: null, causationId: null });
  const add = (eventType, department, days, person, body = {}, household = householdId) => events.push({ eventType, value: { ...fixture(eventType, envelope(department, at(days), person, household)), ...body } });
  const composition = fixture('assistance.household-composition-recorded', {});
  const template = composition.members[0];
  add('assistance.household-composition-recorded', 'CIVIL_AFFAIRS_ASSISTANCE', 400, members[0], { members: members.map((member, position) => ({ ...template, person: ref(member), relationToHead: position === 0 ? 'HEAD' : position === 1 ? 'SPOUSE' : 'CHILD', disabilityKind: null, disabilityGrade: null, seriouslyIll: false })) });
  const income = Math.floor(40_000 + random() * random() * 600_000); // per capita, fen: skewed low
  const size = members.length;
  add('assistance.economic-check-completed', 'CIVIL_AFFAIRS_ASSISTANCE', 30 + Math.floor(random() * 300), members[0], { householdSize: size, monthlyIncomePerCapitaFen: income, annualDisposableIncomeFen: income * size * 12, rigidExpenditures: chance(0.2) ? [{ kind: 'MEDICAL', amountFen: Math.floor(random() * 4_000_000) }] : [] });
  if (income <= 112_000 && chance(0.75)) add('assistance.enrolment-started', 'CIVIL_AFFAIRS_ASSISTANCE', 200, members[0], { enrolmentId: `ENR-${householdId}`, program: 'DIBAO', startDate: day(daysAgo(200)), coveredMembers: members.map(ref), monthlyAmountFen: (112_000 - income) * size });
  for (const member of members) {
    const age = thisYear - member.year;
    if (age >= 60) {
      add('elderly-care.elder-registered', 'CIVIL_AFFAIRS_ELDERLY_CARE', 500, member, { livingArrangement: size === 1 ? 'ALONE' : chance(0.3) ? 'EMPTY_NEST' : 'WITH_FAMILY', hukouResident: chance(0.95), economicStatus: income <= 112_000 ? 'DIBAO' : 'ORDINARY' }, null);
      if (age >= 80 && chance(0.85)) add('elderly-care.advanced-age-allowance-granted', 'CIVIL_AFFAIRS_ELDERLY_CARE', 300, member, { allowanceId: `AAA-${member.personKey.slice(0, 12)}`, startDate: day(daysAgo(300)), monthlyAmountFen: 10_000 }, null);
      if (chance(0.08)) add('elderly-care.ability-assessment-completed', 'CIVIL_AFFAIRS_ELDERLY_CARE', 90, member, { careDependencyLevel: pick(['MILD', 'MODERATE', 'SEVERE']) }, null);
      if (size === 1 && chance(0.3)) add('elderly-care.visit-recorded', 'CIVIL_AFFAIRS_ELDERLY_CARE', 5 + Math.floor(random() * 50), member, {}, null);
      if (chance(0.01)) add('elderly-care.emergency-call-triggered', 'CIVIL_AFFAIRS_ELDERLY_CARE', random() * 3, member, { pressCount: 1, lastPressedAt: daysAgo(random() * 3) }, null);
      if (size <= 2 && chance(0.02)) add('water.meter-anomaly-detected', 'WATER', random() * 2, member, { anomalyKind: 'NO_CONSUMPTION', hours: 12 + Math.floor(random() * 36) }, null);
    }
    if (chance(0.05)) add('disabled-persons-federation.disability-certified', 'DISABLED_PERSONS_FEDERATION', 400, member, { disabilityKind: pick(['PHYSICAL', 'VISUAL', 'INTELLECTUAL', 'MENTAL']), disabilityGrade: pick(['GRADE_1', 'GRADE_2', 'GRADE_3', 'GRADE_4']) }, null);
    if (age >= 6 && age <= 18 && chance(0.9)) add('education.student-enrolled', 'EDUCATION', 100, member, { schoolStage: age < 12 ? 'PRIMARY' : age < 15 ? 'JUNIOR_HIGH' : 'SENIOR_HIGH' }, null);
    if (chance(0.06)) add('medical-insurance.medical-settlement-completed', 'MEDICAL_INSURANCE', 20 + Math.floor(random() * 200), member, {}, null);
  }
  return { householdId, village, members, events };
}

const standardRecord = (program, standardKind, valueFen, ratioPermille) => ({ _id: eventId(), eventType: 'reference.standard-changed', department: 'CIVIL_AFFAIRS_ASSISTANCE', occurredAt: iso(daysAgo(500)), regionCodes: ['442000'], summary: { versionId: `${program}-442000-2025`, program, standardKind, effectiveFrom: '2025-01-01', effectiveTo: null, valueFen, ratioPermille, changeKind: 'PUBLISHED' } });
const REFERENCE_RECORDS = [standardRecord('DIBAO', 'MONTHLY_AMOUNT', 112_000, null), standardRecord('LOW_INCOME', 'INCOME_THRESHOLD_MULTIPLIER', null, 1_500), standardRecord('ADVANCED_AGE_ALLOWANCE', 'MONTHLY_AMOUNT', 10_000, null)];

// --- the templates, through the real fold ---------------------------------------------------------
console.log(`\n政策找人 benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
let started = performance.now();
const templates = [];
for (let index = 0; index < TEMPLATES; index += 1) {
  const family = familyEvents(index * 10);
  const bySubject = new Map();
  for (const { eventType, value } of family.events) {
    for (const contribution of contributionsOf(eventType, value)) {
      const id = `${contribution.kind}:${contribution.key}`;
      const list = bySubject.get(id) ?? [];
      list.push(storedContribution(contribution, crypto));
      bySubject.set(id, list);
    }
  }
  const summaries = [...bySubject.entries()].map(([id, stored]) => {
    const [kind] = id.split(':');
    return summaryDocument(aggregate(kind, id.slice(kind.length + 1), stored, DEFAULT_PRECEDENCE), DEFAULT_PRECEDENCE);
  });
  templates.push({ family, json: JSON.stringify(summaries), persons: family.members.length });
}
const templatePersons = templates.reduce((sum, item) => sum + item.persons, 0);
console.log(`templates: ${fmt(TEMPLATES)} families (${fmt(templatePersons)} persons) folded from ${fmt(serial)} department events in ${seconds(started).toFixed(1)} s; ${fmt(templates.reduce((sum, item) => sum + item.json.length, 0) / templates.reduce((sum, item) => sum + item.persons + 1, 0))} bytes a summary`);

// --- cloned to the city's size -----------------------------------------------------------------
started = performance.now();
const persons = new Map();
const households = new Map();
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
let clone = 0;
while (persons.size < PERSONS) {
  const template = templates[clone % templates.length];
  const village = VILLAGES[clone % VILLAGES.length];
  const householdId = `HH-${village}-${String(clone).padStart(7, '0')}`;
  const keys = template.family.members.map((member, position) => [member.personKey, createHash('sha256').update(`${String(clone)}:${String(position)}`).digest('hex')]);
  const replacements = new Map([[template.family.householdId, householdId], [template.family.village, village], ...keys]);
  const pattern = new RegExp([...replacements.keys()].map(escape).join('|'), 'gu');
  const documents = JSON.parse(template.json.replace(pattern, (found) => replacements.get(found)));
  for (const document of documents) {
    if (document.kind === 'household') households.set(document._id, document);
    else {
      const member = template.family.members[keys.findIndex(([, key]) => key === document._id)];
      if (member !== undefined) document.idNumber = crypto.encrypt(member.idNumber, aadOf('person', document._id, 'idNumber'));
      persons.set(document._id, document);
    }
  }
  clone += 1;
}
console.log(`city: ${fmt(persons.size)} persons in ${fmt(households.size)} households, ${VILLAGES.length} villages in 20 towns (cloned in ${seconds(started).toFixed(1)} s)`);

// --- 1. rule evaluation in memory: compiled vs json-rules-engine ---------------------------------
const reference = new ReferenceBook();
reference.note(REFERENCE_RECORDS);
const context = { now: NOW, parameters: DEFAULT_PARAMETERS, reference };
const engine = new RuleEngine(RULES, DEFAULT_PARAMETERS);
const householdList = [...households.values()];
const membersOf = (household) => household.ruleInputs.members.map((member) => persons.get(member.personKey)).filter((member) => member !== undefined);

/** Facts of a household and its members (what both engines read). */
function factsOf(household) {
  const members = membersOf(household);
  return { household: householdFacts(household, members, context), members: members.map((member) => personFacts(member, household, context)) };
}

started = performance.now();
let fired = 0;
let evaluations = 0;
const firedByRule = new Map();
for (const household of householdList) {
  const facts = factsOf(household);
  for (const id of engine.test('household', facts.household)) {
    fired += 1;
    firedByRule.set(id, (firedByRule.get(id) ?? 0) + 1);
  }
  for (const member of facts.members) {
    for (const id of engine.test('person', member)) {
      fired += 1;
      firedByRule.set(id, (firedByRule.get(id) ?? 0) + 1);
    }
  }
  evaluations += 1 + facts.members.length;
}
const compiledSeconds = seconds(started);
const compiledRate = householdList.length / compiledSeconds;
console.log(`\n1. rules in memory (facts built from the summaries, then evaluated)`);
console.log(`   compiled rules:     ${fmt(householdList.length)} households (${fmt(evaluations)} subjects) in ${compiledSeconds.toFixed(1)} s = ${fmt(compiledRate)} households/s; ${fmt(fired)} rule matches`);
report.figure(`facts + compiled rules in memory, ${fmt(householdList.length)} households`, compiledRate, 'households/s', { main: true });
console.log(`   matches by rule: ${[...firedByRule.entries()].sort((a, b) => b[1] - a[1]).map(([id, count]) => `${id} ${fmt(count)}`).join(', ')}`);

// json-rules-engine: one engine per subject kind with the same rules (condition objects as they are).
const jreEngines = { person: new Engine([], { allowUndefinedFacts: true }), household: new Engine([], { allowUndefinedFacts: true }) };
// Its numeric operators check only the fact's side (0 >= null is true in JavaScript); ours want
// numbers on both sides (an unknown threshold never passes). The same four, both sides checked:
const number = (value) => typeof value === 'number' && !Number.isNaN(value);
for (const jre of Object.values(jreEngines)) {
  jre.addOperator('lessThan', (a, b) => number(a) && number(b) && a < b);
  jre.addOperator('lessThanInclusive', (a, b) => number(a) && number(b) && a <= b);
  jre.addOperator('greaterThan', (a, b) => number(a) && number(b) && a > b);
  jre.addOperator('greaterThanInclusive', (a, b) => number(a) && number(b) && a >= b);
}
for (const rule of RULES) jreEngines[rule.subject].addRule({ name: rule.id, conditions: 'all' in rule.condition || 'any' in rule.condition || 'not' in rule.condition ? rule.condition : { all: [rule.condition] }, event: { type: rule.id } });
const jreSample = householdList.slice(0, JRE_HOUSEHOLDS);
// The facts of the sample, built once: the rules alone are timed on them.
started = performance.now();
const sampleFacts = jreSample.map(factsOf);
const factsSeconds = seconds(started);
started = performance.now();
let compiledOnSample = 0;
for (const facts of sampleFacts) compiledOnSample += engine.test('household', facts.household).length + facts.members.reduce((sum, member) => sum + engine.test('person', member).length, 0);
const compiledRulesSeconds = seconds(started);
started = performance.now();
let jreFired = 0;
const run = async (kind, set) => {
  const result = await jreEngines[kind].run({ ...DEFAULT_PARAMETERS, ...set.values });
  jreFired += result.events.length;
};
for (const facts of sampleFacts) {
  await run('household', facts.household);
  for (const member of facts.members) await run('person', member);
}
const jreRulesSeconds = seconds(started);
const rate = (count, time) => count / time;
console.log(`   on ${fmt(jreSample.length)} households: facts ${fmt(rate(jreSample.length, factsSeconds))} households/s (the same for both engines)`);
console.log(`   rules only — compiled: ${fmt(rate(jreSample.length, compiledRulesSeconds))} households/s; json-rules-engine: ${fmt(rate(jreSample.length, jreRulesSeconds))} households/s; ${fmt(jreFired)} matches (compiled: ${fmt(compiledOnSample)}${jreFired === compiledOnSample ? ', identical' : ', DIFFERENT'})`);
const rulesRatio = jreRulesSeconds / compiledRulesSeconds;
const fullRatio = (factsSeconds + jreRulesSeconds) / (factsSeconds + compiledRulesSeconds);
console.log(`   compiled ÷ json-rules-engine: rules only ${rulesRatio.toFixed(0)}x; facts + rules ${fullRatio.toFixed(1)}x   target ≥ 100x: ${fullRatio >= 100 ? 'met' : rulesRatio >= 100 ? 'met for the rules, NOT for the whole pass (the facts dominate)' : 'NOT met'}`);

report.figure('rules only, compiled', rate(jreSample.length, compiledRulesSeconds), 'households/s');
report.figure('rules only, json-rules-engine', rate(jreSample.length, jreRulesSeconds), 'households/s');
report.figure('facts (the same for both engines)', rate(jreSample.length, factsSeconds), 'households/s');
report.ratio('compiled ÷ json-rules-engine, facts + rules', fullRatio, `json-rules-engine 7, the same rules, ${fmt(jreSample.length)} households (households/s)`, { main: true, target: { atLeast: 100 } });
report.ratio('compiled ÷ json-rules-engine, rules only', rulesRatio, 'json-rules-engine 7, the same facts (households/s)', { target: { atLeast: 100 } });
if (jreFired !== compiledOnSample) report.note(`the engines' matches DIFFER: compiled ${compiledOnSample}, json-rules-engine ${jreFired}`);

if (ONLY_MEMORY) {
  report.done();
  process.exit(0);
}

const naiveDbName = `bench-screening-naive-${String(stamp)}`;
const kafka = createKafka({ brokers, clientId: 'screening-bench' });
const servicePublisher = new EventPublisher({ kafka, registry, keyring, source: 'data-sharing-service' });
await servicePublisher.connect();
const databases = [];
const connect = async (name) => {
  const connection = await mongoose.createConnection(`${mongoBase}${name}`).asPromise();
  databases.push(connection);
  return connection;
};
try {
  if (!SKIP_STORE) {
    // --- 2. the full re-screen on FerretDB vs a naive mongoose loop ----------------------------
    const db = await connect(`bench-screening-${String(stamp)}`);
    started = performance.now();
    const insertAll = async (collection, documents) => {
      let batch = [];
      let done = 0;
      for (const document of documents) {
        batch.push(document);
        if (batch.length === 1_000) {
          await db.collection(collection).insertMany(batch, { ordered: false });
          done += batch.length;
          batch = [];
          if (done % 100_000 === 0) process.stdout.write(`\r   stored ${fmt(done)} ${collection}`);
        }
      }
      if (batch.length > 0) await db.collection(collection).insertMany(batch, { ordered: false });
    };
    await insertAll('households', households.values());
    await insertAll('persons', persons.values());
    await db.collection('other_events').insertMany(REFERENCE_RECORDS);
    console.log(`\r\n2. the full re-screen on FerretDB (${mongoBase}): ${fmt(households.size + persons.size)} summaries stored in ${seconds(started).toFixed(0)} s`);

    const screener = createScreener({ connection: db, publisher: servicePublisher, keyring });
    await screener.reference.load(db.collection('other_events'));
    const pass = async (label) => {
      const begin = performance.now();
      let shown = 0;
      const result = await screener.screenAll({
        onProgress: (done, total) => {
          if (done - shown >= total / 10 || done === total) {
            shown = done;
            process.stdout.write(`\r   ${label}: ${fmt(done)}/${fmt(total)} subjects, ${fmt(done / seconds(begin))}/s   `);
          }
        },
      });
      const time = seconds(begin);
      console.log(`\r   ${label}: ${fmt(result.households)} households + ${fmt(result.persons)} persons in ${time.toFixed(0)} s = ${fmt(result.households / time)} households/s (${fmt((result.households + result.persons) / time)} subjects/s); ${fmt(result.written)} flag writes`);
      return result.households / time;
    };
    const firstRate = await pass('first pass (every flag and wake-up new)');
    const secondRate = await pass('second pass (nothing changed)      ');
    console.log(`   ${fmt(await db.collection('flags').countDocuments({}))} flags, ${fmt(await db.collection('wakeups').countDocuments({}))} pending wake-ups`);

    // The naive loop: per household, find it and each member with mongoose, evaluate, then find and
    // save each rule's flag slot — one round trip per document.
    const naiveDb = await connect(naiveDbName);
    const loose = (name) => new mongoose.Schema({ _id: String }, { strict: false, versionKey: false, collection: name });
    const Household = db.model('NaiveHousehold', loose('households'));
    const Person = db.model('NaivePerson', loose('persons'));
    const Flag = naiveDb.model('NaiveFlag', loose('flags'));
    const sample = householdList.slice(0, NAIVE_HOUSEHOLDS).map((household) => household._id);
    const naivePass = async () => {
      const begin = performance.now();
      for (const id of sample) {
        const household = await Household.findById(id).lean();
        const members = [];
        for (const member of household.ruleInputs.members) {
          const found = await Person.findById(member.personKey).lean();
          if (found !== null) members.push(found);
        }
        const subjects = [['household', household, householdFacts(household, members, context)], ...members.map((member) => ['person', member, personFacts(member, household, context)])];
        for (const [kind, subject, facts] of subjects) {
          for (const [ruleId, match] of engine.evaluate(kind, facts)) {
            const slot = `${ruleId}|${kind === 'person' ? 'p' : 'h'}:${subject._id}`;
            const flag = await Flag.findById(slot);
            if (match !== null && flag === null) await new Flag({ _id: slot, status: 'OPEN', urgency: match.urgency, explanation: match.explanation, facts: match.facts, raisedAt: new Date() }).save();
            else if (match !== null && flag !== null) {
              flag.set({ explanation: match.explanation, facts: match.facts });
              await flag.save();
            } else if (match === null && flag !== null && flag.get('status') === 'OPEN') {
              flag.set({ status: 'CLEARED' });
              await flag.save();
            }
          }
        }
      }
      return sample.length / seconds(begin);
    };
    const naiveFirst = await naivePass();
    const naiveSecond = await naivePass();
    console.log(`   naive mongoose loop on ${fmt(sample.length)} households: first pass ${fmt(naiveFirst)} households/s, second ${fmt(naiveSecond)} households/s`);
    report.figure(`screenAll on FerretDB, first pass, ${fmt(households.size)} households`, firstRate, 'households/s');
    report.figure('screenAll on FerretDB, second pass (nothing changed)', secondRate, 'households/s');
    report.figure(`naive mongoose loop, first pass, ${fmt(sample.length)} households`, naiveFirst, 'households/s');
    report.figure('naive mongoose loop, second pass', naiveSecond, 'households/s');
    report.ratio('screenAll ÷ naive loop, first pass', firstRate / naiveFirst, 'per-document mongoose loop (households/s)', { target: { atLeast: 20 } });
    report.ratio('screenAll ÷ naive loop, second pass', secondRate / naiveSecond, 'per-document mongoose loop (households/s)', { target: { atLeast: 20 } });
    console.log(`   screenAll ÷ naive: first pass ${(firstRate / naiveFirst).toFixed(1)}x, second ${(secondRate / naiveSecond).toFixed(1)}x   target ≥ 20x: ${Math.min(firstRate / naiveFirst, secondRate / naiveSecond) >= 20 ? 'met' : 'NOT met'}`);
  }

  // --- 3. latency from a department event to the flag event, under background load ---------------
  await ensureTopics(kafka, [{ name: topic, description: 'bench', partitions: 6, retentionMs: -1, compacted: false, deadLetter: true }]);
  const live = await connect(`bench-screening-live-${String(stamp)}`);
  const relay = new OutboxRelay({ connection: live, collections: OUTBOX_COLLECTIONS, publisher: servicePublisher });
  relay.start();
  const screener = createScreener({ connection: live, publisher: servicePublisher, keyring, nudge: (hint) => relay.nudge(hint) });
  const consumer = new ProjectionConsumer({ kafka, registry, keyring, connection: live, precedence: DEFAULT_PRECEDENCE, crypto, groupId: `bench-live-${String(stamp)}`, topics: [topic], screener });
  const publisher = new EventPublisher({ kafka, registry, keyring, source: 'bench' });
  await publisher.connect();
  // Enough families for one elder per probe (each call raises a new flag; a second on the same elder would update it).
  const families = [];
  const elders = [];
  while (elders.length < PROBES || families.length < 50) {
    const family = familyEvents(1_000_000 + families.length * 10);
    families.push(family);
    for (const member of family.members) if (NOW.getUTCFullYear() - member.year >= 60) elders.push({ member, family });
  }
  let sentWarmUp = 0;
  for (const family of families) for (const { eventType, value } of family.events) {
    await publisher.publish(eventType, value);
    sentWarmUp += 1;
  }
  await publisher.flush();
  await consumer.start();
  const flagEvents = new Map();
  const probing = new Map();
  const reader = kafka.consumer({ groupId: `bench-reader-${String(stamp)}`, maxWaitTimeInMs: 20 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: false });
  await reader.run({
    eachMessage: ({ message }) => {
      if (message.value) {
        const decoded = decodeEvent(registry, message.value);
        // The emergency-call flag of a probed elder: raised, or updated when one was open already.
        if ((decoded.eventType === 'data-sharing.flag-raised' || decoded.eventType === 'data-sharing.flag-updated') && decoded.value.ruleId === 'EMERGENCY_CALL_PRESSED') {
          const probe = probing.get(decoded.value.envelope.person?.personKey);
          if (probe !== undefined && !flagEvents.has(probe)) flagEvents.set(probe, performance.now());
        }
      }
      return Promise.resolve();
    },
  });
  while (consumer.metrics().handled < sentWarmUp) await new Promise((resolve) => setTimeout(resolve, 200));
  await consumer.idle(600_000);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  console.log(`\n3. latency: ${fmt(sentWarmUp)} warm-up events (${fmt(families.length)} families) projected; ${fmt(BACKGROUND_RATE)} background events/s, ${fmt(PROBES)} emergency calls`);

  // Background: visits and home services for everyone, steadily.
  let background = 0;
  const backgroundStart = performance.now();
  const everyone = families.flatMap((family) => family.members.map((member) => ({ member, family })));
  const ticker = setInterval(() => {
    const due = Math.floor((seconds(backgroundStart) * BACKGROUND_RATE)) - background;
    for (let k = 0; k < due; k += 1) {
      const { member, family } = pick(everyone);
      const value = fixture(k % 2 === 0 ? 'elderly-care.visit-recorded' : 'elderly-care.service-delivered', { eventId: eventId(), occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), region: { countyCode: '442000', townCode: family.village.slice(0, 9), villageCode: family.village }, person: ref(member), household: null, source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE', system: 'bench', recordId: null } });
      void publisher.publish(k % 2 === 0 ? 'elderly-care.visit-recorded' : 'elderly-care.service-delivered', value);
      background += 1;
    }
  }, 20);
  const sentAt = new Map();
  for (let index = 0; index < PROBES; index += 1) {
    const { member, family } = elders[index % elders.length];
    const id = eventId();
    const value = { ...fixture('elderly-care.emergency-call-triggered', { eventId: id, occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), region: { countyCode: '442000', townCode: family.village.slice(0, 9), villageCode: family.village }, person: ref(member), household: null, source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE', system: 'bench', recordId: null } }), pressCount: 1, lastPressedAt: new Date() };
    sentAt.set(id, performance.now());
    probing.set(member.personKey, id);
    await publisher.publish('elderly-care.emergency-call-triggered', value);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const waitStart = performance.now();
  while ([...sentAt.keys()].some((id) => !flagEvents.has(id)) && seconds(waitStart) < 60) await new Promise((resolve) => setTimeout(resolve, 100));
  clearInterval(ticker);
  const latencies = [...sentAt.entries()].filter(([id]) => flagEvents.has(id)).map(([id, at]) => flagEvents.get(id) - at).sort((a, b) => a - b);
  console.log(`   background ${fmt(background / seconds(backgroundStart))} events/s; ${fmt(latencies.length)}/${fmt(PROBES)} emergency calls became flag events`);
  report.figure('emergency calls that became flag events', latencies.length, `of ${PROBES}`);
  if (latencies.length > 0) {
    report.figure('publish → flag event: p50', percentile(latencies, 0.5), 'ms');
    report.figure('publish → flag event: p99', percentile(latencies, 0.99), 'ms');
  }
  if (latencies.length > 0) console.log(`   publish → flag event: p50 ${fmt(percentile(latencies, 0.5))} ms, p99 ${fmt(percentile(latencies, 0.99))} ms, max ${fmt(latencies.at(-1))} ms`);
  await reader.disconnect();
  await consumer.stop();
  await relay.stop();
  await publisher.disconnect();
} finally {
  await servicePublisher.disconnect();
  for (const connection of databases) {
    await connection.dropDatabase();
    await connection.close();
  }
  await deleteTopics(kafka, [topic, `${topic}.dlq`]).catch(() => undefined);
}
console.log('');
report.done();
