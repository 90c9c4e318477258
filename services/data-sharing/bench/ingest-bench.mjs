#!/usr/bin/env node
// Benchmark of the thematic database's ingest (a script that prints figures; not a test).
//   ./mz run bench:data-sharing        (builds, starts or reuses the local Kafka and FerretDB)
//   BENCH_EVENTS=500000 (default)      events published to a fresh topic, then projected
//   BENCH_PERSONS=40000                persons they are about (households of 1-3)
//   BENCH_NAIVE_EVENTS=3000            events the naive baseline applies
// A month-by-month event stream of a city: household compositions, 低保 enrolments and their
// monthly payments, elders registered and granted the 高龄津贴, visits and home services, medical
// settlements, marriages and deaths through the exchange, water-meter anomalies and readings.
// Figures, in the same run:
//   1. the naive baseline: one event at a time, read the subject with mongoose, fold, one mongoose
//      save per subject (no batching), on the first BENCH_NAIVE_EVENTS events;
//   2. the projection consumer (batches of 500 per partition, one $in read and one bulk write per
//      collection) on all the events, from the beginning of the topic;
//   and the ratio, the subjects written, and the checksum time.
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { ensureTopics, deleteTopics } from '@minzheng/event-bus/admin';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue, registryOnTopic } from '@minzheng/event-bus/test-support';
import { decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { contributionsOf } from '../dist/projection/contributions.js';
import { foldCrypto } from '../dist/projection/crypto.js';
import { aggregate, storedContribution, summaryDocument } from '../dist/projection/fold.js';
import { subjectContributions } from '../dist/projection/refresher.js';
import { DEFAULT_PRECEDENCE } from '../dist/projection/precedence.js';
import { ProjectionConsumer } from '../dist/projection/projection-consumer.js';
import { checksums } from '../dist/projection/checksum.js';
import { decrypter } from '../dist/projection/crypto.js';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 40_000);
const NAIVE_EVENTS = Number(process.env.BENCH_NAIVE_EVENTS ?? 3_000);
const report = benchReport('data-sharing', { BENCH_EVENTS: EVENTS, BENCH_PERSONS: PERSONS, BENCH_NAIVE_EVENTS: NAIVE_EVENTS });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/').replace(/\/?$/u, '/');
const stamp = Date.now();
const topic = `bench-data-sharing-${stamp}`;

const kafka = createKafka({ brokers, clientId: 'data-sharing-bench' });
const registry = registryOnTopic(topic);
const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const pseudonymizer = createPseudonymizer(randomBytes(32));
const crypto = foldCrypto(keyring, pseudonymizer);
await ensureTopics(kafka, [{ name: topic, description: 'bench', partitions: 6, retentionMs: -1, compacted: false, deadLetter: true }]);

// --- the city ---------------------------------------------------------------------------------
// mulberry32: a small seeded generator (the city is the same in every run).
let seed = 20_261_123;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const SURNAMES = ['陈', '李', '黄', '张', '梁', '刘', '何', '林', '郑', '吴'];
const GIVEN = ['国强', '秀英', '文辉', '丽华', '志明', '美玲', '建华', '小红', '子轩', '雅琪'];
const villages = Array.from({ length: 60 }, (_, index) => `442000${String(101 + Math.floor(index / 6)).padStart(3, '0')}${String(1 + (index % 6)).padStart(3, '0')}`);
const persons = Array.from({ length: PERSONS }, (_, index) => {
  const year = 1930 + Math.floor(random() * 90);
  const first17 = `442000${year}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(1 + Math.floor(random() * 28)).padStart(2, '0')}${String(index % 1000).padStart(3, '0')}`;
  const idNumber = `${first17}${residentIdCheckDigit(first17)}`;
  return { personKey: pseudonymizer.personKey(idNumber), idNumber, name: `${pick(SURNAMES)}${pick(GIVEN)}`, year };
});
const households = [];
for (let index = 0; index < persons.length; ) {
  const size = 1 + Math.floor(random() * 3);
  households.push({ id: `HH-${String(households.length).padStart(6, '0')}`, village: pick(villages), members: persons.slice(index, index + size) });
  index += size;
}
const region = (village) => ({ countyCode: '442000', townCode: village.slice(0, 9), villageCode: village });
const envelope = (department, at, person, household, village) => ({
  occurredAt: at,
  recordedAt: at,
  source: { department, system: 'bench', recordId: null },
  region: region(village),
  person,
  household: household === null ? null : { householdId: household },
});
const ref = (person) => ({ personKey: person.personKey, idNumber: person.idNumber, name: person.name });

