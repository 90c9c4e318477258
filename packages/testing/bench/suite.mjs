#!/usr/bin/env node
// The benchmark suite: every benchmark script of the project, on one scale, into one report.
//   ./mz run bench -- --scale small|default|full [--only bus,exchange] [--timeout <minutes>]
//                     [--no-build] [--update-readme] [--list]
//
// It builds the packages the benches need (once), starts or reuses the local Kafka and FerretDB
// (once; KAFKA_BROKERS and MONGO_URL, when both are set, name other servers instead), then runs
// each bench script in BENCHES below as its own child process, one after the other, with the
// size knobs of the chosen scale:
//   small    the whole suite in a few minutes on 2 cores (figures are indicative only);
//   default  what each script does when run alone (./mz run bench:<name>);
//   full     the sizes the issues state (1,000,000 rows, 500,000 events, 100,000 households…).
// BENCH_* variables of the calling shell are not passed on: the scale decides the sizes.
// Each script records its figures through ./report.mjs into MZ_BENCH_REPORT. A bench that exits
// non-zero, times out or leaves no complete report is reported as failed (exit code, last lines of
// its output) and the suite exits 1, but the others still run.
//
// Written to the ignored folder bench-results/:
//   <timestamp>/report.md, <timestamp>/report.json   figures, ratios to their baselines, targets, machine
//   <timestamp>/<bench>.log, <timestamp>/<bench>.json each script's output and its own record
//   latest.md, latest.json                          copies of the last report
// --update-readme also replaces the figures between the bench markers of the root README.
// The servers are left running, as ./mz run bench:<name> leaves them (./mz infra down stops them).
/* eslint-disable no-console -- a CLI that talks to a person */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCALES = ['small', 'default', 'full'];
const TIMEOUT_MINUTES = { small: 15, default: 180, full: 720 };

/**
 * Every bench, in the order they run: its script, the package to build, whether it needs the
 * shared servers, and its size knobs per scale (the environment variables its header documents;
 * `default` sets none, so the script's own defaults apply).
 */
