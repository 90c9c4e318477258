/**
 * 统计 (statistics) over the thematic database, by region (town or village) × program × category ×
 * age band × sex × month, as of the end of each month asked for:
 *
 * - `enrolments`: enrolments active, persons they cover, and the sum of their monthly amounts;
 * - `persons`: persons counted (a person with two programs counts in each program's cell; one with
 *   none under `NONE`; the same for categories);
 * - `coverage`: of a population (alive, in the age band / category asked), how many receive the
 *   program, and the ratio — e.g. elders 80+ receiving the 高龄津贴 / all elders 80+.
 *
 * Small cells: for the analyst role, a count below the threshold (default 5, `MZ_SMALL_CELL_THRESHOLD`)
 * is shown as "<5" and the cell's sums and ratio are withheld, so nobody is singled out by a
 * published figure. Only primary suppression: a suppressed cell may still be recovered by
 * subtracting from a total asked separately (README, Not done).
 */
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { populationAt, loadSnapshot, type AgeBand, type Population } from './population.js';
import { scopeOf } from './search.js';

export const DIMENSIONS = ['town', 'village', 'program', 'category', 'ageBand', 'sex', 'month'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const MEASURES = ['enrolments', 'persons', 'coverage'] as const;
export type Measure = (typeof MEASURES)[number];
/** Months one request may span. */
export const MAX_MONTHS = 36;

export interface StatisticsQuery {
  readonly measure: Measure;
  readonly groupBy: readonly Dimension[];
  /** YYYY-MM; default the current month. */
  readonly from?: string;
  readonly to?: string;
  readonly regionCode?: string;
  readonly program?: string;
  readonly category?: string;
  readonly ageBand?: AgeBand;
}

export type Count = number | `<${string}`;

export interface StatisticsCell {
  readonly key: Readonly<Partial<Record<Dimension, string>>>;
  readonly enrolments?: Count;
  readonly persons?: Count;
  readonly monthlyAmountFen?: number | null;
  readonly population?: Count;
  readonly covered?: Count;
  readonly ratio?: number | null;
  readonly suppressed: boolean;
}

export interface StatisticsAnswer {
  readonly measure: Measure;
  readonly groupBy: readonly Dimension[];
  readonly months: readonly string[];
  readonly scope: string;
  readonly threshold: number | null;
  readonly cells: readonly StatisticsCell[];
}

/** The months from..to (YYYY-MM), at most MAX_MONTHS. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const [endYear, endMonth] = to.split('-').map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    months.push(`${String(year)}-${String(month).padStart(2, '0')}`);
    if (months.length > MAX_MONTHS) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** The last day of a month (YYYY-MM-DD). */
export function monthEnd(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 0)).toISOString().slice(0, 10);
}

const regionKey = (regionCode: string | null, dimension: 'town' | 'village'): string => (regionCode === null ? 'UNKNOWN' : dimension === 'town' ? regionCode.slice(0, 9) : regionCode.slice(0, 12));

/** Every combination of the grouped dimensions a person (or enrolment) falls in. */
function keysOf(groupBy: readonly Dimension[], values: Readonly<Record<Dimension, readonly string[]>>): Record<string, string>[] {
  let keys: Record<string, string>[] = [{}];
  for (const dimension of groupBy) keys = keys.flatMap((key) => values[dimension].map((value) => ({ ...key, [dimension]: value })));
  return keys;
}

