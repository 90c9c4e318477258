// What a benchmark script measured, in a form the benchmark suite can read (`./mz run bench`,
// ./suite.mjs). A bench script keeps printing its figures for a person; it also records them here:
//
//   import { benchReport } from '../../../packages/testing/bench/report.mjs';
//   const report = benchReport('exchange', { BENCH_ROWS: ROWS });       // the knobs it ran with
//   report.figure('bulk upload, validated and published', rate, 'rows/s', { main: true, target: { atLeast: 20_000 } });
//   report.ratio('bulk ÷ single-event route', rate / single, 'single-event route (rows/s)', { main: true });
//   report.note('…');
//   report.done();                                                       // at the very end
//
// When MZ_BENCH_REPORT=<path.json> is set (the suite sets it), the figures are written there as
//   { bench, scale, complete, settings, figures: [{ name, value, unit, main?, target?, met? }],
//     ratios: [{ name, value, baseline, main?, target?, met? }], notes: [...] }
// and without it nothing is written. `target` is { atLeast: n } or { atMost: n }; `met` says
// whether the value reaches it. A script that ends without `done()` (it threw, or exited early)
// still leaves what it had recorded, with complete: false.
//
// A plain module, not compiled: the bench scripts are plain .mjs run from the repository, and this
// package's build exports only its test helpers, which import vitest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A number the JSON can hold, to a sensible precision (NaN and infinities become null). */
function rounded(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const size = Math.abs(value);
  return Number(value.toFixed(size >= 1_000 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 4));
}

function targetOf(value, target) {
  if (target === undefined) return {};
  if (typeof target.atLeast === 'number') return { target: { atLeast: target.atLeast }, met: value !== null && value >= target.atLeast };
  if (typeof target.atMost === 'number') return { target: { atMost: target.atMost }, met: value !== null && value <= target.atMost };
  throw new Error(`a target is { atLeast: n } or { atMost: n }, not ${JSON.stringify(target)}`);
}

/** The scale the suite asked for; run alone, `default`, or `custom` when a BENCH_* knob is set. */
function scaleOf(env) {
  if (env.MZ_BENCH_SCALE !== undefined && env.MZ_BENCH_SCALE !== '') return env.MZ_BENCH_SCALE;
  return Object.keys(env).some((name) => name.startsWith('BENCH_')) ? 'custom' : 'default';
}

/**
 * The recorder of one bench script. `settings` are the size knobs it runs with (name: value),
 * written with the figures so that a report says what was measured.
 */
export function benchReport(bench, settings = {}, env = process.env) {
  const path = env.MZ_BENCH_REPORT;
  const report = { bench, scale: scaleOf(env), complete: false, settings, figures: [], ratios: [], notes: [] };
  const write = () => {
    if (path === undefined || path === '') return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  };
  process.once('exit', () => {
    if (!report.complete) write();
  });
  return {
    /** A measured figure: `value` in `unit` (events/s, ms, MiB, …). */
    figure(name, value, unit, options = {}) {
      const figure = rounded(value);
      report.figures.push({ name, value: figure, unit, ...(options.main === true ? { main: true } : {}), ...targetOf(figure, options.target) });
      return value;
    },
    /** A ratio against the baseline measured in the same run; `baseline` names that baseline. */
    ratio(name, value, baseline, options = {}) {
      const ratio = rounded(value);
      report.ratios.push({ name, value: ratio, baseline, ...(options.main === true ? { main: true } : {}), ...targetOf(ratio, options.target) });
      return value;
    },
    note(text) {
      report.notes.push(text);
    },
    /** The script got to its end: writes the report, complete. */
    done() {
      report.complete = true;
      write();
    },
  };
}
