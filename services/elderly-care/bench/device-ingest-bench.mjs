#!/usr/bin/env node
// Benchmark of device-event ingestion, POST /device-events (a script that prints figures; not a test).
//   ./mz run bench:elderly        (builds, starts or reuses the local Kafka and FerretDB)
// Runs the route over real HTTP on the local stack with autocannon, in two variants in the same run:
//   1. batches of BENCH_BATCH (default 500) events per request: one claims insertMany and ONE batch
//      document (all events in its outbox) per request;
//   2. the baseline: one event per request (the same route, so one claim and one document per event).
// Every event has a fresh platform event id, so nothing is answered DUPLICATE. It prints events/s and
// p50/p99 request latency for each, and the ratio. A third run repeats the batched variant with the
// outbox relay publishing to Kafka at the same time (nudged by id, as in server.ts), and reports
// how fast the relay kept up and how long the rest took to drain.
// Sizes: BENCH_SECONDS (10, per variant, after a 2 s warm-up), BENCH_BATCH (500),
// BENCH_BATCH_CONNECTIONS (4), BENCH_CONNECTIONS (10, one event per request), BENCH_ELDERS (200),
// BENCH_RELAY_SECONDS (20, the relay on the backlog). With MZ_BENCH_REPORT set (the suite,
// `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { contractRegistry } from '@minzheng/contracts';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { OUTBOX_COLLECTIONS, buildElderlyCareApp, ensureIndexes } from '../dist/app.js';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const SINGLE_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ELDERS = Number(process.env.BENCH_ELDERS ?? 200);
const RELAY_SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 20);
const report = benchReport('elderly', { BENCH_SECONDS: DURATION, BENCH_BATCH: BATCH, BENCH_BATCH_CONNECTIONS: BATCH_CONNECTIONS, BENCH_CONNECTIONS: SINGLE_CONNECTIONS, BENCH_ELDERS: ELDERS, BENCH_RELAY_SECONDS: RELAY_SECONDS });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/';

const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const jwtKeys = parseJwtKeys(`b1:${randomBytes(32).toString('base64')}`);
const kafka = createKafka({ brokers, clientId: 'elderly-care-bench' });
const publisher = new EventPublisher({ kafka, registry: contractRegistry(), keyring, source: 'elderly-care-bench' });
await publisher.connect();
const connection = await mongoose.createConnection(`${mongoBase.replace(/\/?$/u, '/')}bench-elderly-care-${Date.now()}`).asPromise();
await ensureIndexes(connection);
// The relay does not run during the measurement: ingestion is what is measured (events durably
// accepted in the store with their outbox); the relay's own rate is measured afterwards.
const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher, batchSize: 20 });
let relayOn = false;
const nudge = (hint) => {
  if (relayOn) relay.nudge(hint);
};
const app = await buildElderlyCareApp({ connection, publisher, keyring, pseudonymizer: createPseudonymizer(randomBytes(32)), jwtKeys, logger: false, nudge });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const caseworker = { authorization: `Bearer ${await signToken(jwtKeys, { subject: 'bench-clerk', roles: ['caseworker'], jurisdiction: '442000001' })}`, 'content-type': 'application/json' };
const platform = { authorization: `Bearer ${await signToken(jwtKeys, { subject: 'bench-platform', roles: ['department-system'], jurisdiction: '442000' })}`, 'content-type': 'application/json' };

// Elders with one emergency-call and one vital-sign device each.
const idOf = (seq) => {
  const first17 = `442000${1930 + (seq % 15)}0${1 + (seq % 9)}1${seq % 10}${String(100 + seq).padStart(3, '0').slice(-3)}`;
  return `${first17}${residentIdCheckDigit(first17)}`;
};
for (let seq = 0; seq < ELDERS; seq += 1) {
  const registered = await fetch(`${url}/elders`, { method: 'POST', headers: caseworker, body: JSON.stringify({ idNumber: idOf(seq), name: '测试老人', regionCode: '442000001001', hukouResident: true, livingArrangement: 'ALONE', economicStatus: 'ORDINARY' }) });
  if (registered.status !== 201) throw new Error(`registering elder ${seq}: ${registered.status} ${await registered.text()}`);
  const { id } = await registered.json();
  for (const [prefix, deviceKind] of [['SOS', 'EMERGENCY_CALL'], ['VS', 'VITAL_SIGN_MONITOR']]) {
    const bound = await fetch(`${url}/elders/${id}/devices`, { method: 'POST', headers: platform, body: JSON.stringify({ deviceId: `${prefix}-${seq}`, deviceKind }) });
    if (bound.status !== 201) throw new Error(`binding a device: ${bound.status} ${await bound.text()}`);
  }
}
await relay.drain();