const BENCHES = [
  {
    name: 'bus',
    script: 'packages/event-bus/bench/bus-bench.mjs',
    build: '@minzheng/event-bus',
    scales: {
      small: { BENCH_CODEC_ITERATIONS: 2_000, BENCH_BUS_EVENTS: 5_000, BENCH_BASELINE_EVENTS: 200, BENCH_ROUNDS: 1 },
      default: {},
      full: {}, // the defaults are the issue's set-up: 30,000 events, 2,000 callers, 3 rounds
    },
  },
  {
    name: 'ferretdb',
    script: 'packages/local-infra/bench/ferretdb-bench.mjs',
    build: '@minzheng/local-infra',
    infra: false, // starts its own upstream and patched servers on free ports
    scales: {
      small: { BENCH_DOCS: 500, BENCH_LOOKUPS: 50, BENCH_WRITES: 20, BENCH_PHASE_SECONDS: 3 },
      default: {},
      full: {},
    },
  },
  {
    name: 'assistance',
    script: 'services/assistance/bench/write-route-bench.mjs',
    build: '@minzheng/assistance',
    scales: { small: { BENCH_SECONDS: 3, BENCH_RELAY_SECONDS: 5 }, default: {}, full: {} },
  },
  {
    name: 'elderly',
    script: 'services/elderly-care/bench/device-ingest-bench.mjs',
    build: '@minzheng/elderly-care',
    scales: { small: { BENCH_SECONDS: 3, BENCH_ELDERS: 40, BENCH_RELAY_SECONDS: 5 }, default: {}, full: {} },
  },
  {
    name: 'charity',
    script: 'services/charity/bench/ledger-bench.mjs',
    build: '@minzheng/charity',
    scales: { small: { BENCH_SECONDS: 2 }, default: {}, full: {} },
  },
  {
    name: 'child-protection',
    script: 'services/child-protection/bench/write-route-bench.mjs',
    build: '@minzheng/child-protection',
    scales: { small: { BENCH_SECONDS: 3, BENCH_RELAY_SECONDS: 5 }, default: {}, full: {} },
  },
  {
    name: 'outbox',
    script: 'packages/service-kit/bench/outbox-relay-bench.mjs',
    build: '@minzheng/service-kit',
    scales: { small: { BENCH_DOCUMENTS: 500, BENCH_EVENTS: 50 }, default: {}, full: {} },
  },
  {
    name: 'exchange',
    script: 'services/exchange/bench/bulk-upload-bench.mjs',
    build: '@minzheng/exchange',
    scales: {
      small: { BENCH_ROWS: 20_000, BENCH_SINGLE_SECONDS: 2 },
      default: {}, // 1,000,000 rows
      full: { BENCH_ROWS: 1_000_000 },
    },
  },
  {
    name: 'data-sharing',
    script: 'services/data-sharing/bench/ingest-bench.mjs',
    build: '@minzheng/data-sharing',
    scales: {
      small: { BENCH_EVENTS: 4_000, BENCH_PERSONS: 800, BENCH_NAIVE_EVENTS: 300 },
      default: {}, // 500,000 events about 40,000 persons
      full: { BENCH_EVENTS: 500_000, BENCH_PERSONS: 40_000 },
    },
  },
  {
    name: 'screening',
    script: 'services/data-sharing/bench/screen-bench.mjs',
    build: '@minzheng/data-sharing',
    nodeArgs: ['--max-old-space-size=16384'],
    scales: {
      small: { BENCH_PERSONS: 4_000, BENCH_TEMPLATES: 400, BENCH_JRE_HOUSEHOLDS: 1_000, BENCH_NAIVE_HOUSEHOLDS: 100, BENCH_PROBES: 20, BENCH_BACKGROUND_RATE: 20 },
      // The script's default is 1,000,000 persons (about 408,000 households), in memory and on
      // FerretDB alike; the issue's size is 100,000 households (about 245,000 persons), re-screened
      // on the store in full.
      default: {},
      full: { BENCH_PERSONS: 245_000 },
    },
  },
  {
    name: 'alerting',
    script: 'services/alerting/bench/alert-bench.mjs',
    build: '@minzheng/alerting',
    scales: {
      small: { BENCH_STREAMS: 50, BENCH_FLAGS: 300, BENCH_RATE: 50, BENCH_BURST: 300 },
      default: {}, // 500 streams, 3,000 flags at 100/s, a burst of 3,000
      full: {},
    },
  },
];

// --- arguments ---------------------------------------------------------------------------------
const USAGE = `usage: ./mz run bench -- --scale small|default|full [--only ${BENCHES.map((bench) => bench.name).join(',')}]
                     [--timeout <minutes per bench>] [--no-build] [--update-readme] [--list]`;