const MIX = [
  ['assistance.household-composition-recorded', 6],
  ['assistance.enrolment-started', 3],
  ['assistance.enrolment-changed', 2],
  ['assistance.payment-issued', 30],
  ['elderly-care.elder-registered', 4],
  ['elderly-care.advanced-age-allowance-granted', 3],
  ['elderly-care.visit-recorded', 14],
  ['elderly-care.service-delivered', 10],
  ['medical-insurance.medical-settlement-completed', 9],
  ['public-security.marriage-status-changed', 2],
  ['public-security.death-registered', 1],
  ['water.meter-anomaly-detected', 8],
  ['water.meter-reading-recorded', 8],
];
const weights = MIX.reduce((sum, [, weight]) => sum + weight, 0);
function nextEvent(index) {
  let draw = random() * weights;
  const [eventType] = MIX.find(([, weight]) => (draw -= weight) < 0) ?? MIX[0];
  const household = pick(households);
  const person = pick(household.members);
  const at = new Date(Date.UTC(2025, 0, 1) + Math.floor((index / EVENTS) * 330 * 86_400_000)).toISOString();
  const byHousehold = eventType.startsWith('assistance.') || eventType.startsWith('water.');
  const department = eventType.startsWith('assistance.') ? 'CIVIL_AFFAIRS_ASSISTANCE' : eventType.startsWith('elderly-care.') ? 'CIVIL_AFFAIRS_ELDERLY_CARE' : eventType.startsWith('medical') ? 'MEDICAL_INSURANCE' : eventType.startsWith('public-security') ? 'PUBLIC_SECURITY' : 'WATER';
  const value = fixtureValue(registry, eventType, envelope(department, at, ref(person), byHousehold ? household.id : null, household.village));
  if (eventType === 'assistance.household-composition-recorded') {
    const template = value.members[0];
    value.members = household.members.map((member, position) => ({ ...template, person: ref(member), relationToHead: position === 0 ? 'HEAD' : 'CHILD' }));
  }
  if (eventType === 'assistance.enrolment-started' || eventType === 'assistance.enrolment-changed') {
    value.enrolmentId = `ENR-${household.id}`;
    value.coveredMembers = household.members.map(ref);
  }
  if (eventType === 'assistance.payment-issued') value.enrolmentId = `ENR-${household.id}`;
  return { eventType, value };
}

// --- publish ------------------------------------------------------------------------------------
const publisher = new EventPublisher({ kafka, registry, keyring, source: 'bench', encodingThreads: 1 });
await publisher.connect();
console.log(`\nthematic-database ingest on the local stack (FerretDB ${mongoBase}, Kafka ${brokers.join(',')})`);
console.log(`${EVENTS.toLocaleString('en')} events about ${PERSONS.toLocaleString('en')} persons in ${households.length.toLocaleString('en')} households, 60 villages`);
const publishStart = performance.now();
const pending = [];
for (let index = 0; index < EVENTS; index += 1) {
  const { eventType, value } = nextEvent(index);
  pending.push(publisher.publish(eventType, value));
  if (pending.length >= 5_000) {
    await Promise.all(pending.splice(0));
    if ((index + 1) % 100_000 === 0) console.log(`  published ${(index + 1).toLocaleString('en')}`);
  }
}
await Promise.all(pending.splice(0));
await publisher.disconnect();
console.log(`published in ${((performance.now() - publishStart) / 1000).toFixed(1)} s\n`);
report.figure('publishing the events (set-up)', EVENTS / ((performance.now() - publishStart) / 1000), 'events/s');

