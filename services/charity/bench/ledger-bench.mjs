#!/usr/bin/env node
// Benchmark of the campaign ledger (a script that prints figures; not a test).
//   ./mz run bench:charity            (starts or reuses the local Kafka and FerretDB)
// 1. Ledger appends to ONE campaign (the hot spot: every write of a campaign goes through its
//    chain), C concurrent writers, for D seconds: the chain of inserts this service uses.
// 2. Baseline: the design the brief first suggested, one conditional single-document update of the
//    campaign (`$inc` of the totals + `$push` of the event into its outbox), same writers, same
//    time. It prints its rate AND how many of its acknowledged updates FerretDB v1 kept: the
//    reason this service does not use it.
// 3. POST /campaigns/:id/donations over real HTTP with the kit (autocannon), one campaign.
// Each prints writes/s and p50/p99; the ratio is chain ÷ baseline.
// Sizes: BENCH_SECONDS (5, per variant), BENCH_CONNECTIONS (10). With MZ_BENCH_REPORT set (the
// suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { contractRegistry } from '@minzheng/contracts';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import { parseJwtKeys, signToken } from '@minzheng/service-kit/auth';
import { withOutbox } from '@minzheng/service-kit/outbox';
import { buildCharityApp, ensureIndexes } from '../dist/app.js';
import { LEDGER_COLLECTION } from '../dist/campaigns/ledger.schema.js';
import { Chain } from '../dist/chain/chain.js';
import { OPENED_LEDGER, receiveDonation } from '../dist/domain/ledger.js';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const report = benchReport('charity', { BENCH_SECONDS: DURATION, BENCH_CONNECTIONS: CONNECTIONS });
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const mongoBase = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/';

const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const kafka = createKafka({ brokers, clientId: 'charity-bench' });
const publisher = new EventPublisher({ kafka, registry: contractRegistry(), keyring, source: 'charity-bench' });
await publisher.connect();
const connection = await mongoose.createConnection(`${mongoBase.replace(/\/?$/u, '/')}bench-charity-${Date.now()}`).asPromise();
await ensureIndexes(connection);

const event = (campaignId) => publisher.prepare('charity.donation-received', {
  envelope: { eventId: randomUUID(), occurredAt: new Date(), recordedAt: new Date(), source: { department: 'CIVIL_AFFAIRS_CHARITY', system: 'charity-bench', recordId: null }, region: { countyCode: '442000', townCode: null, villageCode: null }, person: null, household: null, correlationId: null, causationId: null },
  donationId: randomUUID(), campaignId, donorKind: 'ANONYMOUS', donor: null, donorOrganisationName: null, donationForm: 'CASH', amountFen: 100, channel: 'ON_SITE', receiptNo: null,
}, { key: campaignId });

/** Runs `write` from CONNECTIONS workers for DURATION seconds; returns the count and latency percentiles. */
async function load(write) {
  const latencies = [];
  const end = performance.now() + DURATION * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const start = performance.now();
      await write();
      latencies.push(performance.now() - start);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { count: latencies.length, perSecond: latencies.length / DURATION, p50: at(0.5), p99: at(0.99) };
}

const line = (label, result, extra = '') => console.log(`${label.padEnd(44)}${String(Math.round(result.perSecond)).padStart(6)} writes/s   p50 ${result.p50.toFixed(0).padStart(4)} ms   p99 ${result.p99.toFixed(0).padStart(4)} ms   ${extra}`);

