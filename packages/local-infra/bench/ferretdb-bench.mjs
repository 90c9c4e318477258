#!/usr/bin/env node
// Benchmark of our FerretDB build against upstream FerretDB v1.24.2 (a script that prints figures;
// not a test). `./mz run bench:ferretdb`, or `node packages/local-infra/bench/ferretdb-bench.mjs`
// after `./mz build`.
//
// It builds both binaries if needed (upstream: a plain `go build` of infra/ferretdb, patched: what
// `./mz infra up` runs, with infra/ferretdb/patches), starts each on a free port with a fresh data
// dir under the OS temp dir, loads the same collection of BENCH_DOCS documents of ~8 KB, and times
// one client doing, one after the other:
//   - findOne({_id}), find({_id: {$in: [10 ids]}});
//   - updateOne({_id}, {$inc}), and the optimistic-concurrency update
//     updateOne({_id, version: n}, {$set, $inc: {version: 1}}) every service uses;
// then counts the updates lost by 50 concurrent $inc of one document. A kind of operation stops
// after BENCH_PHASE_SECONDS (upstream needs seconds per operation on 3000 documents). It never
// touches the shared servers of ./mz infra. Settings: BENCH_DOCS (3000), BENCH_LOOKUPS (200),
// BENCH_WRITES (100), BENCH_PHASE_SECONDS (15). With MZ_BENCH_REPORT set (the suite, `./mz run
// bench`), the figures are also written there as JSON.
/* eslint-disable no-console -- a benchmark prints its figures */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import mongoose from 'mongoose';
import { consoleReporter, ensureFerretdbBinary, ferretdbBuildLabel, loadInfraConfig } from '../dist/index.js';
import { findFreePort } from '../dist/processes.js';
import { benchReport } from '../../testing/bench/report.mjs';

const DOCS = Number(process.env.BENCH_DOCS ?? 3_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 200);
const WRITES = Number(process.env.BENCH_WRITES ?? 100);
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 15);
const CONCURRENT = 50;
const benchRecord = benchReport('ferretdb', { BENCH_DOCS: DOCS, BENCH_LOOKUPS: LOOKUPS, BENCH_WRITES: WRITES, BENCH_PHASE_SECONDS: PHASE_SECONDS });

const config = loadInfraConfig();
const report = consoleReporter('bench');

/** Upstream FerretDB: our program built without the patches (no -modfile), stamped like ours. */
function ensureUpstreamBinary() {
  const { sourceDir } = config.ferretdb;
  const binary = join(config.cacheDir, 'ferretdb', 'bench', 'ferretdb-sqlite-upstream');
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(sourceDir, file)));
  const stamp = `${binary}.sha256`;
  const digest = hash.digest('hex');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return binary;
  report.step(`building upstream FerretDB (no patches) into ${relative(config.root, binary)}`);
  mkdirSync(join(config.cacheDir, 'ferretdb', 'bench'), { recursive: true });
  const result = spawnSync('go', ['build', '-trimpath', '-o', `${binary}.tmp`, '.'], {
    cwd: sourceDir,
    stdio: 'inherit',
    env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  });
  if (result.status !== 0) throw new Error('go build of upstream FerretDB failed');
  renameSync(`${binary}.tmp`, binary);
  writeFileSync(stamp, `${digest}\n`);
  return binary;
}