const connect = async (name) => mongoose.createConnection(`${mongoBase}bench-data-sharing-${name}-${stamp}`).asPromise();
const naiveDb = await connect('naive');
const batchedDb = await connect('batched');
try {
  // --- 1. the naive baseline ---------------------------------------------------------------------
  // The same model without batching: per event and subject, one mongoose save of the contribution,
  // then the subject's summary recomputed and saved with mongoose at once.
  const loose = (name) => new mongoose.Schema({ _id: String }, { strict: false, versionKey: false, collection: name });
  const Contributions = naiveDb.model('Contribution', loose('contributions'));
  const Summaries = { person: naiveDb.model('Person', loose('persons')), household: naiveDb.model('Household', loose('households')) };
  const naiveEvents = [];
  const reader = kafka.consumer({ groupId: `bench-read-${stamp}`, maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    eachMessage: ({ message }) => {
      if (naiveEvents.length < NAIVE_EVENTS && message.value) {
        const decoded = decodeEvent(registry, message.value);
        naiveEvents.push({ eventType: decoded.eventType, value: unprotectEvent(registry, decoded.eventType, decoded.value, keyring) });
      }
      return Promise.resolve();
    },
  });
  while (naiveEvents.length < NAIVE_EVENTS) await new Promise((resolve) => setTimeout(resolve, 100));
  await reader.disconnect();
  const naiveStart = performance.now();
  for (const event of naiveEvents) {
    for (const contribution of contributionsOf(event.eventType, event.value)) {
      await new Contributions(storedContribution(contribution, crypto)).save();
      const stored = await subjectContributions(naiveDb.collection('contributions'), contribution.kind, contribution.key);
      const summary = summaryDocument(aggregate(contribution.kind, contribution.key, stored, DEFAULT_PRECEDENCE), DEFAULT_PRECEDENCE);
      const Model = Summaries[contribution.kind];
      const found = await Model.findById(contribution.key);
      if (found === null) await new Model(summary).save();
      else {
        found.overwrite(summary);
        await found.save();
      }
    }
  }
  const naiveSeconds = (performance.now() - naiveStart) / 1000;
  const naiveRate = NAIVE_EVENTS / naiveSeconds;
  console.log(`naive baseline (per event: one mongoose save per contribution and per summary): ${NAIVE_EVENTS.toLocaleString('en')} events in ${naiveSeconds.toFixed(1)} s = ${Math.round(naiveRate).toLocaleString('en')} events/s`);

  // --- 2. the projection consumer ----------------------------------------------------------------
  const consumer = new ProjectionConsumer({ kafka, registry, keyring, connection: batchedDb, precedence: DEFAULT_PRECEDENCE, crypto, groupId: `bench-projection-${stamp}`, topics: [topic] });
  const start = performance.now();
  let last = start;
  await consumer.start();
  while (consumer.metrics().handled + consumer.metrics().deadLettered < EVENTS) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (performance.now() - last > 10_000) {
      last = performance.now();
      const metrics = consumer.metrics();
      console.log(`  ${((last - start) / 1000).toFixed(0).padStart(4)} s  ${metrics.handled.toLocaleString('en')} events stored (${Math.round(metrics.handled / ((last - start) / 1000)).toLocaleString('en')}/s), ${metrics.refresher.subjectsRefreshed.toLocaleString('en')} summaries written, ${(await consumer.refresher.backlog()).toLocaleString("en")} waiting ${JSON.stringify(metrics.refresher)}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await consumer.idle(3_600_000);
  const summarySeconds = (performance.now() - start) / 1000;
  const metrics = consumer.metrics();
  await consumer.stop();
  const rate = EVENTS / seconds;
  console.log(`projection consumer (batches of 500, inserts only): ${EVENTS.toLocaleString('en')} events stored in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} events/s (${metrics.deadLettered} dead-lettered; ${metrics.projector.contributionsWritten.toLocaleString('en')} contributions)`);
  console.log(`  summaries current (search and statistics) after ${summarySeconds.toFixed(1)} s = ${Math.round(EVENTS / summarySeconds).toLocaleString('en')} events/s end to end (${metrics.refresher.subjectsRefreshed.toLocaleString('en')} summary writes for ${metrics.refresher.markersTaken.toLocaleString('en')} subject-events)`);
  report.figure('projection consumer, events stored', rate, 'events/s', { main: true });
  report.figure('projection consumer, summaries current (end to end)', EVENTS / summarySeconds, 'events/s');
  report.figure('naive baseline', naiveRate, 'events/s');
  report.ratio('stored: batched ÷ naive', rate / naiveRate, 'one mongoose save per contribution and per summary (events/s)', { main: true, target: { atLeast: 10 } });
  report.ratio('summaries current: batched ÷ naive', EVENTS / summarySeconds / naiveRate, 'the same naive baseline (events/s)');
  report.note(`${EVENTS.toLocaleString('en')} events about ${PERSONS.toLocaleString('en')} persons; ${metrics.deadLettered} dead-lettered; ${metrics.refresher.subjectsRefreshed.toLocaleString('en')} summary writes; the naive baseline on the first ${NAIVE_EVENTS.toLocaleString('en')} events.`);
  console.log(`\nstored: batched ÷ naive ${(rate / naiveRate).toFixed(1)}x; with summaries current: ${(EVENTS / summarySeconds / naiveRate).toFixed(1)}x   target ≥ 10x: ${rate / naiveRate >= 10 ? 'met' : 'NOT met'}`);
  const checksumStart = performance.now();
  const sums = await checksums(batchedDb, decrypter(keyring));
  report.figure('content checksums of the database', (performance.now() - checksumStart) / 1000, 's');
  console.log(`content checksums of ${Object.entries(sums).map(([name, item]) => `${name} ${item.count.toLocaleString('en')}`).join(', ')} in ${((performance.now() - checksumStart) / 1000).toFixed(1)} s\n`);
} finally {
  await naiveDb.dropDatabase();
  await naiveDb.close();
  await batchedDb.dropDatabase();
  await batchedDb.close();
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
}
report.done();
