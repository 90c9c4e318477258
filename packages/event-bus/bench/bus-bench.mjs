#!/usr/bin/env node
// Benchmark of the contracts codec and the event bus (a script that prints figures; not a test).
//   ./mz run bench:bus            (starts or reuses the local Kafka; or set KAFKA_BROKERS)
// Prints, for representative events: Avro vs JSON bytes, encode/decode time vs JSON, and producer
// throughput with the bus (batched, idempotent, acks=all) vs one awaited send per message.
// Sizes: BENCH_CODEC_ITERATIONS (20,000), BENCH_BUS_EVENTS (30,000), BENCH_CALLERS (2,000),
// BENCH_ROUNDS (3), BENCH_BASELINE_EVENTS (1,000), BENCH_ENCODING_THREADS (1), BENCH_MAX_BATCH (1,000).
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CATALOG, ContractRegistry, decodeEvent, encodeEvent, fromJsonForm, protectEvent } from '@minzheng/contracts';
import { deleteTopics, ensureTopics } from '@minzheng/event-bus/admin';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { benchReport } from '../../testing/bench/report.mjs';

const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const EVENT_TYPES = [
  'assistance.household-composition-recorded',
  'medical-insurance.medical-settlement-completed',
  'water.meter-reading-recorded',
  'elderly-care.emergency-call-triggered',
  'data-sharing.flag-raised',
];
const CODEC_ITERATIONS = Number(process.env.BENCH_CODEC_ITERATIONS ?? 20_000);
const BUS_EVENTS = Number(process.env.BENCH_BUS_EVENTS ?? 30_000);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENCODING_THREADS = Number(process.env.BENCH_ENCODING_THREADS ?? 1);
const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? 1_000);
const MAX_BATCH = Number(process.env.BENCH_MAX_BATCH ?? 1_000);
const report = benchReport('bus', { BENCH_CODEC_ITERATIONS: CODEC_ITERATIONS, BENCH_BUS_EVENTS: BUS_EVENTS, BENCH_CALLERS: CALLERS, BENCH_ROUNDS: ROUNDS, BENCH_BASELINE_EVENTS: BASELINE_EVENTS, BENCH_ENCODING_THREADS: ENCODING_THREADS, BENCH_MAX_BATCH: MAX_BATCH });

const topic = `bench-${randomUUID()}`;
const registry = new ContractRegistry({ events: CATALOG.events.map((event) => ({ ...event, topic })) });
const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const fixture = (eventType) => {
  const json = JSON.parse(readFileSync(new URL(`../../../schemas/fixtures/${eventType}.json`, import.meta.url), 'utf8'));
  json.envelope.eventId = randomUUID();
  const { value, problems } = fromJsonForm(registry.event(eventType).schema, json);
  if (problems.length > 0) throw new Error(`${eventType}: ${JSON.stringify(problems)}`);
  return value;
};
const time = (iterations, action) => {
  for (let i = 0; i < Math.min(1_000, iterations); i += 1) action(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) action();
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations; // µs per operation
};
const pad = (text, width) => String(text).padStart(width);

console.log(`\nCodec: Avro single-object encoding vs JSON (${CODEC_ITERATIONS} iterations each, plaintext values)\n`);
console.log(`${'event'.padEnd(48)}${pad('avro B', 8)}${pad('json B', 8)}${pad('ratio', 7)}${pad('enc µs', 9)}${pad('json', 7)}${pad('dec µs', 9)}${pad('json', 7)}`);
let avroTotal = 0;
let jsonTotal = 0;
const codecTimes = { encodeAvro: 0, encodeJson: 0, decodeAvro: 0, decodeJson: 0 };
for (const eventType of EVENT_TYPES) {
  const value = fixture(eventType);
  const avro = encodeEvent(registry, eventType, value);
  const json = Buffer.from(JSON.stringify(value));
  avroTotal += avro.length;
  jsonTotal += json.length;
  const encodeAvro = time(CODEC_ITERATIONS, () => encodeEvent(registry, eventType, value));
  const encodeJson = time(CODEC_ITERATIONS, () => Buffer.from(JSON.stringify(value)));
  const decodeAvro = time(CODEC_ITERATIONS, () => decodeEvent(registry, avro));
  const decodeJson = time(CODEC_ITERATIONS, () => JSON.parse(json.toString('utf8')));
  for (const [name, value] of Object.entries({ encodeAvro, encodeJson, decodeAvro, decodeJson })) codecTimes[name] += value / EVENT_TYPES.length;
  console.log(
    `${eventType.padEnd(48)}${pad(avro.length, 8)}${pad(json.length, 8)}${pad((avro.length / json.length).toFixed(2), 7)}` +
      `${pad(encodeAvro.toFixed(1), 9)}${pad(encodeJson.toFixed(1), 7)}${pad(decodeAvro.toFixed(1), 9)}${pad(decodeJson.toFixed(1), 7)}`,
  );
}
console.log(`${'all five'.padEnd(48)}${pad(avroTotal, 8)}${pad(jsonTotal, 8)}${pad((avroTotal / jsonTotal).toFixed(2), 7)}   (target: at most 0.33)`);
console.log("Avro encode checks every value against the schema as it writes; JSON checks nothing.");
report.figure('Avro bytes, the five events', avroTotal, 'B');
report.figure('JSON bytes, the five events', jsonTotal, 'B');
report.figure('Avro encode, mean of the five', codecTimes.encodeAvro, 'µs');
report.figure('JSON encode, mean of the five', codecTimes.encodeJson, 'µs');
report.figure('Avro decode, mean of the five', codecTimes.decodeAvro, 'µs');
report.figure('JSON decode, mean of the five', codecTimes.decodeJson, 'µs');
report.ratio('Avro ÷ JSON size, the five events', avroTotal / jsonTotal, 'JSON of the same values (bytes)', { target: { atMost: 0.33 } });

