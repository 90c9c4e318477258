/**
 * 人员检索 (person search) over the thematic database: by region (town or village prefix),
 * program (a person's own enrolments and those of households covering them), category, age band,
 * death, and free text on the masked name and ID number; sorted and paginated; always masked.
 *
 * FerretDB v1 filters only `_id` in its store; everything else is a scan. The search therefore
 * reads the summaries it needs (`current`, links; never the facts) and filters here, scoped to the
 * caller's jurisdiction. Fine for a city (tens of thousands of persons); a MongoDB deployment would
 * index `current.*` instead.
 */
import type { Principal } from '@minzheng/service-kit/auth';
import type { Page } from '@minzheng/service-kit/repository';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { loadSnapshot, populationAt, type AgeBand, type PopulationRow } from './population.js';

export { AGE_BANDS, ageBandOf, type AgeBand } from './population.js';
export const SORTS = ['regionCode', 'age', 'lastOccurredAt'] as const;

export interface PersonQuery {
  readonly regionCode?: string;
  readonly program?: string;
  readonly category?: string;
  readonly ageBand?: AgeBand;
  readonly deceased?: boolean;
  readonly q?: string;
  readonly sort?: (typeof SORTS)[number];
  readonly order?: 'asc' | 'desc';
}

export type PersonListItem = PopulationRow;

/** The region prefix a query covers: its region when inside the caller's jurisdiction, else the jurisdiction (a region outside it is refused). */
export function scopeOf(principal: Principal, regionCode: string | undefined): string {
  if (regionCode !== undefined && !regionCode.startsWith(principal.jurisdiction) && !principal.jurisdiction.startsWith(regionCode)) {
    throw dataSharingError('DS_INVALID_QUERY', `区划不在辖区内 (${regionCode} is outside jurisdiction ${principal.jurisdiction})`, { field: 'regionCode', rule: 'must overlap the caller\'s jurisdiction', jurisdiction: principal.jurisdiction });
  }
  return regionCode !== undefined && regionCode.length > principal.jurisdiction.length ? regionCode : principal.jurisdiction;
}

/** Every match, sorted (the CSV export streams them all; the API pages them). */
export async function matchingPersons(deps: DataSharingDeps, principal: Principal, query: PersonQuery): Promise<PersonListItem[]> {
  const today = deps.now().toISOString().slice(0, 10);
  const population = populationAt(await loadSnapshot(deps, principal, scopeOf(principal, query.regionCode)), today, today);
  const text = query.q?.trim() ?? '';
  const matches = population.persons.filter(
    (row) =>
      (query.program === undefined || row.programs.includes(query.program)) &&
      (query.category === undefined || row.categories.includes(query.category)) &&
      (query.deceased === undefined || row.deceased === query.deceased) &&
      (query.ageBand === undefined || row.ageBand === query.ageBand) &&
      (text === '' || (row.maskedName?.includes(text) ?? false) || (row.maskedIdNumber?.includes(text) ?? false) || row.personKey.startsWith(text)),
  );
  const sort = query.sort ?? 'regionCode';
  const direction = query.order === 'desc' ? -1 : 1;
  const keyOf = (item: PersonListItem): string | number => (sort === 'age' ? (item.age ?? -1) : sort === 'lastOccurredAt' ? (item.lastOccurredAt ?? '') : (item.regionCode ?? ''));
  return matches.sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return (x < y ? -1 : x > y ? 1 : a.personKey < b.personKey ? -1 : 1) * direction;
  });
}

export async function searchPersons(deps: DataSharingDeps, principal: Principal, query: PersonQuery, page: Page): Promise<{ items: PersonListItem[]; total: number; page: number; pageSize: number }> {
  const matches = await matchingPersons(deps, principal, query);
  const start = (page.page - 1) * page.pageSize;
  return { items: matches.slice(start, start + page.pageSize), total: matches.length, page: page.page, pageSize: page.pageSize };
}
