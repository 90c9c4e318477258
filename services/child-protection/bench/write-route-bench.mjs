#!/usr/bin/env node
// Benchmark of the main intake route, POST /reports (强制报告 from the 12345 system; a script that
// prints figures, not a test).
//   ./mz run bench:child-protection     (starts or reuses the local Kafka and FerretDB)
// Runs the same route twice over real HTTP on the local stack, with autocannon:
//   1. the service as built: the kit's auth, validation, idempotency hooks, audit, metrics, outbox;
//   2. bare Fastify: the same use case and the same database write, without the kit.
// It prints requests/s and p50/p99 latency for each, and the kit's overhead as a ratio; then the
// outbox relay's rate on what was written, for up to BENCH_RELAY_SECONDS.
// Sizes: BENCH_SECONDS (10, per variant, after a 2 s warm-up), BENCH_CONNECTIONS (10),
// BENCH_RELAY_SECONDS (20). With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures
// are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import mongoose from 'mongoose';
import { contractRegistry } from '@minzheng/contracts';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { benchReport } from '../../../packages/testing/bench/report.mjs';
import { OUTBOX_COLLECTIONS, buildChildProtectionApp, buildDeps, ensureIndexes } from '../dist/app.js';
import { reportView } from '../dist/reports/report.view.js';
import { receiveReport } from '../dist/use-cases/reports.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RELAY_SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 20);
const report = benchReport('child-protection', { BENCH_SECONDS: DURATION, BENCH_CONNECTIONS: CONNECTIONS, BENCH_RELAY_SECONDS: RELAY_SECONDS });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/';

const body = JSON.stringify({
  regionCode: '442000001001', reporterKind: 'SCHOOL', channel: 'HOTLINE_12345', concernKind: 'NEGLECT', immediateDanger: true,
  hotlineIncidentId: '12345-20261108-0042', description: '学生连续三天未到校，家中无成年人', locationDescription: '石岐第1社区某巷', reporterPhone: '13800138000',
});

const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const pseudonymizer = createPseudonymizer(randomBytes(32));
const jwtKeys = parseJwtKeys(`b1:${randomBytes(32).toString('base64')}`);
const principal = { subject: 'hotline-12345', name: undefined, roles: ['department-system'], jurisdiction: '442000', department: undefined };
const kafka = createKafka({ brokers, clientId: 'child-protection-bench' });
const publisher = new EventPublisher({ kafka, registry: contractRegistry(), keyring, source: 'child-protection-bench' });
await publisher.connect();

async function database(name) {
  const connection = await mongoose.createConnection(`${mongoBase.replace(/\/?$/u, '/')}${name}`).asPromise();
  await ensureIndexes(connection);
  return connection;
}

async function measure(label, url, headers) {
  await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION });
  const failed = result.non2xx + result.errors;
  console.log(`${label.padEnd(34)}${String(Math.round(result.requests.average)).padStart(8)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   (${result['2xx']} created, ${failed} failed)`);
  if (failed > 0) throw new Error(`${label}: ${failed} requests failed`);
  report.figure(`${label}: throughput`, result.requests.average, 'req/s', { main: label.startsWith('service') });
  report.figure(`${label}: p50`, result.latency.p50, 'ms');
  report.figure(`${label}: p99`, result.latency.p99, 'ms');
  return result;
}

const kitConnection = await database(`bench-child-kit-${Date.now()}`);
// The relay does not run during the measurement in either variant (it drains afterwards).
const relay = new OutboxRelay({ connection: kitConnection, collections: OUTBOX_COLLECTIONS, publisher });
const kitApp = await buildChildProtectionApp({ connection: kitConnection, publisher, keyring, pseudonymizer, jwtKeys, logger: false });
const kitUrl = await kitApp.listen({ port: 0, host: '127.0.0.1' });
const token = await signToken(jwtKeys, { subject: 'hotline-12345', roles: ['department-system'], jurisdiction: '442000' });

const bareConnection = await database(`bench-child-bare-${Date.now()}`);
const bareDeps = buildDeps({ connection: bareConnection, publisher, keyring, pseudonymizer, jwtKeys });
const bare = Fastify();
bare.post('/reports', async (request, reply) => reply.code(201).send(reportView(await receiveReport(bareDeps, principal, request.body), keyring, false)));
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

console.log(`\nPOST /reports on the local stack (FerretDB ${mongoBase}, Kafka ${brokers.join(',')}), ${CONNECTIONS} connections, ${DURATION} s each\n`);
try {
  const withKit = await measure('service with the kit', `${kitUrl}/reports`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const without = await measure('bare Fastify, same use case', `${bareUrl}/reports`, { 'content-type': 'application/json' });
  report.ratio('kit ÷ bare Fastify, throughput', withKit.requests.average / without.requests.average, 'bare Fastify, same use case (req/s)', { main: true });
  report.ratio('kit ÷ bare Fastify, p99 latency', withKit.latency.p99 / Math.max(without.latency.p99, 1), 'bare Fastify, same use case (p99 ms)');
  console.log(`\nkit throughput ÷ bare throughput: ${(withKit.requests.average / without.requests.average).toFixed(2)}   p50 ratio: ${(withKit.latency.p50 / Math.max(without.latency.p50, 1)).toFixed(2)}   p99 ratio: ${(withKit.latency.p99 / Math.max(without.latency.p99, 1)).toFixed(2)}`);
  console.log('Both write the report with its event in the outbox; the kit adds JWT verification, schema validation, the access-audit insert, idempotency hooks and metrics.\n');
} finally {
  // The relay's own rate on this store, for up to RELAY_SECONDS.
  const relayStart = process.hrtime.bigint();
  let relayed = 0;
  for (let published = -1; published !== 0 && Number(process.hrtime.bigint() - relayStart) < RELAY_SECONDS * 1e9; ) {
    published = await relay.pass();
    relayed += published;
  }
  const relaySeconds = Number(process.hrtime.bigint() - relayStart) / 1e9;
  console.log(`outbox relay afterwards: ${relayed} events to Kafka in ${relaySeconds.toFixed(1)} s (${Math.round(relayed / relaySeconds)} events/s)\n`);
  report.figure('outbox relay afterwards', relayed / relaySeconds, 'events/s');
  await kitApp.close();
  await bare.close();
  await publisher.disconnect();
  await kitConnection.dropDatabase();
  await bareConnection.dropDatabase();
  await kitConnection.close();
  await bareConnection.close();
}
report.done();