const fail = (message) => {
  console.error(`[bench] ${message}\n${USAGE}`);
  process.exit(2);
};
let options;
try {
  options = parseArgs({
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
    options: {
      scale: { type: 'string', default: 'default' },
      only: { type: 'string' },
      timeout: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'update-readme': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  fail(error.message);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const scale = options.scale;
if (!SCALES.includes(scale)) fail(`unknown scale "${scale}"`);
const wanted = options.only === undefined ? BENCHES.map((bench) => bench.name) : options.only.split(',').map((name) => name.trim()).filter((name) => name !== '');
const unknown = wanted.filter((name) => !BENCHES.some((bench) => bench.name === name));
if (unknown.length > 0) fail(`unknown bench ${unknown.join(', ')}`);
const selected = BENCHES.filter((bench) => wanted.includes(bench.name));
const timeoutMinutes = options.timeout === undefined ? TIMEOUT_MINUTES[scale] : Number(options.timeout);
if (!(timeoutMinutes > 0)) fail(`--timeout wants minutes, not "${options.timeout}"`);
const knobs = (bench) => Object.entries(bench.scales[scale]).map(([name, value]) => `${name}=${value}`).join(' ');
if (options.list) {
  for (const bench of BENCHES) console.log(`${bench.name.padEnd(18)}${bench.script}\n${''.padEnd(18)}${SCALES.map((name) => `${name}: ${Object.entries(bench.scales[name]).map(([knob, value]) => `${knob}=${value}`).join(' ') || '(script defaults)'}`).join('\n'.padEnd(19))}`);
  process.exit(0);
}

// --- helpers -----------------------------------------------------------------------------------
const started = new Date();
const clock = (seconds) => (seconds < 60 ? `${seconds.toFixed(0)} s` : `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`);
const color = process.stdout.isTTY;
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const say = (message) => console.log(`${paint(36, '[bench]')} ${message}`);
const git = (...args) => {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
};
const stampOf = (date) => date.toISOString().replace(/\.\d+Z$/u, 'Z').replaceAll(':', '-');

// --- build once --------------------------------------------------------------------------------
if (!options['no-build']) {
  const packages = [...new Set(selected.map((bench) => bench.build))];
  say(`building ${packages.join(', ')} (and what they depend on)`);
  const turbo = join(ROOT, 'node_modules', '.bin', 'turbo');
  const build = spawnSync(turbo, ['run', 'build', '--output-logs=errors-only', ...packages.map((name) => `--filter=${name}`)], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`[bench] the build failed (exit ${build.status ?? build.signal}); no bench ran`);
    process.exit(1);
  }
}
const { FERRETDB_VERSION, KAFKA_VERSION, consoleReporter, ferretdbBuildLabel, kafkaVersionFromLog, loadInfraConfig, pingMongo, up } = await import('@minzheng/local-infra');
const infraConfig = loadInfraConfig();

// --- the servers, once -------------------------------------------------------------------------
const servers = { source: 'none', kafkaBrokers: undefined, mongoUrl: undefined, started: [] };
if (selected.some((bench) => bench.infra !== false)) {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) {
    Object.assign(servers, { source: 'env', kafkaBrokers: process.env.KAFKA_BROKERS, mongoUrl: process.env.MONGO_URL });
    say(`using KAFKA_BROKERS=${servers.kafkaBrokers} and MONGO_URL=${servers.mongoUrl} from the environment`);
  } else {
    say('starting or reusing the local Kafka and FerretDB');
    try {
      const result = await up(infraConfig, consoleReporter('infra'));
      Object.assign(servers, { source: 'local', kafkaBrokers: result.kafkaBrokers, mongoUrl: result.mongoUrl, started: [...result.started] });
    } catch (error) {
      console.error(`[bench] the local servers did not start: ${error.message}${error.hint ? `\n${error.hint}` : ''}`);
      process.exit(1);
    }
  }
}

// --- the machine -------------------------------------------------------------------------------
async function machineInfo() {
  const cpus = os.cpus();
  let distribution;
  try {
    distribution = /^PRETTY_NAME="?([^"\n]*)"?/mu.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    distribution = undefined;
  }
  let kafka = servers.source === 'env' ? 'external' : KAFKA_VERSION;
  const kafkaLog = join(infraConfig.kafka.logDir, 'kafka.log');
  if (servers.source === 'local' && existsSync(kafkaLog) && statSync(kafkaLog).size < 64 * 2 ** 20) kafka = kafkaVersionFromLog(readFileSync(kafkaLog, 'utf8')) ?? KAFKA_VERSION;
  let store = { ferretdb: FERRETDB_VERSION, build: ferretdbBuildLabel(infraConfig) };
  if (servers.mongoUrl !== undefined) {
    try {
      // Our FerretDB build answers `ferretdbVersion: "unknown"` (no version stamped at link
      // time): the version is then the one local-infra builds.
      const info = await pingMongo(servers.mongoUrl);
      const reported = info.ferretdbVersion?.replace(/^v/u, '');
      if (info.ferretdbVersion === undefined) store = { mongodb: info.version };
      else if (servers.source === 'local') store = { ...store, reported: info.ferretdbVersion, mongodbCompatible: info.version };
      else store = { ferretdb: reported === 'unknown' ? 'unknown version' : reported, build: 'external', mongodbCompatible: info.version };
    } catch (error) {
      store = servers.source === 'local' ? { ...store, error: error.message } : { unknown: true, error: error.message };
    }
  }
  const commit = git('rev-parse', 'HEAD');
  return {
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length, availableParallelism: os.availableParallelism() },
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: { platform: os.platform(), release: os.release(), arch: os.arch(), ...(distribution === undefined ? {} : { distribution }) },
    node: process.version,
    kafka,
    store,
    git: { commit: commit ?? 'unknown', dirty: (git('status', '--porcelain') ?? '') !== '' },
    loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}
