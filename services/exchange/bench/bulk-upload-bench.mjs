#!/usr/bin/env node
// Benchmark of bulk upload (批量报送), PUT /uploads/:id/content (a script that prints figures; not a test).
//   ./mz run bench:exchange          (builds, starts or reuses the local Kafka and FerretDB)
//   BENCH_ROWS=1000000 (default)     rows in the file; every 100th row is invalid (three kinds of fault)
//   BENCH_SINGLE_SECONDS=5           how long the baseline runs
// The gateway runs as its own process (dist/server.js, as in production), so its peak memory is its
// own: read from /proc/<pid>/status (VmHWM) and sampled (VmRSS) while the file streams in. The file is
// generated as it is sent (chunked transfer), so neither side ever holds it whole.
//
// Figures, all in the same run:
//   1. the baseline: the single-event route, POST /events/public-security.death-registered, one row
//      per request over 10 connections;
//   2. the bulk upload: rows/s validated and durably accepted (the answer to PUT arrives when the last
//      batch is committed), and rows/s validated and published (until the topic's offsets have moved
//      by the number accepted: the outbox relay publishes while the file streams in);
//   3. the server's resident memory at 10%, 50% and 100% of the file, and its peak: flat in file size
//      means the last two are close to the first.
// With MZ_BENCH_REPORT set (the suite, `./mz run bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { createKafka, parseBrokers } from '@minzheng/event-bus/client';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { startServiceProcess } from '@minzheng/service-kit/test-support';
import { benchReport } from '../../../packages/testing/bench/report.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SINGLE_SECONDS = Number(process.env.BENCH_SINGLE_SECONDS ?? 5);
const report = benchReport('exchange', { BENCH_ROWS: ROWS, BENCH_SINGLE_SECONDS: SINGLE_SECONDS });
const EVENT_TYPE = 'public-security.death-registered';
const TOPIC = 'mz.exchange.public-security';
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const database = `bench-exchange-${Date.now()}`;