async function startServer(binary) {
  const port = await findFreePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'mz-ferretdb-bench-'));
  const child = spawn(binary, ['-listen', `127.0.0.1:${port}`, '-data', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  const url = `mongodb://127.0.0.1:${port}/`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited: ${stderr}`);
    try {
      const probe = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 500 }).asPromise();
      await probe.close();
      break;
    } catch (error) {
      if (Date.now() - started > 30_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ~8 KB documents (BSON): a household record with 58 history entries.
const id = (i) => `household-${String(i).padStart(6, '0')}`;
const documentOf = (i) => ({
  _id: id(i),
  version: 1,
  regionCode: `44${String(i % 100).padStart(4, '0')}`,
  status: 'active',
  balanceFen: 100_000,
  counter: 0,
  history: Array.from({ length: 58 }, (_, j) => ({
    at: new Date(Date.UTC(2026, 0, 1 + j)),
    kind: j % 3 === 0 ? 'benefit-paid' : 'visit-recorded',
    amountFen: (i * 31 + j * 17) % 100_000,
    note: `entry ${j} of household ${i}: follow-up visit recorded by the street office`,
  })),
});

/** Runs up to `count` operations one after the other (at least 3, at most PHASE_SECONDS); returns operations per second. */
async function rate(count, operation) {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let done = 0;
  while (done < count && (done < 3 || elapsed() < PHASE_SECONDS)) {
    await operation(done);
    done += 1;
  }
  return done / elapsed();
}

async function measure(name, binary) {
  const server = await startServer(binary);
  const connection = await mongoose.createConnection(`${server.url}bench`, { maxPoolSize: CONCURRENT + 4 }).asPromise();
  try {
    const collection = connection.db.collection('households');
    const pick = (i) => id((i * 7_919) % DOCS); // spread over the whole collection
    const started = process.hrtime.bigint();
    for (let batch = 0; batch * 100 < DOCS; batch += 1) {
      await collection.insertMany(Array.from({ length: Math.min(100, DOCS - batch * 100) }, (_, k) => documentOf(batch * 100 + k)));
    }
    const figures = {
      'insertMany (100 per call), docs/s': DOCS / (Number(process.hrtime.bigint() - started) / 1e9),
      'findOne {_id}': await rate(LOOKUPS, (i) => collection.findOne({ _id: pick(i) })),
      'find {_id: {$in: [10 ids]}}': await rate(Math.max(1, LOOKUPS / 10), (i) => collection.find({ _id: { $in: Array.from({ length: 10 }, (_, k) => pick(i * 10 + k)) } }).toArray()),
      'updateOne {_id} $inc': await rate(WRITES, (i) => collection.updateOne({ _id: pick(i) }, { $inc: { counter: 1 } })),
      'updateOne {_id, version} $set+$inc': await rate(WRITES, async (i) => {
        const doc = await collection.findOne({ _id: pick(i + WRITES) }, { projection: { version: 1 } });
        const result = await collection.updateOne({ _id: doc._id, version: doc.version }, { $set: { status: `seen-${i}` }, $inc: { version: 1 } });
        if (result.modifiedCount !== 1) throw new Error('optimistic update did not apply');
      }),
    };
    const target = pick(0);
    const before = (await collection.findOne({ _id: target })).counter;
    const settled = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => collection.updateOne({ _id: target }, { $inc: { counter: 1 } })));
    const acknowledged = settled.filter((result) => result.status === 'fulfilled' && result.value.modifiedCount === 1).length;
    const failed = settled.filter((result) => result.status === 'rejected');
    const applied = (await collection.findOne({ _id: target })).counter - before;
    if (failed.length > 0) report.step(`${name}: ${failed.length} of the concurrent updates failed: ${failed[0].reason.message.replace(/^(\[[^\]]*\] )+/, '')}`);
    report.step(`${name}: done`);
    return { figures, acknowledged, applied, failed: failed.length };
  } finally {
    await connection.close();
    await server.stop();
  }
}

const upstreamBinary = ensureUpstreamBinary();
await ensureFerretdbBinary(config, report);
const label = ferretdbBuildLabel(config);
const size = mongoose.mongo.BSON.calculateObjectSize(documentOf(1));
console.log(`\nFerretDB v1.24.2 on SQLite: upstream vs our build (${label})`);
console.log(`${DOCS} documents of ${(size / 1024).toFixed(1)} KB (BSON); one client, operations one after the other;`);
console.log(`up to ${LOOKUPS} lookups and ${WRITES} writes of each kind, at most ${PHASE_SECONDS} s each\n`);
const upstream = await measure('upstream', upstreamBinary);
const patched = await measure('patched', config.ferretdb.binary);
const pad = (text, width) => String(text).padStart(width);
const format = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
console.log(`\n${'operation (per second)'.padEnd(40)}${pad('upstream', 10)}${pad('patched', 10)}${pad('ratio', 9)}`);
for (const [name, value] of Object.entries(upstream.figures)) {
  const ours = patched.figures[name];
  console.log(`${name.padEnd(40)}${pad(format(value), 10)}${pad(format(ours), 10)}${pad(`${(ours / value).toFixed(1)}×`, 9)}`);
  const main = name === 'findOne {_id}';
  const unit = name.includes('docs/s') ? 'docs/s' : 'operations/s';
  const label = name.replace(/, docs\/s$/u, '');
  benchRecord.figure(`patched: ${label}`, ours, unit, { main });
  benchRecord.figure(`upstream: ${label}`, value, unit);
  benchRecord.ratio(`patched ÷ upstream: ${label}`, ours / value, `upstream FerretDB v1.24.2 (${unit})`, { main });
}
console.log(`\n${CONCURRENT} concurrent updateOne({_id}, {$inc: {counter: 1}}) of one document:`);
for (const [name, run] of [['upstream', upstream], ['patched', patched]]) {
  console.log(`  ${name.padEnd(9)} ${run.acknowledged} acknowledged, ${run.failed} failed, counter +${run.applied}`);
  benchRecord.figure(`${name}: updates lost of ${CONCURRENT} concurrent $inc of one document`, run.acknowledged - run.applied, 'updates');
}
benchRecord.note(`our build: ${label}; ${DOCS} documents of ${(size / 1024).toFixed(1)} KB, one client, at most ${PHASE_SECONDS} s per kind of operation.`);
benchRecord.done();
