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
import { ageOn } from '@minzheng/identity/resident-id';
import type { Principal } from '@minzheng/service-kit/auth';
import type { Page } from '@minzheng/service-kit/repository';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import type { SubjectSummary } from '../projection/model.js';
import { enrolmentsOf, membershipOf } from '../projection/view.js';

export const AGE_BANDS = ['0-17', '18-59', '60-79', '80+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
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

export interface PersonListItem {
  readonly personKey: string;
  readonly maskedName: string | null;
  readonly maskedIdNumber: string | null;
  readonly sex: 'M' | 'F' | null;
  readonly age: number | null;
  readonly ageBand: AgeBand | null;
  readonly regionCode: string | null;
  readonly deceased: boolean;
  readonly programs: readonly string[];
  readonly categories: readonly string[];
  readonly conflicts: readonly string[];
  readonly households: readonly string[];
  readonly lastOccurredAt: string | null;
}

export function ageBandOf(age: number): AgeBand {
  return age < 18 ? '0-17' : age < 60 ? '18-59' : age < 80 ? '60-79' : '80+';
}

/** Programs each person gets through a household: its active enrolments covering them (or, naming nobody, its current members). */
async function householdPrograms(deps: DataSharingDeps): Promise<Map<string, Set<string>>> {
  const byPerson = new Map<string, Set<string>>();
  for await (const household of deps.households.find({}, { projection: { enrolments: 1, compositions: 1 } })) {
    const active = enrolmentsOf(household.enrolments).filter((enrolment) => enrolment.status === 'ACTIVE');
    if (active.length === 0) continue;
    const members = membershipOf(household.compositions).members.map((member) => member.personKey);
    for (const enrolment of active) {
      for (const personKey of enrolment.coveredMembers.length > 0 ? enrolment.coveredMembers : members) {
        const set = byPerson.get(personKey) ?? new Set<string>();
        set.add(enrolment.program);
        byPerson.set(personKey, set);
      }
    }
  }
  return byPerson;
}

export async function searchPersons(deps: DataSharingDeps, principal: Principal, query: PersonQuery, page: Page): Promise<{ items: PersonListItem[]; total: number; page: number; pageSize: number }> {
  if (query.regionCode !== undefined && !query.regionCode.startsWith(principal.jurisdiction) && !principal.jurisdiction.startsWith(query.regionCode)) {
    throw dataSharingError('DS_INVALID_QUERY', `区划不在辖区内 (${query.regionCode} is outside jurisdiction ${principal.jurisdiction})`, { field: 'regionCode', rule: 'must overlap the caller\'s jurisdiction', jurisdiction: principal.jurisdiction });
  }
  const scope = query.regionCode !== undefined && query.regionCode.length > principal.jurisdiction.length ? query.regionCode : principal.jurisdiction;
  const today = deps.now().toISOString().slice(0, 10);
  const viaHouseholds = await householdPrograms(deps);
  const text = query.q?.trim() ?? '';
  const matches: PersonListItem[] = [];
  for await (const person of deps.persons.find({}, { projection: { current: 1, households: 1 } })) {
    const current: SubjectSummary = person.current;
    if (!current.regionCode?.startsWith(scope)) continue;
    const programs = [...new Set([...current.programs, ...(viaHouseholds.get(person._id) ?? [])])].sort();
    if (query.program !== undefined && !programs.includes(query.program)) continue;
    if (query.category !== undefined && !current.categories.includes(query.category)) continue;
    if (query.deceased !== undefined && current.deceased !== query.deceased) continue;
    const age = current.birthDate === null ? null : ageOn(current.birthDate, today);
    const ageBand = age === null ? null : ageBandOf(age);
    if (query.ageBand !== undefined && ageBand !== query.ageBand) continue;
    if (text !== '' && !(current.maskedName?.includes(text) ?? false) && !(current.maskedIdNumber?.includes(text) ?? false) && !person._id.startsWith(text)) continue;
    matches.push({
      personKey: person._id,
      maskedName: current.maskedName,
      maskedIdNumber: current.maskedIdNumber,
      sex: current.sex,
      age,
      ageBand,
      regionCode: current.regionCode,
      deceased: current.deceased,
      programs,
      categories: current.categories,
      conflicts: current.conflicts,
      households: person.households,
      lastOccurredAt: current.lastOccurredAt,
    });
  }
  const sort = query.sort ?? 'regionCode';
  const direction = query.order === 'desc' ? -1 : 1;
  const keyOf = (item: PersonListItem): string | number => (sort === 'age' ? (item.age ?? -1) : sort === 'lastOccurredAt' ? (item.lastOccurredAt ?? '') : (item.regionCode ?? ''));
  matches.sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return (x < y ? -1 : x > y ? 1 : a.personKey < b.personKey ? -1 : 1) * direction;
  });
  const start = (page.page - 1) * page.pageSize;
  return { items: matches.slice(start, start + page.pageSize), total: matches.length, page: page.page, pageSize: page.pageSize };
}