export async function statistics(deps: DataSharingDeps, principal: Principal, query: StatisticsQuery, threshold: number): Promise<StatisticsAnswer> {
  const thisMonth = deps.now().toISOString().slice(0, 7);
  const from = query.from ?? query.to ?? thisMonth;
  const to = query.to ?? query.from ?? thisMonth;
  if (from > to) throw dataSharingError('DS_INVALID_QUERY', `起始月份晚于结束月份 (from ${from} is after to ${to})`, { field: 'from', rule: 'must not be after to' });
  const months = monthsBetween(from, to);
  if (months.length > MAX_MONTHS) throw dataSharingError('DS_INVALID_QUERY', `月份跨度过大 (at most ${String(MAX_MONTHS)} months per request)`, { field: 'to', rule: `at most ${String(MAX_MONTHS)} months from from` });
  if (query.measure === 'coverage' && query.program === undefined) throw dataSharingError('DS_INVALID_QUERY', '覆盖率须指定项目 (coverage needs the program whose receipt is counted)', { field: 'program', rule: 'is required for coverage' });
  if (new Set(query.groupBy).size !== query.groupBy.length) throw dataSharingError('DS_INVALID_QUERY', '分组维度重复 (a dimension is named twice)', { field: 'groupBy', rule: 'each dimension at most once' });
  const scope = scopeOf(principal, query.regionCode);
  const snapshot = await loadSnapshot(deps, principal, scope);
  const today = deps.now().toISOString().slice(0, 10);
  const suppress = hasRole(principal, 'analyst') && !hasRole(principal, 'supervisor', 'admin');

  const cells = new Map<string, { key: Record<string, string>; enrolments: number; persons: Set<string>; amount: number; population: Set<string>; covered: Set<string> }>();
  const cellOf = (key: Record<string, string>) => {
    const id = JSON.stringify(query.groupBy.map((dimension) => key[dimension] ?? ''));
    let cell = cells.get(id);
    if (cell === undefined) {
      cell = { key, enrolments: 0, persons: new Set(), amount: 0, population: new Set(), covered: new Set() };
      cells.set(id, cell);
    }
    return cell;
  };

  for (const month of months) {
    const population: Population = populationAt(snapshot, monthEnd(month), today);
    const rows = new Map(population.persons.map((row) => [row.personKey, row]));
    const wanted = (personKey: string) => {
      const row = rows.get(personKey);
      return row !== undefined && (query.category === undefined || row.categories.includes(query.category)) && (query.ageBand === undefined || row.ageBand === query.ageBand);
    };
    if (query.measure === 'enrolments') {
      for (const enrolment of population.enrolments) {
        if (query.program !== undefined && enrolment.program !== query.program) continue;
        const persons = enrolment.persons.filter(wanted);
        if (persons.length === 0 && (query.category !== undefined || query.ageBand !== undefined)) continue;
        const first = rows.get(persons[0] ?? '');
        const values = { town: [regionKey(enrolment.regionCode, 'town')], village: [regionKey(enrolment.regionCode, 'village')], program: [enrolment.program], category: first?.categories.length ? first.categories : ['NONE'], ageBand: [first?.ageBand ?? 'UNKNOWN'], sex: [first?.sex ?? 'UNKNOWN'], month: [month] };
        for (const key of keysOf(query.groupBy, values)) {
          const cell = cellOf(key);
          cell.enrolments += 1;
          cell.amount += enrolment.monthlyAmountFen;
          for (const personKey of persons) cell.persons.add(`${month}|${personKey}`);
        }
      }
      continue;
    }
    for (const row of population.persons) {
      if (row.deceased && query.measure === 'coverage') continue;
      if (!wanted(row.personKey)) continue;
      if (query.measure === 'persons' && query.program !== undefined && !row.programs.includes(query.program)) continue;
      const programs = query.measure === 'coverage' ? [query.program ?? 'NONE'] : row.programs.length > 0 ? row.programs : ['NONE'];
      const values = { town: [regionKey(row.regionCode, 'town')], village: [regionKey(row.regionCode, 'village')], program: programs, category: row.categories.length > 0 ? row.categories : ['NONE'], ageBand: [row.ageBand ?? 'UNKNOWN'], sex: [row.sex ?? 'UNKNOWN'], month: [month] };
      for (const key of keysOf(query.groupBy, values)) {
        const cell = cellOf(key);
        cell.persons.add(`${month}|${row.personKey}`);
        cell.population.add(`${month}|${row.personKey}`);
        if (query.program !== undefined && row.programs.includes(query.program)) cell.covered.add(`${month}|${row.personKey}`);
      }
    }
  }

  const shown = (count: number): Count => (suppress && count > 0 && count < threshold ? `<${String(threshold)}` : count);
  const answer: StatisticsCell[] = [...cells.values()]
    .sort((a, b) => {
      const x = JSON.stringify(query.groupBy.map((dimension) => a.key[dimension] ?? ''));
      const y = JSON.stringify(query.groupBy.map((dimension) => b.key[dimension] ?? ''));
      return x < y ? -1 : x > y ? 1 : 0;
    })
    .map((cell) => {
      if (query.measure === 'enrolments') {
        const small = suppress && (cell.persons.size < threshold || cell.enrolments < threshold);
        return { key: cell.key, enrolments: shown(cell.enrolments), persons: shown(cell.persons.size), monthlyAmountFen: small ? null : cell.amount, suppressed: small };
      }
      if (query.measure === 'persons') return { key: cell.key, persons: shown(cell.persons.size), suppressed: suppress && cell.persons.size < threshold };
      const small = suppress && (cell.population.size < threshold || (cell.covered.size > 0 && cell.covered.size < threshold));
      return { key: cell.key, population: shown(cell.population.size), covered: shown(cell.covered.size), ratio: small || cell.population.size === 0 ? null : Math.round((cell.covered.size / cell.population.size) * 10_000) / 10_000, suppressed: small };
    });
  return { measure: query.measure, groupBy: query.groupBy, months, scope, threshold: suppress ? threshold : null, cells: answer };
}