const machine = await machineInfo();
const storeLabel = (store) => (store.unknown ? 'store unknown (it did not answer)' : store.mongodb === undefined ? `FerretDB ${store.ferretdb}${store.build && store.build !== `v${store.ferretdb}` ? ` (${store.build.replace(/^v[\d.]+ \+ /u, '+ ')})` : ''}` : `MongoDB ${store.mongodb}`);
const machineLine = (info) =>
  `${info.cpu.model}, ${info.cpu.count} cores, ${info.memoryGiB} GiB, ${info.os.distribution ?? info.os.platform} (Linux ${info.os.release}), Node ${info.node.replace(/^v/u, '')}, Kafka ${info.kafka}, ${storeLabel(info.store)}`;

// --- run each bench ----------------------------------------------------------------------------
const resultsDir = join(ROOT, 'bench-results');
const runDir = join(resultsDir, stampOf(started));
mkdirSync(runDir, { recursive: true });
say(`scale ${scale}: ${selected.map((bench) => bench.name).join(', ')} — one after the other, at most ${timeoutMinutes} min each`);
say(`machine: ${machineLine(machine)}; load average ${machine.loadAverage.join(' ')}`);
say(`results: ${relative(ROOT, runDir)}/`);

let current;
let interrupted = false;
const onSignal = (signal) => {
  interrupted = true;
  if (current !== undefined) {
    try {
      process.kill(-current.pid, signal);
    } catch {
      // already gone
    }
  }
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

const TAIL_LINES = 40;
const SILENCE_SECONDS = 30;

/** Runs one bench script; resolves with its outcome. Output goes to the console (prefixed) and its log. */
function runBench(bench, index) {
  const reportFile = join(runDir, `${bench.name}.json`);
  const logFile = join(runDir, `${bench.name}.log`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BENCH_') && name !== 'MZ_BENCH_REPORT'));
  for (const [name, value] of Object.entries(bench.scales[scale])) env[name] = String(value);
  if (bench.infra !== false) Object.assign(env, { KAFKA_BROKERS: servers.kafkaBrokers, MONGO_URL: servers.mongoUrl });
  Object.assign(env, { MZ_BENCH_REPORT: reportFile, MZ_BENCH_SCALE: scale });
  const args = [...(bench.nodeArgs ?? []), join(ROOT, bench.script)];
  console.log('');
  say(`${paint(1, `[${index + 1}/${selected.length}] ${bench.name}`)} — ${bench.script}${knobs(bench) === '' ? '' : `  ${knobs(bench)}`}`);
  const log = createWriteStream(logFile);
  log.write(`# node ${args.map((arg) => relative(ROOT, arg) || arg).join(' ')}\n# ${knobs(bench) || '(script defaults)'}\n`);
  const begin = performance.now();
  const elapsed = () => (performance.now() - begin) / 1000;
  const tail = [];
  let firstError; // the first line that names an error: a long error dump ends far from its message
  let lastOutput = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      say(paint(31, `${bench.name}: still running after ${timeoutMinutes} min, stopping it`));
      try {
        process.kill(-child.pid, 'SIGTERM');
        setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }, 15_000).unref();
      } catch {
        // gone
      }
    }, timeoutMinutes * 60_000);
    const heartbeat = setInterval(() => {
      if ((performance.now() - lastOutput) / 1000 >= SILENCE_SECONDS) {
        lastOutput = performance.now();
        console.log(paint(2, `  ${bench.name} ${clock(elapsed()).padStart(8)} │ … still running`));
      }
    }, 5_000);
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        log.write(chunk);
        lastOutput = performance.now();
        const lines = (partial + chunk).split(/\r\n|\n|\r/u);
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          if (firstError === undefined && /^\s*(?:Uncaught )?[A-Z]\w*Error(?: \[\w+\])?: /u.test(line)) firstError = line.trim();
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          console.log(`${paint(2, `  ${bench.name} ${clock(elapsed()).padStart(8)} │`)} ${line}`);
        }
      });
      stream.on('end', () => {
        if (partial.trim() !== '') {
          tail.push(partial);
          console.log(`${paint(2, `  ${bench.name} ${clock(elapsed()).padStart(8)} │`)} ${partial}`);
        }
      });
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(heartbeat);
      current = undefined;
      log.end();
      const seconds = Number(elapsed().toFixed(1));
      let record;
      try {
        record = JSON.parse(readFileSync(reportFile, 'utf8'));
      } catch {
        record = undefined;
      }
      let reason;
      if (timedOut) reason = `timed out after ${timeoutMinutes} min`;
      else if (interrupted) reason = 'interrupted';
      else if (signal !== null) reason = `killed by ${signal}`;
      else if (code !== 0) reason = `exit code ${code}`;
      else if (record === undefined) reason = 'exited 0 but wrote no report';
      else if (!record.complete) reason = 'exited 0 but its report is incomplete';
      const outcome = {
        name: bench.name,
        script: bench.script,
        status: reason === undefined ? 'passed' : 'failed',
        ...(reason === undefined ? {} : { reason, exitCode: code, signal, ...(firstError === undefined ? {} : { firstError }), tail: tail.slice(-20) }),
        seconds,
        knobs: bench.scales[scale],
        log: relative(ROOT, logFile),
        report: record ?? null,
      };
      say(reason === undefined ? paint(32, `${bench.name}: done in ${clock(seconds)}`) : paint(31, `${bench.name}: FAILED (${reason}) after ${clock(seconds)}; log ${relative(ROOT, logFile)}`));
      resolve(outcome);
    });
  });
}