const { privateKey } = generateKeyPairSync('ed25519');
const env = {
  ...process.env,
  MZ_PORT: '0',
  MZ_HOST: '127.0.0.1',
  MZ_LOG_LEVEL: 'info',
  MZ_MONGO_URL: `${(process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/').replace(/\/?$/u, '/')}${database}`,
  KAFKA_BROKERS: brokers.join(','),
  MZ_JWT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  MZ_FIELD_KEYS: `f1:${randomBytes(32).toString('base64')}`,
  MZ_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
  MZ_RECEIPT_KEYS: `r1:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
};
const server = await startServiceProcess(fileURLToPath(new URL('../dist/server.js', import.meta.url)), env);
const pid = server.child.pid;
const memory = () => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'mu').exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
};
/** CPU seconds (user + system, all threads) of the gateway, the store and the broker: where each row's cost goes. */
const TICKS_PER_SECOND = 100;
const processes = () => {
  const found = { gateway: [pid], store: [], broker: [] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('ferretdb')) found.store.push(Number(entry));
    else if (cmdline.includes('kafka.Kafka')) found.broker.push(Number(entry));
  }
  return found;
};
const cpuSeconds = (pids) =>
  pids.reduce((sum, id) => {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      return sum;
    }
  }, 0);
const cpuOf = (found) => Object.fromEntries(Object.entries(found).map(([name, pids]) => [name, cpuSeconds(pids)]));
const kafka = createKafka({ brokers, clientId: 'exchange-bench' });
const admin = kafka.admin();
await admin.connect();
const offsets = async () => (await admin.fetchTopicOffsets(TOPIC)).reduce((sum, partition) => sum + Number(partition.high), 0);

const headers = async (roles, subject) => ({ authorization: `Bearer ${await server.token(roles, '442000', subject)}`, 'content-type': 'application/json' });
const registered = await fetch(`${server.url}/clients`, {
  method: 'POST',
  headers: await headers(['admin'], 'bench-admin'),
  body: JSON.stringify({ id: 'gongan-hukou', name: '公安户籍系统', department: 'PUBLIC_SECURITY', allowedEventTypes: [EVENT_TYPE] }),
});
if (registered.status !== 201) throw new Error(`registering the client: ${registered.status} ${await registered.text()}`);
const client = await headers(['department-system'], 'gongan-hukou');

const idNumber = (row) => {
  const first17 = `442000${1930 + (row % 60)}0${1 + (row % 9)}1${row % 10}${String(row % 1000).padStart(3, '0')}`;
  return `${first17}${residentIdCheckDigit(first17)}`;
};
const wrongCheckDigit = (id) => `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`;
const death = (id, recordId, deathCategory = 'ACCIDENT') => ({
  envelope: {
    occurredAt: '2026-01-27T10:20:00.000Z',
    source: { system: 'gongan-hukou', recordId },
    region: { countyCode: '442000', townCode: '442000101', villageCode: '442000101002' },
    person: { idNumber: id, name: '何国强' },
    household: null,
    correlationId: null,
    causationId: null,
  },
  dateOfDeath: '2026-01-27',
  deathCategory,
  hukouCancelled: true,
});
/** Row `row` of the file: every 100th invalid (a broken line, a wrong check digit, an unknown enum symbol). */
const line = (row, prefix) => {
  const recordId = `${prefix}-${row}`;
  if (row % 100 !== 0) return JSON.stringify(death(idNumber(row), recordId));
  const kind = (row / 100) % 3;
  return kind === 0 ? '{"envelope": ' : JSON.stringify(kind === 1 ? death(wrongCheckDigit(idNumber(row)), recordId) : death(idNumber(row), recordId, 'UNKNOWN_KIND'));
};

try {
  // 1. Baseline: one event per request.
  const offsetInitial = await offsets();
  let sequence = 0;
  const single = await autocannon({
    url: `${server.url}/events/${EVENT_TYPE}`,
    method: 'POST',
    headers: client,
    connections: 10,
    duration: SINGLE_SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(death(idNumber(++sequence), `SINGLE-${sequence}`)) }) }],
  });
  const singleRate = single['2xx'] / SINGLE_SECONDS;
  console.log(`\nbaseline, POST /events/${EVENT_TYPE}, one row per request (10 conn.): ${Math.round(singleRate)} rows/s, p50 ${single.latency.p50} ms, p99 ${single.latency.p99} ms (${single['2xx']} ok, ${single.non2xx + single.errors} failed)`);

  // 2. The bulk upload.
  const created = await fetch(`${server.url}/uploads`, { method: 'POST', headers: client, body: JSON.stringify({ eventType: EVENT_TYPE, format: 'NDJSON', fileName: 'deaths.ndjson' }) });
  if (created.status !== 201) throw new Error(`creating the upload: ${created.status} ${await created.text()}`);
  const { id } = await created.json();
  // The baseline's events leave through the relay too: wait for them before counting the upload's.
  // (Requests still in flight when autocannon stopped are not in its count: wait for the offsets to settle.)
  for (let last = -1, now = await offsets(); now - offsetInitial < single['2xx'] || now !== last; last = now, now = await offsets()) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const offsetBefore = await offsets();
  const samples = [];
  const serverProcesses = processes();
  const cpuBefore = cpuOf(serverProcesses);
  let sentRows = 0;
  let sentBytes = 0;
  const sampler = setInterval(() => samples.push({ rows: sentRows, ...memory() }), 250);
  const started = process.hrtime.bigint();
  let lastReport = started;
  const seconds = (from = started) => Number(process.hrtime.bigint() - from) / 1e9;
  console.log(`\nbulk upload of ${ROWS.toLocaleString('en')} NDJSON rows (1% invalid), server pid ${pid}, memory before: ${memory().rss.toFixed(0)} MiB`);
  const answer = await new Promise((resolve, reject) => {
    const req = request(`${server.url}/uploads/${id}/content`, { method: 'PUT', headers: { authorization: client.authorization, 'content-type': 'application/x-ndjson' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const write = () => {
      while (sentRows < ROWS) {
        let chunk = '';
        for (let n = 0; n < 200 && sentRows < ROWS; n += 1) chunk += `${line(++sentRows, 'BULK')}\n`;
        sentBytes += Buffer.byteLength(chunk);
        if (Number(process.hrtime.bigint() - lastReport) > 10e9) {
          lastReport = process.hrtime.bigint();
          console.log(`  ${seconds().toFixed(0).padStart(4)} s  ${sentRows.toLocaleString('en')} rows sent, server RSS ${memory().rss.toFixed(0)} MiB`);
        }
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
  const acceptedSeconds = seconds();
  if (answer.status !== 200) throw new Error(`the upload failed: ${answer.status} ${answer.body.slice(0, 500)}`);
  const upload = JSON.parse(answer.body);
  let published = (await offsets()) - offsetBefore;
  while (published < upload.accepted && seconds() < acceptedSeconds + 600) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    published = (await offsets()) - offsetBefore;
  }
  const publishedSeconds = seconds();
  const cpuAfter = cpuOf(serverProcesses);
  clearInterval(sampler);
  const final = memory();
  const at = (share) => samples.find((sample) => sample.rows >= ROWS * share)?.rss ?? Number.NaN;

  console.log(`  answer: ${upload.status}, ${upload.accepted.toLocaleString('en')} accepted, ${upload.duplicates} duplicates, ${upload.rejected.toLocaleString('en')} rejected; receipt ${upload.receipt?.receiptId} (${(sentBytes / 2 ** 20).toFixed(0)} MiB sent)`);
  console.log(`\nvalidated and accepted (all batches committed):  ${Math.round(ROWS / acceptedSeconds).toLocaleString('en').padStart(7)} rows/s  (${acceptedSeconds.toFixed(1)} s)`);
  console.log(`validated and published (topic offsets moved):    ${Math.round(ROWS / publishedSeconds).toLocaleString('en').padStart(7)} rows/s  (${publishedSeconds.toFixed(1)} s; ${published.toLocaleString('en')} of ${upload.accepted.toLocaleString('en')} events)`);
  const perRow = (name) => `${name} ${(((cpuAfter[name] - cpuBefore[name]) * 1e6) / ROWS).toFixed(0)} µs`;
  console.log(`CPU per row (user + system, all threads; ${os.availableParallelism()} cores): ${perRow('gateway')}, ${perRow('store')} (FerretDB), ${perRow('broker')} (Kafka)`);
  console.log(`bulk ÷ single-event baseline: ${(ROWS / publishedSeconds / singleRate).toFixed(1)}x`);
  console.log(`server memory: RSS at 10% ${at(0.1).toFixed(0)} MiB, at 50% ${at(0.5).toFixed(0)} MiB, at the end ${final.rss.toFixed(0)} MiB; peak (VmHWM) ${final.peak.toFixed(0)} MiB`);
  console.log(`target ≥ 20,000 rows/s published: ${ROWS / publishedSeconds >= 20_000 ? 'met' : 'NOT met'}\n`);
  report.figure('bulk upload, validated and published', ROWS / publishedSeconds, 'rows/s', { main: true, target: { atLeast: 20_000 } });
  report.figure('bulk upload, validated and accepted', ROWS / acceptedSeconds, 'rows/s');
  report.figure('single-event route (baseline)', singleRate, 'rows/s');
  report.figure('single-event route: p99', single.latency.p99, 'ms');
  report.ratio('bulk ÷ single-event route', ROWS / publishedSeconds / singleRate, `POST /events/${EVENT_TYPE}, one row per request (rows/s)`, { main: true });
  for (const name of ['gateway', 'store', 'broker']) report.figure(`CPU per row: ${name}`, ((cpuAfter[name] - cpuBefore[name]) * 1e6) / ROWS, 'µs');
  report.figure('gateway RSS at 10% of the file', at(0.1), 'MiB');
  report.figure('gateway RSS at the end', final.rss, 'MiB');
  report.figure('gateway peak RSS (VmHWM)', final.peak, 'MiB');
  report.note(`${ROWS.toLocaleString('en')} NDJSON rows (1% invalid): ${upload.accepted.toLocaleString('en')} accepted, ${upload.rejected.toLocaleString('en')} rejected; ${published.toLocaleString('en')} events published.`);
  if (published !== upload.accepted) throw new Error(`published ${published} events for ${upload.accepted} accepted rows`);
} finally {
  await admin.disconnect();
  await server.stop('SIGTERM');
  const connection = await mongoose.createConnection(env.MZ_MONGO_URL).asPromise();
  await connection.dropDatabase();
  await connection.close();
}
report.done();