let sequence = 0;
const event = () => {
  sequence += 1;
  const device = sequence % ELDERS;
  const at = new Date(Date.now() - 60_000).toISOString();
  return sequence % 2 === 0
    ? { platformEventId: `bench-${sequence}`, kind: 'EMERGENCY_CALL', deviceId: `SOS-${device}`, occurredAt: at, emergencyCall: { pressCount: 1, lastPressedAt: at, callConnected: null } }
    : { platformEventId: `bench-${sequence}`, kind: 'VITAL_SIGN_ALARM', deviceId: `VS-${device}`, occurredAt: at, vitalSign: { metric: 'HEART_RATE', measuredValue: 131, unit: 'BEATS_PER_MINUTE', thresholdValue: 120, direction: 'ABOVE' } };
};
const body = (size) => JSON.stringify({ events: Array.from({ length: size }, event) });

async function measure(label, size, connections) {
  const options = (duration) => ({ url: `${url}/device-events`, method: 'POST', headers: platform, connections, duration, timeout: 30, requests: [{ setupRequest: (request) => ({ ...request, body: body(size) }) }] });
  await autocannon(options(2)); // warm-up (fills the lookup caches)
  const result = await autocannon(options(DURATION));
  const failed = result.non2xx + result.errors;
  const eventsPerSecond = (result['2xx'] * size) / DURATION;
  console.log(`${label.padEnd(30)}${String(Math.round(eventsPerSecond)).padStart(8)} events/s  ${String(Math.round(result.requests.average)).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(5)} ms   p99 ${String(result.latency.p99).padStart(5)} ms   (${result['2xx']} requests ok, ${failed} failed)`);
  if (failed > 0) throw new Error(`${label}: ${failed} requests failed`);
  return { eventsPerSecond, result };
}

console.log(`\nPOST /device-events on the local stack (FerretDB ${mongoBase}, Kafka ${brokers.join(',')}), ${ELDERS} elders, ${DURATION} s per variant\n`);
try {
  const batched = await measure(`batches of ${BATCH} (${BATCH_CONNECTIONS} conn.)`, BATCH, BATCH_CONNECTIONS);
  const single = await measure(`one event per request (${SINGLE_CONNECTIONS} conn.)`, 1, SINGLE_CONNECTIONS);
  report.figure(`batches of ${BATCH}`, batched.eventsPerSecond, 'events/s', { main: true, target: { atLeast: 2_000 } });
  report.figure(`batches of ${BATCH}: p99 request`, batched.result.latency.p99, 'ms');
  report.figure('one event per request', single.eventsPerSecond, 'events/s');
  report.figure('one event per request: p99', single.result.latency.p99, 'ms');
  report.ratio('batched ÷ one event per request', batched.eventsPerSecond / single.eventsPerSecond, 'one event per request (events/s)', { main: true });
  console.log(`\nbatched ÷ one-per-request: ${(batched.eventsPerSecond / single.eventsPerSecond).toFixed(1)}x events/s   p50 ratio ${(batched.result.latency.p50 / Math.max(single.result.latency.p50, 1)).toFixed(1)}   p99 ratio ${(batched.result.latency.p99 / Math.max(single.result.latency.p99, 1)).toFixed(1)}`);
  console.log(`target ≥ 2,000 events/s: ${batched.eventsPerSecond >= 2000 ? 'met' : 'NOT met'}`);
  const claims = await connection.collection('device_event_claims').countDocuments();
  console.log(`events accepted in the store (claims, warm-ups included): ${claims}\n`);

  // The relay's rate on what the two runs left, for up to RELAY_SECONDS; then the rest is dropped (bench
  // data), so the third run starts with an empty outbox.
  const relayStart = process.hrtime.bigint();
  let relayed = 0;
  for (let published = -1; published !== 0 && Number(process.hrtime.bigint() - relayStart) < RELAY_SECONDS * 1e9; ) {
    published = await relay.pass();
    relayed += published;
  }
  const relaySeconds = Number(process.hrtime.bigint() - relayStart) / 1e9;
  console.log(`outbox relay on the backlog afterwards: ${relayed} events to Kafka in ${relaySeconds.toFixed(1)} s (${Math.round(relayed / relaySeconds)} events/s)\n`);
  report.figure('outbox relay on the backlog', relayed / relaySeconds, 'events/s');
  await connection.collection('device_signal_batches').deleteMany({});

  relayOn = true;
  relay.start();
  const publishedBefore = relay.metrics.published;
  const withRelay = await measure(`batches, relay running`, BATCH, BATCH_CONNECTIONS);
  const duringRun = relay.metrics.published - publishedBefore;
  const lagStart = process.hrtime.bigint();
  await relay.stop();
  const lagSeconds = Number(process.hrtime.bigint() - lagStart) / 1e9;
  const total = relay.metrics.published - publishedBefore;
  console.log(`  relay published ${duringRun} events during the ${DURATION + 2} s run (${Math.round(duringRun / (DURATION + 2))} events/s) and the remaining ${total - duringRun} in ${lagSeconds.toFixed(1)} s after it`);
  console.log(`  ingest with the relay running: ${Math.round(withRelay.eventsPerSecond)} events/s\n`);
  report.figure('batches, relay running', withRelay.eventsPerSecond, 'events/s');
  report.figure('relay during the batched run', duringRun / (DURATION + 2), 'events/s');
} finally {
  await app.close();
  await publisher.disconnect();
  await connection.dropDatabase();
  await connection.close();
}
report.done();