const outcomes = [];
for (const [index, bench] of selected.entries()) {
  if (interrupted) break;
  outcomes.push(await runBench(bench, index));
}
const finished = new Date();

// --- the report --------------------------------------------------------------------------------
const number = (value) => {
  if (value === null || value === undefined) return '—';
  const size = Math.abs(value);
  return value.toLocaleString('en', { maximumFractionDigits: size >= 100 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 3 });
};
const targetText = (target) => (target === undefined ? '' : 'atLeast' in target ? `≥ ${number(target.atLeast)}` : `≤ ${number(target.atMost)}`);
/** `≥ 10x: met` for a ratio, `≥ 20,000 rows/s: not met` for a figure. */
const verdict = (item) => (item.target === undefined ? '—' : `${targetText(item.target)}${item.baseline === undefined ? ` ${item.unit}` : 'x'}: ${item.met ? 'met' : '**not met**'}`);
const mainFigure = (record) => record?.figures.find((figure) => figure.main) ?? record?.figures[0];
const mainRatio = (record) => record?.ratios.find((ratio) => ratio.main) ?? record?.ratios[0];
const figureText = (figure) => (figure === undefined ? '—' : `${figure.name}: ${number(figure.value)} ${figure.unit}`);
const ratioText = (ratio) => (ratio === undefined ? '—' : `${number(ratio.value)}x (${ratio.name})`);
const escape = (text) => String(text).replaceAll('|', '\\|');
const passed = outcomes.filter((outcome) => outcome.status === 'passed').length;
const failed = outcomes.filter((outcome) => outcome.status === 'failed');
const skipped = selected.slice(outcomes.length).map((bench) => bench.name);
const command = `./mz run bench -- --scale ${scale}${options.only === undefined ? '' : ` --only ${wanted.join(',')}`}`;
const totalSeconds = (finished.getTime() - started.getTime()) / 1000;

