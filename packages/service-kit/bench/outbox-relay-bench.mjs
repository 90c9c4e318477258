#!/usr/bin/env node
// Benchmark of the outbox relay on the local store (a script that prints figures; not a test).
//   ./mz run bench:outbox           (builds, then starts or reuses the local Kafka and FerretDB)
//   pnpm --filter @minzheng/service-kit bench:outbox   (on a built dist, with KAFKA_BROKERS and MONGO_URL set)
// Fills a collection in a fresh database with BENCH_DOCUMENTS (3,000) documents of about
// BENCH_DOCUMENT_KB (8) KB with no pending events, then, per variant, appends one event to each of
// BENCH_EVENTS (300) of them and measures how fast a running relay publishes those events:
//   (a) baseline: each write nudges without a hint, so the relay finds the documents by full scans;
//   (b) hinted:   each write nudges with its document's id, so the relay looks them up by `_id`.
// The events are written before the relay starts, so the figure is the relay's alone: on FerretDB
// a write costs about as much as relaying it, and writing alongside would measure both at once.
// Other knobs: BENCH_ROUNDS (1; the ratio is taken within each round), BENCH_BATCH (the relay's
// batchSize, 100), BENCH_SCAN_INTERVAL_MS (the relay's scanIntervalMs, 5,000), BENCH_TIMEOUT_S (900).
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { deleteTopics, ensureTopics } from '@minzheng/event-bus/admin';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue, registryOnTopic, testKeyring } from '@minzheng/event-bus/test-support';
import { OutboxRelay, withOutbox } from '../dist/outbox.js';
import { benchReport } from '../../testing/bench/report.mjs';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 3_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const DOCUMENT_KB = Number(process.env.BENCH_DOCUMENT_KB ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SCAN_INTERVAL_MS = Number(process.env.BENCH_SCAN_INTERVAL_MS ?? 5_000);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const report = benchReport('outbox', { BENCH_DOCUMENTS: DOCUMENTS, BENCH_EVENTS: EVENTS, BENCH_DOCUMENT_KB: DOCUMENT_KB, BENCH_ROUNDS: ROUNDS, BENCH_BATCH: BATCH, BENCH_SCAN_INTERVAL_MS: SCAN_INTERVAL_MS });
if (EVENTS > DOCUMENTS) throw new Error(`BENCH_EVENTS (${EVENTS}) must not exceed BENCH_DOCUMENTS (${DOCUMENTS})`);

const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/').replace(/\/?$/u, '/');
const COLLECTION = 'households';
const EVENT_TYPE = 'assistance.household-composition-recorded';

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (text, width) => String(text).padStart(width);

// A household-shaped document: members with free-text notes make up the bulk of its size.
const MEMBERS = 8;
const template = (i, notes) => ({
  _id: `HH-${String(i).padStart(6, '0')}`,
  status: 'registered',
  version: 1,
  regionCode: '442000001001',
  address: `中山市石岐街道某路${i}号`,
  members: Array.from({ length: MEMBERS }, (_, m) => ({
    memberId: `M-${i}-${m}`,
    relationToHead: m === 0 ? 'HEAD' : 'CHILD',
    monthlyIncomeFen: (i * 7919 + m * 104_729) % 500_000,
    localHukou: m % 3 !== 0,
    notes,
  })),
  outbox: [],
  outboxPending: false,
});
const base = mongoose.mongo.BSON.calculateObjectSize(template(0, ''));
const notesLength = Math.max(0, Math.floor((DOCUMENT_KB * 1024 - base) / MEMBERS) - 8);
const notes = 'household visit notes; income checked against the pension record. '.repeat(Math.ceil(notesLength / 60)).slice(0, notesLength);
const documentBytes = mongoose.mongo.BSON.calculateObjectSize(template(DOCUMENTS, notes));

const kafka = createKafka({ brokers, clientId: 'outbox-bench' });
const topic = `bench-outbox-${randomUUID()}`;
const registry = registryOnTopic(topic);
const publisher = new EventPublisher({ kafka, registry, keyring: testKeyring('bench'), source: 'outbox-bench' });
const databaseName = `bench-outbox-${Date.now()}`;
let connection;

console.log(`\nOutbox relay on ${mongoBase} (Kafka ${brokers.join(',')}): ${DOCUMENTS} documents of ${(documentBytes / 1024).toFixed(1)} KB,`);
console.log(`${EVENTS} events per variant, relay batchSize ${BATCH}, scanIntervalMs ${SCAN_INTERVAL_MS}, ${ROUNDS} round(s)\n`);

// One variant: append an event to each target document (nudging as the variant says), then start a
// relay and time it until it has published them all.
async function measure(label, hinted, targets) {
  const households = connection.collection(COLLECTION);
  const relay = new OutboxRelay({ connection, collections: [COLLECTION], publisher, batchSize: BATCH, scanIntervalMs: SCAN_INTERVAL_MS });
  // The first pass scans; nothing is pending yet, so this is set-up, not measured.
  await relay.pass();
  const scansBefore = relay.metrics.scans;
  const passesBefore = relay.metrics.passes;

  const writeStart = process.hrtime.bigint();
  for (const [index, id] of targets.entries()) {
    const prepared = publisher.prepare(EVENT_TYPE, fixtureValue(registry, EVENT_TYPE, { household: { householdId: id } }));
    await households.updateOne({ _id: id }, withOutbox({ $set: { status: 'changed' }, $inc: { version: 1 } }, [prepared]));
    relay.nudge(hinted ? { collection: COLLECTION, ids: [id] } : undefined);
    if ((index + 1) % 100 === 0) console.log(`  ${label}: ${index + 1}/${targets.length} events written (${seconds(writeStart).toFixed(1)} s)`);
  }
  const writeSeconds = seconds(writeStart);

  const start = process.hrtime.bigint();
  relay.start();
  let lastReport = 0;
  while (relay.metrics.published < targets.length) {
    if (seconds(start) > TIMEOUT_S) throw new Error(`${label}: ${relay.metrics.published}/${targets.length} events relayed after ${TIMEOUT_S} s (BENCH_TIMEOUT_S); last error: ${relay.metrics.lastError}`);
    await sleep(50);
    if (seconds(start) - lastReport >= 2) {
      lastReport = seconds(start);
      console.log(`  ${label}: ${relay.metrics.published}/${targets.length} events relayed (${lastReport.toFixed(1)} s)`);
    }
  }
  const relaySeconds = seconds(start);
  const scans = relay.metrics.scans - scansBefore;
  const passes = relay.metrics.passes - passesBefore;
  await relay.stop();
  const left = await households.countDocuments({ outboxPending: true });
  if (relay.metrics.published !== targets.length || left !== 0) throw new Error(`${label}: published ${relay.metrics.published} of ${targets.length}, ${left} documents still pending`);
  return { rate: targets.length / relaySeconds, relaySeconds, writeSeconds, scans, passes };
}

const describe = (label, result) =>
  `${label.padEnd(44)}${pad(result.rate.toFixed(1), 8)} events/s   (${EVENTS} in ${result.relaySeconds.toFixed(1)} s; ${result.scans} full scans, ${result.passes} passes; writing them took ${result.writeSeconds.toFixed(1)} s)`;

try {
  await ensureTopics(kafka, [{ name: topic, description: 'benchmark', partitions: 6, retentionMs: 3_600_000, compacted: false, deadLetter: false }]);
  await publisher.connect();
  connection = await mongoose.createConnection(`${mongoBase}${databaseName}`, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  // The services' schemas index the flag (`outboxSchemaFields`); FerretDB v1 does not use it.
  await connection.collection(COLLECTION).createIndex({ outboxPending: 1 });

  const fillStart = process.hrtime.bigint();
  for (let first = 0; first < DOCUMENTS; first += 100) {
    const count = Math.min(100, DOCUMENTS - first);
    await connection.collection(COLLECTION).insertMany(Array.from({ length: count }, (_, k) => template(first + k, notes)));
    if ((first + count) % 500 === 0 || first + count === DOCUMENTS) console.log(`filled ${first + count}/${DOCUMENTS} documents (${seconds(fillStart).toFixed(1)} s)`);
  }

  // The target documents, spread over the collection.
  const step = Math.floor(DOCUMENTS / EVENTS);
  const targets = Array.from({ length: EVENTS }, (_, k) => template(k * step, '')._id);
  const ratios = [];
  const rates = { baseline: [], hinted: [], writes: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    console.log(`\nround ${round}`);
    const baseline = await measure('baseline', false, targets);
    const hinted = await measure('hinted', true, targets);
    ratios.push(hinted.rate / baseline.rate);
    rates.baseline.push(baseline.rate);
    rates.hinted.push(hinted.rate);
    rates.writes.push((2 * EVENTS) / (baseline.writeSeconds + hinted.writeSeconds));
    console.log(describe('baseline: nudges without a hint (full scans)', baseline));
    console.log(describe('hinted: nudges with the written ids', hinted));
    console.log(`hinted ÷ baseline: ${ratios.at(-1).toFixed(2)} x`);
  }
  if (ROUNDS > 1) {
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(`\nratio, median of ${ROUNDS} rounds: ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} x (lowest ${sorted[0].toFixed(2)} x)`);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  report.figure('relay, nudged with the written ids', median(rates.hinted), 'events/s', { main: true });
  report.figure('relay, nudged without a hint (full scans)', median(rates.baseline), 'events/s');
  report.figure('writing the events (update with outbox)', median(rates.writes), 'writes/s');
  report.ratio(`hinted ÷ baseline${ROUNDS > 1 ? `, median of ${ROUNDS} rounds` : ''}`, median(ratios), 'relay finding the documents by full scans (events/s)', { main: true });
  report.note(`${DOCUMENTS} documents of ${(documentBytes / 1024).toFixed(1)} KB, ${EVENTS} events per variant, written before the relay starts.`);
  console.log('');
} finally {
  if (connection !== undefined) {
    await connection.dropDatabase();
    await connection.close();
  }
  await publisher.disconnect();
  await deleteTopics(kafka, [topic]);
}
report.done();