console.log(`\nCampaign ledger on the local stack (FerretDB ${mongoBase}, Kafka ${brokers.join(',')}), ${CONNECTIONS} concurrent writers, ${DURATION} s each\n`);
try {
  // 1. The chain.
  const chain = new Chain(connection, LEDGER_COLLECTION, OPENED_LEDGER);
  const chainCampaign = `CP-bench-${randomUUID()}`;
  const chained = await load(() => chain.append(chainCampaign, `DN-${randomUUID()}`, (head) => ({
    state: receiveDonation(head.state, chainCampaign, { form: 'CASH', amountFen: 100, month: '2026-11' }),
    body: { kind: 'DONATION', amountFen: 100, date: '2026-11-23', recordedBy: 'bench', donation: null, disbursement: null, closeReason: null },
    events: [event(chainCampaign)],
  })));
  const head = await chain.head(chainCampaign);
  report.figure('chain of inserts (this service), one campaign', chained.perSecond, 'writes/s', { main: true });
  report.figure('chain of inserts: p99', chained.p99, 'ms');
  report.figure('chain of inserts: appends lost', chained.count - head.state.donationCount, 'writes');
  line('chain of inserts (this service)', chained, `(${chained.count} appended, ledger says ${head.state.donationCount}: ${head.state.donationCount === chained.count ? 'none lost' : 'MISMATCH'})`);

  // 2. The baseline: one conditional update of the campaign document.
  const campaigns = connection.collection('bench_campaigns');
  const baselineCampaign = `CP-bench-${randomUUID()}`;
  await campaigns.insertOne({ _id: baselineCampaign, status: 'OPEN', receivedFen: 0, balanceFen: 0, donationCount: 0, outbox: [], outboxPending: false });
  let acknowledged = 0;
  const updated = await load(async () => {
    const result = await campaigns.updateOne({ _id: baselineCampaign, status: 'OPEN' }, withOutbox({ $inc: { receivedFen: 100, balanceFen: 100, donationCount: 1 } }, [event(baselineCampaign)]));
    acknowledged += result.modifiedCount;
  });
  const kept = (await campaigns.findOne({ _id: baselineCampaign }))?.donationCount ?? 0;
  report.figure('baseline: conditional $inc on one document', updated.perSecond, 'writes/s');
  report.figure('baseline: p99', updated.p99, 'ms');
  report.figure('baseline: acknowledged updates lost', acknowledged - kept, 'writes');
  report.ratio('chain ÷ baseline, throughput', chained.perSecond / updated.perSecond, 'conditional $inc + $push on the campaign document (writes/s)', { main: true });
  line('baseline: conditional $inc on one document', updated, `(${acknowledged} acknowledged, ${kept} kept: ${acknowledged - kept} LOST)`);
  console.log(`\nchain ÷ baseline throughput: ${(chained.perSecond / updated.perSecond).toFixed(2)}   p50 ratio: ${(chained.p50 / Math.max(updated.p50, 0.1)).toFixed(2)}   p99 ratio: ${(chained.p99 / Math.max(updated.p99, 0.1)).toFixed(2)}\n`);

  // 3. The route, with the kit, over HTTP.
  const jwtKeys = parseJwtKeys(`b1:${randomBytes(32).toString('base64')}`);
  const app = await buildCharityApp({ connection, publisher, keyring, pseudonymizer: createPseudonymizer(randomBytes(32)), jwtKeys, logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { authorization: `Bearer ${await signToken(jwtKeys, { subject: 'bench', roles: ['admin', 'supervisor', 'caseworker'], jurisdiction: '442000' })}`, 'content-type': 'application/json' };
  await fetch(`${url}/organisations`, { method: 'POST', headers, body: JSON.stringify({ creditCode: '53442000MJL0000018', name: '中山市慈善总会', form: 'SOCIAL_GROUP', regionCode: '442000', publicFundraising: true }) });
  const opened = await (await fetch(`${url}/campaigns`, { method: 'POST', headers, body: JSON.stringify({ title: '压测微基金', kind: 'MICRO_FUND', organiserId: '53442000MJL0000018', regionCode: '442000' }) })).json();
  const body = JSON.stringify({ donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen: 100, channel: 'ONLINE_PLATFORM' });
  const result = await autocannon({ url: `${url}/campaigns/${opened.id}/donations`, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION });
  const totals = await (await fetch(`${url}/campaigns/${opened.id}`, { headers })).json();
  console.log(`${'POST /campaigns/:id/donations (kit, HTTP)'.padEnd(44)}${String(Math.round(result.requests.average)).padStart(6)} req/s      p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   (${result['2xx']} created, ${result.non2xx + result.errors} failed; ledger says ${totals.totals.donationCount})\n`);
  report.figure('POST /campaigns/:id/donations (kit, HTTP)', result.requests.average, 'req/s');
  report.figure('POST /campaigns/:id/donations: p99', result.latency.p99, 'ms');
  report.note(`${CONNECTIONS} concurrent writers on ONE campaign, ${DURATION} s per variant; the baseline kept ${kept} of ${acknowledged} acknowledged updates.`);
  await app.close();
} finally {
  await publisher.disconnect();
  await connection.dropDatabase();
  await connection.close();
}
report.done();