/** The summary table (also what --update-readme puts in the README). */
function summaryTable() {
  const rows = ['| bench | main figure | ratio vs baseline | target |', '|---|---|---|---|'];
  for (const outcome of outcomes) {
    const figure = mainFigure(outcome.report);
    const ratio = mainRatio(outcome.report);
    const targeted = ratio?.target !== undefined ? ratio : figure?.target !== undefined ? figure : undefined;
    const status = outcome.status === 'passed' ? '' : ` (**failed**: ${outcome.reason})`;
    rows.push(`| ${outcome.name}${status} | ${escape(figureText(figure))} | ${escape(ratioText(ratio))} | ${targeted === undefined ? '—' : escape(verdict(targeted))} |`);
  }
  return rows.join('\n');
}

/** Every figure and ratio that has a target, met or not. */
function targetsTable() {
  const targeted = outcomes.flatMap((outcome) => [...(outcome.report?.figures ?? []), ...(outcome.report?.ratios ?? [])].filter((item) => item.target !== undefined).map((item) => ({ bench: outcome.name, ...item })));
  if (targeted.length === 0) return undefined;
  const rows = ['| bench | figure | measured | target |', '|---|---|---|---|'];
  for (const item of targeted) rows.push(`| ${item.bench} | ${escape(item.name)} | ${number(item.value)}${item.baseline === undefined ? ` ${item.unit}` : 'x'} | ${escape(verdict(item))} |`);
  return rows.join('\n');
}

