#!/usr/bin/env node
// Benchmark of the main write route, POST /households (a script that prints figures; not a test).
//   ./mz run bench:assistance         (starts or reuses the local Kafka and FerretDB)
// Runs the same route twice over real HTTP on the local stack, with autocannon:
//   1. the service as built: the kit's auth, validation, idempotency, audit, metrics, outbox,
//      with the relay publishing to Kafka;
//   2. bare Fastify: the same use case and the same database write, without the kit (no token,
//      no idempotency, no audit, no metrics, no swagger, no error mapping).
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
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { OutboxRelay } from '@minzheng/service-kit/outbox';
import { benchReport } from '../../../packages/testing/bench/report.mjs';
import { OUTBOX_COLLECTIONS, buildAssistanceApp } from '../dist/app.js';
import { ApplicationRepository } from '../dist/applications/application.repository.js';
import { HouseholdRepository } from '../dist/households/household.repository.js';
import { householdModel } from '../dist/households/household.schema.js';
import { householdView } from '../dist/households/household.view.js';
import { registerHousehold } from '../dist/use-cases/register-household.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RELAY_SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 20);
const report = benchReport('assistance', { BENCH_SECONDS: DURATION, BENCH_CONNECTIONS: CONNECTIONS, BENCH_RELAY_SECONDS: RELAY_SECONDS });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/';

const id = (birth, seq) => {
  const first17 = `442000${birth}${seq}`;
  return `${first17}${residentIdCheckDigit(first17)}`;
};
const body = JSON.stringify({
  regionCode: '442000001001',
  address: '中山市石岐街道某路12号',
  reason: 'APPLICATION',
  members: [
    { idNumber: id('19680302', '101'), name: '陈志强', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'PARTIAL', monthlyIncomeFen: 80000, financialAssetsFen: 0 },
    { idNumber: id('19700506', '202'), name: '李秀英', relationToHead: 'SPOUSE', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 },
  ],
});

const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const pseudonymizer = createPseudonymizer(randomBytes(32));
const jwtKeys = parseJwtKeys(`b1:${randomBytes(32).toString('base64')}`);
const principal = { subject: 'bench', name: undefined, roles: ['caseworker'], jurisdiction: '442000001', department: undefined };
const kafka = createKafka({ brokers, clientId: 'assistance-bench' });
const publisher = new EventPublisher({ kafka, registry: contractRegistry(), keyring, source: 'assistance-bench' });
await publisher.connect();

async function database(name) {
  const connection = await mongoose.createConnection(`${mongoBase.replace(/\/?$/u, '/')}${name}`).asPromise();
  await householdModel(connection).createIndexes();
  return connection;
}

async function measure(label, url, headers) {
  // Warm-up, then the measured run.
  await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION });
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors;
  console.log(`${label.padEnd(34)}${String(Math.round(result.requests.average)).padStart(8)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   (${ok} created, ${failed} failed)`);
  if (failed > 0) throw new Error(`${label}: ${failed} requests failed`);
  report.figure(`${label}: throughput`, result.requests.average, 'req/s', { main: label.startsWith('service') });
  report.figure(`${label}: p50`, result.latency.p50, 'ms');
  report.figure(`${label}: p99`, result.latency.p99, 'ms');
  return result;
}

const kitConnection = await database(`bench-assistance-kit-${Date.now()}`);
// The relay does not run during the measurement in either variant: both leave their events in the
// outbox, so the ratio is the kit's own cost per request. (The relay drains afterwards.)
const relay = new OutboxRelay({ connection: kitConnection, collections: OUTBOX_COLLECTIONS, publisher });
const kitApp = await buildAssistanceApp({ connection: kitConnection, publisher, keyring, pseudonymizer, jwtKeys, logger: false });
const kitUrl = await kitApp.listen({ port: 0, host: '127.0.0.1' });
const token = await signToken(jwtKeys, { subject: 'bench', roles: ['caseworker'], jurisdiction: '442000001' });

const bareConnection = await database(`bench-assistance-bare-${Date.now()}`);
const bareDeps = {
  households: new HouseholdRepository(bareConnection),
  applications: new ApplicationRepository(bareConnection),
  publisher,
  keyring,
  pseudonymizer,
  now: () => new Date(),
};
const bare = Fastify();
bare.post('/households', async (request, reply) => {
  const household = await registerHousehold(bareDeps, principal, request.body);
  return reply.code(201).send(householdView(household, principal, keyring));
});
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

console.log(`\nPOST /households on the local stack (FerretDB ${mongoBase}, Kafka ${brokers.join(',')}), ${CONNECTIONS} connections, ${DURATION} s each\n`);
try {
  const withKit = await measure('service with the kit', `${kitUrl}/households`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const without = await measure('bare Fastify, same use case', `${bareUrl}/households`, { 'content-type': 'application/json' });
  report.ratio('kit ÷ bare Fastify, throughput', withKit.requests.average / without.requests.average, 'bare Fastify, same use case (req/s)', { main: true });
  report.ratio('kit ÷ bare Fastify, p99 latency', withKit.latency.p99 / Math.max(without.latency.p99, 1), 'bare Fastify, same use case (p99 ms)');
  console.log(`\nkit throughput ÷ bare throughput: ${(withKit.requests.average / without.requests.average).toFixed(2)}   p50 ratio: ${(withKit.latency.p50 / Math.max(without.latency.p50, 1)).toFixed(2)}   p99 ratio: ${(withKit.latency.p99 / Math.max(without.latency.p99, 1)).toFixed(2)}`);
  console.log('Both write the household with its event in the outbox; the kit adds JWT verification, schema validation with all errors, the access audit insert, idempotency hooks and metrics.\n');
} finally {
  // The relay's own rate on this store, for up to RELAY_SECONDS (passes of 200 documents).
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