console.log(`\nProducer throughput on ${brokers.join(',')} (topic with 6 partitions, acks = all)`);
console.log(`warm-up, then ${ROUNDS} alternating rounds; the ratio is bus ÷ baseline within each round\n`);
const kafka = createKafka({ brokers, clientId: 'bus-bench' });
await ensureTopics(kafka, [{ name: topic, description: 'benchmark', partitions: 6, retentionMs: 3_600_000, compacted: false, deadLetter: false }]);
try {
  const eventType = 'water.meter-reading-recorded';
  const template = fixture(eventType);
  const valueOf = (i) => ({ ...template, envelope: { ...template.envelope, eventId: randomUUID(), household: { householdId: `H-${i % 1_000}` } } });

  // Baseline: the same validated, protected, encoded events, one awaited send per message.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const baseline = async (count) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i += 1) {
      const value = valueOf(i);
      const bytes = encodeEvent(registry, eventType, protectEvent(registry, eventType, value, keyring).value);
      await producer.send({ topic, acks: -1, messages: [{ key: value.envelope.household.householdId, value: bytes }] });
    }
    return count / (Number(process.hrtime.bigint() - start) / 1e9);
  };

  // The bus as a service uses it: many concurrent callers (requests, handlers), each awaiting
  // its own publish; the publisher gathers whatever is queued into batches while the previous
  // batch is on the wire.
  const publisher = new EventPublisher({ kafka, registry, keyring, source: 'bus-bench', maxBatch: MAX_BATCH, encodingThreads: ENCODING_THREADS });
  await publisher.connect();
  const bus = async (count) => {
    const start = process.hrtime.bigint();
    let next = 0;
    const caller = async () => {
      while (next < count) {
        next += 1;
        await publisher.publish(eventType, valueOf(next));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CALLERS, count) }, caller));
    return count / (Number(process.hrtime.bigint() - start) / 1e9);
  };

  // Warm-up: the broker's JIT and page cache and our own code paths, not counted.
  await baseline(Math.min(300, BASELINE_EVENTS));
  await bus(Math.min(10_000, BUS_EVENTS));

  const ratios = [];
  const baselineRates = [];
  const busRates = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const baselineRate = await baseline(BASELINE_EVENTS);
    const busRate = await bus(BUS_EVENTS);
    ratios.push(busRate / baselineRate);
    baselineRates.push(baselineRate);
    busRates.push(busRate);
    console.log(
      `round ${round}: one awaited send per message ${pad(Math.round(baselineRate), 6)} events/s (${BASELINE_EVENTS})` +
        ` | event bus ${pad(Math.round(busRate), 6)} events/s (${BUS_EVENTS}, ${CALLERS} callers) | ${pad(ratios.at(-1).toFixed(1), 5)} x`,
    );
  }
  await producer.disconnect();
  await publisher.disconnect();
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`\nratio, median of ${ROUNDS} rounds: ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} x  (lowest ${sorted[0].toFixed(1)} x; target: at least 10x)`);
  console.log('The bus figure includes validation, AES-GCM encryption of personal fields and Avro encoding, as does the baseline.\n');
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ofRounds = ROUNDS > 1 ? `, median of ${ROUNDS} rounds` : '';
  report.figure(`event bus, ${CALLERS} callers${ofRounds}`, median(busRates), 'events/s', { main: true });
  report.figure(`one awaited send per message${ofRounds}`, median(baselineRates), 'events/s');
  report.ratio(`bus ÷ one awaited send per message${ofRounds}`, sorted[Math.floor(sorted.length / 2)], 'one awaited send per message (events/s)', { main: true, target: { atLeast: 10 } });
  if (ROUNDS > 1) report.figure('lowest ratio of a round', sorted[0], 'x');
  report.note('Both include validation, AES-GCM encryption of personal fields and Avro encoding; acks = all, 6 partitions.');
} finally {
  await deleteTopics(kafka, [topic]);
}
report.done();