function markdown() {
  const lines = [
    `# Benchmarks, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, scale \`${scale}\``,
    '',
    `- Command: \`${command}\``,
    `- Machine: ${machineLine(machine)}`,
    `- Commit: ${machine.git.commit.slice(0, 12)}${machine.git.dirty ? ' with uncommitted changes' : ''}; servers: ${servers.source === 'local' ? `local (${servers.started.length === 0 ? 'reused' : `started ${servers.started.join(' and ')}`})` : servers.source}`,
    `- Load average at the start ${machine.loadAverage.join(' / ')}, at the end ${os.loadavg().map((value) => value.toFixed(2)).join(' / ')} (other work on the machine shows in the figures)`,
    `- Result: ${passed} of ${selected.length} passed${failed.length > 0 ? `, ${failed.length} failed (${failed.map((outcome) => outcome.name).join(', ')})` : ''}${skipped.length > 0 ? `, ${skipped.length} not run (interrupted: ${skipped.join(', ')})` : ''}, in ${clock(totalSeconds)}`,
    '',
    summaryTable(),
    '',
  ];
  const targets = targetsTable();
  if (targets !== undefined) lines.push('## Targets', '', targets, '');
  for (const outcome of outcomes) {
    lines.push(`## ${outcome.name}: ${outcome.status === 'passed' ? 'passed' : `**FAILED** (${outcome.reason})`}, ${clock(outcome.seconds)}`, '');
    lines.push(`\`${outcome.script}\`, ${Object.keys(outcome.knobs).length === 0 ? 'its default sizes' : Object.entries(outcome.knobs).map(([name, value]) => `${name}=${value}`).join(' ')}; output in \`${outcome.log}\``, '');
    const record = outcome.report;
    if (record !== null && Object.keys(record.settings).length > 0) lines.push(`Settings: ${Object.entries(record.settings).map(([name, value]) => `${name} ${value}`).join(', ')}`, '');
    if (record !== null && record.figures.length > 0) {
      lines.push('| figure | value | unit |', '|---|---|---|');
      for (const figure of record.figures) lines.push(`| ${escape(figure.name)}${figure.target === undefined ? '' : ` (target ${targetText(figure.target)}: ${figure.met ? 'met' : 'not met'})`} | ${number(figure.value)} | ${escape(figure.unit)} |`);
      lines.push('');
    }
    if (record !== null && record.ratios.length > 0) {
      lines.push('| ratio | value | baseline | target |', '|---|---|---|---|');
      for (const ratio of record.ratios) lines.push(`| ${escape(ratio.name)} | ${number(ratio.value)}x | ${escape(ratio.baseline)} | ${escape(verdict(ratio))} |`);
      lines.push('');
    }
    if (record !== null && record.notes.length > 0) lines.push(...record.notes.map((note) => `- ${note}`), '');
    if (outcome.firstError !== undefined) lines.push(`First error in its output: \`${outcome.firstError.replaceAll('`', "'")}\``, '');
    if (outcome.status === 'failed') lines.push(`Last lines of its output (exit code ${outcome.exitCode ?? '—'}${outcome.signal ? `, signal ${outcome.signal}` : ''}):`, '', '```', ...(outcome.tail.length === 0 ? ['(no output)'] : outcome.tail), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const json = {
  command,
  scale,
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  seconds: Number(totalSeconds.toFixed(1)),
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((value) => Number(value.toFixed(2))) },
  servers: { source: servers.source, kafkaBrokers: servers.kafkaBrokers ?? null, mongoUrl: servers.mongoUrl ?? null, started: servers.started },
  passed,
  failed: failed.map((outcome) => outcome.name),
  notRun: skipped,
  benches: outcomes,
};
writeFileSync(join(runDir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(runDir, 'report.md'), markdown());
copyFileSync(join(runDir, 'report.md'), join(resultsDir, 'latest.md'));
copyFileSync(join(runDir, 'report.json'), join(resultsDir, 'latest.json'));

if (options['update-readme']) {
  const readme = join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- bench-results:begin -->';
  const end = '<!-- bench-results:end -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (outcomes.length < BENCHES.length) say(paint(31, 'README.md: not updated, the run did not cover every bench (--only, or interrupted)'));
  else if (from < 0 || to < from) say(paint(31, `README.md has no ${begin} … ${end} markers: not updated`));
  else {
    const block = [
      begin,
      `Measured ${started.toISOString().slice(0, 10)}, scale \`${scale}\` (\`${command}\`), on ${machineLine(machine)}; commit ${machine.git.commit.slice(0, 7)}${machine.git.dirty ? ' with uncommitted changes' : ''}; load average ${machine.loadAverage.join(' / ')} at the start.`,
      '',
      summaryTable(),
      ...(targetsTable() === undefined ? [] : ['', 'Every figure with a target:', '', targetsTable()]),
      '',
      `Each bench's figures, settings and output: \`bench-results/latest.md\` after a run.`,
      end,
    ].join('\n');
    writeFileSync(readme, `${text.slice(0, from)}${block}${text.slice(to + end.length)}`);
    say('README.md: the benchmark figures are updated');
  }
}

console.log('');
say(`${passed} of ${selected.length} passed in ${clock(totalSeconds)}${failed.length > 0 ? `; FAILED: ${failed.map((outcome) => `${outcome.name} (${outcome.reason})`).join(', ')}` : ''}${skipped.length > 0 ? `; not run: ${skipped.join(', ')}` : ''}`);
console.log(`\n${summaryTable()}\n`);
say(`report: ${relative(ROOT, join(runDir, 'report.md'))} (and report.json); latest: bench-results/latest.md`);
if (servers.started.length > 0) say(`the suite started ${servers.started.join(' and ')}; they keep running (./mz infra down stops them)`);
process.exit(interrupted ? 130 : failed.length > 0 ? 1 : 0);
