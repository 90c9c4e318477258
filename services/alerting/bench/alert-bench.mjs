#!/usr/bin/env node
// Benchmark of the alerting service (a script that prints figures; not a test).
//   ./mz run bench:alerting             (builds, starts or reuses the local Kafka and FerretDB)
//   BENCH_STREAMS=500                   connected caseworker consoles (SSE over HTTP), one per village
//   BENCH_FLAGS=3000 BENCH_RATE=100     flag events published at a steady rate (events/s)
//   BENCH_BURST=3000                    flag events published at once (throughput)
// Each flag is addressed to the grid worker of one village (the routing table's staff directory),
// so each stream receives only its own. Figures, in the same run, over the same pipeline (Kafka →
// flag consumer → alert written with its outbox, deadlines and stream entry → hub → SSE):
//   1. the baseline: one connected stream, the same steady load;
//   2. BENCH_STREAMS connected streams, the same load: p50 / p99 from publishing the flag event to
//      its arrival on the right stream, and the ratio to the baseline;
//   3. a burst: alerts/s from the first publish to the last delivery.
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { ensureTopics, deleteTopics } from '@minzheng/event-bus/admin';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue, registryOnTopic } from '@minzheng/event-bus/test-support';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { OUTBOX_COLLECTIONS, buildAlertingApp, buildDeps, ensureIndexes } from '../dist/app.js';
import { FlagConsumer } from '../dist/consumer/flag-consumer.js';
import { RoutingTable } from '../dist/routing/routing-table.js';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);
const FLAGS = Number(process.env.BENCH_FLAGS ?? 3_000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const BURST = Number(process.env.BENCH_BURST ?? 3_000);
const benchRecord = benchReport('alerting', { BENCH_STREAMS: STREAMS, BENCH_FLAGS: FLAGS, BENCH_RATE: RATE, BENCH_BURST: BURST });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/').replace(/\/?$/u, '/');
const stamp = Date.now();
const topic = `bench-alerting-${String(stamp)}`;
const registry = registryOnTopic(topic);
const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const pseudonymizer = createPseudonymizer(randomBytes(32));
const jwtKeys = parseJwtKeys(`b1:${randomBytes(32).toString('base64')}`);
const fmt = (value) => Math.round(value).toLocaleString('en');
const percentile = (sorted, share) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// 23 towns × up to 22 villages, one grid worker each (the first STREAMS villages).
const VILLAGES = Array.from({ length: Math.max(STREAMS, 1) }, (_, index) => `442000${String(101 + Math.floor(index / 22)).padStart(3, '0')}${String(1 + (index % 22)).padStart(3, '0')}`);
const routing = RoutingTable.parse({
  version: 'bench-1',
  deadlines: { P1: { ackSeconds: 3600, resolveSeconds: 86400 }, P2: { ackSeconds: 86400, resolveSeconds: 172800 }, P3: { ackSeconds: 604800, resolveSeconds: 2592000 }, P4: { ackSeconds: 2592000, resolveSeconds: 7776000 } },
  routes: [{ match: { ruleId: 'WATER_METER_SILENCE' }, role: 'GRID_WORKER' }],
  escalation: { default: 'SUPERVISOR', maxLevel: 2 },
  staff: VILLAGES.map((village) => ({ id: `gw-${village}`, name: `网格员${village.slice(-3)}`, role: 'GRID_WORKER', regionCode: village })),
});

let serial = 0;
/** A person with a valid, unique resident ID number (one birth date each). */
function person() {
  serial += 1;
  const born = new Date(Date.UTC(1930, 0, 1) + serial * 86_400_000).toISOString().slice(0, 10).replace(/-/gu, '');
  const body = `442000${born}${String(serial % 1000).padStart(3, '0')}`;
  const id = `${body}${residentIdCheckDigit(body)}`;
  return { personKey: pseudonymizer.personKey(id), idNumber: id, name: null };
}
const template = fixtureValue(registry, 'data-sharing.flag-raised');
function flag(village) {
  return {
    ...template,
    envelope: { ...template.envelope, eventId: randomUUID(), region: { countyCode: village.slice(0, 6), townCode: village.slice(0, 9), villageCode: village }, person: person(), household: null },
    flagId: randomUUID(),
    ruleId: 'WATER_METER_SILENCE',
    flagCode: 'RISK_WELLBEING_CHECK',
    urgency: 'P1',
    targetRole: 'GRID_WORKER',
  };
}

/** A console on the stream; calls `onEvent(data, receivedAt)` for each ALERT. */
async function connect(baseUrl, village, onEvent) {
  const token = await signToken(jwtKeys, { subject: `gw-${village}`, roles: ['caseworker'], jurisdiction: village });
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/alerts/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`stream of ${village}: HTTP ${String(response.status)}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: ALERT')) {
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (data !== undefined) onEvent(JSON.parse(data.slice(6)), performance.now());
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // closed
    }
  })();
  return () => abort.abort();
}

console.log(`\n预警推送 benchmark — ${String(os.cpus().length)} cores (${os.cpus()[0]?.model.split(' ')[0] ?? '?'}), ${String(Math.round(os.totalmem() / 2 ** 30))} GiB, Node ${process.version}`);
const kafka = createKafka({ brokers, clientId: 'alerting-bench' });
await ensureTopics(kafka, [{ name: topic, description: 'bench', partitions: 6, retentionMs: -1, compacted: false, deadLetter: true }]);
const database = `bench-alerting-${String(stamp)}`;
const connection = await mongoose.createConnection(`${mongoBase}${database}`).asPromise();
await ensureIndexes(connection);
const publisher = new EventPublisher({ kafka, registry, keyring, source: 'alerting-service' });
await publisher.connect();
const relay = new OutboxRelay({ connection, collections: OUTBOX_COLLECTIONS, publisher, ...(process.env.BENCH_SCAN_MS === undefined ? {} : { scanIntervalMs: Number(process.env.BENCH_SCAN_MS) }) });
const options = { connection, publisher, keyring, pseudonymizer, jwtKeys, logger: false, routing, streamPollMs: 250, nudge: (hint) => relay.nudge(hint) };
const deps = buildDeps(options);
const app = await buildAlertingApp(options, deps);
const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
relay.start();
const consumer = new FlagConsumer({ kafka, registry, keyring, connection, topics: [topic], groupId: `bench-alerting-${String(stamp)}`, deps, fromBeginning: true });
await consumer.start();
const flags = new EventPublisher({ kafka, registry, keyring, source: 'data-sharing-service' });
await flags.connect();

const sent = new Map();
const arrived = new Map();
const onEvent = (data, at) => {
  if (sent.has(data.flagId) && !arrived.has(data.flagId)) arrived.set(data.flagId, at);
};

/** Publishes `count` flags to `villages` at `rate`/s (Infinity: at once); waits for every arrival; returns the latencies (ms) and the span. */
async function run(count, rate, villages) {
  const ids = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const value = flag(villages[index % villages.length]);
    ids.push(value.flagId);
    sent.set(value.flagId, performance.now());
    void flags.publish('data-sharing.flag-raised', value);
    if (Number.isFinite(rate)) {
      const due = started + ((index + 1) * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
    }
  }
  await flags.flush();
  const deadline = Date.now() + 300_000;
  let shown = 0;
  while (ids.some((id) => !arrived.has(id)) && Date.now() < deadline) {
    await sleep(100);
    const got = ids.filter((id) => arrived.has(id)).length;
    if (got - shown >= count / 5) {
      shown = got;
      process.stdout.write(`   … ${fmt(got)} / ${fmt(count)} delivered\n`);
    }
  }
  const latencies = ids.filter((id) => arrived.has(id)).map((id) => arrived.get(id) - sent.get(id)).sort((a, b) => a - b);
  const last = Math.max(...ids.filter((id) => arrived.has(id)).map((id) => arrived.get(id)));
  return { latencies, delivered: latencies.length, spanSeconds: (last - started) / 1000 };
}

const report = (label, result, count) => console.log(`   ${label}: ${fmt(result.delivered)}/${fmt(count)} delivered; p50 ${fmt(percentile(result.latencies, 0.5))} ms, p95 ${fmt(percentile(result.latencies, 0.95))} ms, p99 ${fmt(percentile(result.latencies, 0.99))} ms, max ${fmt(result.latencies[result.latencies.length - 1] ?? Number.NaN)} ms`);

const closers = [];
try {
  console.log(`routing: ${fmt(VILLAGES.length)} grid workers in ${fmt(new Set(VILLAGES.map((village) => village.slice(0, 9))).size)} towns; flags published at ${fmt(RATE)}/s`);
  // Warm-up (JIT, connections, the consumer's partitions).
  closers.push(await connect(baseUrl, VILLAGES[0], onEvent));
  await run(50, 100, [VILLAGES[0]]);

  console.log(`\n1. baseline: 1 connected stream, ${fmt(FLAGS)} flags to it`);
  const baseline = await run(FLAGS, RATE, [VILLAGES[0]]);
  report('1 stream', baseline, FLAGS);

  console.log(`\n2. ${fmt(STREAMS)} connected streams, ${fmt(FLAGS)} flags spread over them`);
  let rss = process.memoryUsage().rss;
  const connected = performance.now();
  for (const village of VILLAGES.slice(1)) closers.push(await connect(baseUrl, village, onEvent));
  console.log(`   ${fmt(deps.hub.metrics().connections)} streams connected in ${((performance.now() - connected) / 1000).toFixed(1)} s (+${fmt((process.memoryUsage().rss - rss) / 2 ** 20)} MiB)`);
  rss = process.memoryUsage().rss;
  const many = await run(FLAGS, RATE, VILLAGES);
  report(`${fmt(STREAMS)} streams`, many, FLAGS);
  benchRecord.figure(`1 stream, ${fmt(FLAGS)} flags at ${fmt(RATE)}/s: p99`, percentile(baseline.latencies, 0.99), 'ms');
  benchRecord.figure(`${fmt(STREAMS)} streams, the same load: p50`, percentile(many.latencies, 0.5), 'ms');
  benchRecord.figure(`${fmt(STREAMS)} streams, the same load: p99`, percentile(many.latencies, 0.99), 'ms', { main: true });
  benchRecord.ratio(`p99, ${fmt(STREAMS)} streams ÷ 1 stream`, percentile(many.latencies, 0.99) / percentile(baseline.latencies, 0.99), '1 connected stream, the same load (p99 ms)', { main: true });
  console.log(`   p99 ratio to the baseline: ${(percentile(many.latencies, 0.99) / percentile(baseline.latencies, 0.99)).toFixed(2)}x; process RSS ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB`);

  console.log(`\n3. burst: ${fmt(BURST)} flags at once over ${fmt(STREAMS)} streams`);
  const burst = await run(BURST, Number.POSITIVE_INFINITY, VILLAGES);
  report('burst', burst, BURST);
  benchRecord.figure(`burst of ${fmt(BURST)}: throughput`, burst.delivered / burst.spanSeconds, 'alerts/s');
  benchRecord.figure(`burst of ${fmt(BURST)}: p99`, percentile(burst.latencies, 0.99), 'ms');
  const lost = FLAGS * 2 + BURST - (baseline.delivered + many.delivered + burst.delivered);
  benchRecord.figure('flags not delivered to their stream', lost, 'alerts');
  console.log(`   throughput: ${fmt(burst.delivered / burst.spanSeconds)} alerts/s (first publish to last delivery, ${burst.spanSeconds.toFixed(1)} s)`);
  console.log(`\nconsumer: ${JSON.stringify({ raised: consumer.metrics().raised, deadLettered: consumer.metrics().deadLettered, retries: consumer.metrics().retries })}; hub: ${JSON.stringify(deps.hub.metrics())}`);
} finally {
  for (const close of closers) close();
  await consumer.stop();
  await flags.disconnect();
  await app.close();
  await relay.stop();
  await publisher.disconnect();
  await connection.dropDatabase();
  await connection.close();
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
}
benchRecord.done();
