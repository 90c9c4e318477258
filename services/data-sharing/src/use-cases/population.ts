/**
 * The population as search and statistics see it: one row per person with what they are counted
 * by — region, age, sex, categories, death, and the programs active for them at a date (their own
 * enrolments and those of households covering them, with the amounts). Read by one scan of each
 * collection (FerretDB v1 filters only `_id` in its store): the summaries and enrolments, never the
 * personal values; then computed for as many dates as a statistic needs.
 */
import { ageOn } from '@minzheng/identity/resident-id';
import type { Principal } from '@minzheng/service-kit/auth';
import type { DataSharingDeps } from '../deps.js';
import type { SubjectSummaryDocument } from '../projection/fold.js';
import { enrolmentsOf, membershipOf, type EnrolmentView } from '../projection/view.js';

export const AGE_BANDS = ['0-17', '18-59', '60-79', '80+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBandOf(age: number): AgeBand {
  return age < 18 ? '0-17' : age < 60 ? '18-59' : age < 80 ? '60-79' : '80+';
}

/** An enrolment active at the date, as counted: who holds it and its monthly amount. */
export interface ActiveEnrolment {
  readonly key: string;
  readonly program: string;
  /** The region of its holder (the household, or the person). */
  readonly regionCode: string | null;
  readonly monthlyAmountFen: number;
  /** Persons it covers. */
  readonly persons: readonly string[];
}

export interface PopulationRow {
  readonly personKey: string;
  readonly maskedName: string | null;
  readonly maskedIdNumber: string | null;
  readonly regionCode: string | null;
  readonly sex: 'M' | 'F' | null;
  readonly age: number | null;
  readonly ageBand: AgeBand | null;
  readonly deceased: boolean;
  readonly categories: readonly string[];
  readonly conflicts: readonly string[];
  readonly households: readonly string[];
  readonly lastOccurredAt: string | null;
  /** Programs active for the person at the date (own and through households). */
  readonly programs: readonly string[];
}

export interface Population {
  readonly date: string;
  readonly persons: readonly PopulationRow[];
  readonly enrolments: readonly ActiveEnrolment[];
}

const inScope = (regionCode: string | null, scope: string): boolean => regionCode?.startsWith(scope) ?? false;

/** The documents a population is computed from: summaries and enrolments, no personal values. */
export interface Snapshot {
  readonly households: readonly Pick<SubjectSummaryDocument, '_id' | 'enrolments' | 'compositions' | 'current'>[];
  readonly persons: readonly Pick<SubjectSummaryDocument, '_id' | 'enrolments' | 'households' | 'current'>[];
}

/** Reads everyone in `scope` (a region prefix) inside the caller's jurisdiction: one scan of each collection. */
export async function loadSnapshot(deps: DataSharingDeps, principal: Principal, scope: string): Promise<Snapshot> {
  const households: Snapshot['households'][number][] = [];
  for await (const household of deps.households.find({}, { projection: { enrolments: 1, compositions: 1, current: 1 } })) {
    if (inScope(household.current.regionCode, scope) && inScope(household.current.regionCode, principal.jurisdiction)) households.push(household);
  }
  const persons: Snapshot['persons'][number][] = [];
  for await (const person of deps.persons.find({}, { projection: { current: 1, households: 1, enrolments: 1 } })) {
    if (inScope(person.current.regionCode, scope) && inScope(person.current.regionCode, principal.jurisdiction)) persons.push(person);
  }
  return { households, persons };
}

/** The population at `date` (YYYY-MM-DD): enrolments active then, ages then. `today` decides whether history is needed. */
export function populationAt(snapshot: Snapshot, date: string, today: string): Population {
  const asOf = date >= today ? undefined : date;
  const enrolments: ActiveEnrolment[] = [];
  const programsOf = new Map<string, Set<string>>();
  const add = (personKey: string, program: string) => {
    const set = programsOf.get(personKey) ?? new Set<string>();
    set.add(program);
    programsOf.set(personKey, set);
  };
  const activeAt = (enrolment: EnrolmentView) => enrolment.status === 'ACTIVE' && (enrolment.startDate === null || enrolment.startDate <= date);
  for (const household of snapshot.households) {
    const active = enrolmentsOf(household.enrolments, asOf).filter(activeAt);
    if (active.length === 0) continue;
    const members = membershipOf(household.compositions, asOf).members.map((member) => member.personKey);
    for (const enrolment of active) {
      const persons = enrolment.coveredMembers.length > 0 ? enrolment.coveredMembers : members;
      enrolments.push({ key: enrolment.key, program: enrolment.program, regionCode: household.current.regionCode, monthlyAmountFen: enrolment.monthlyAmountFen ?? 0, persons });
      for (const personKey of persons) add(personKey, enrolment.program);
    }
  }
  const persons: PopulationRow[] = [];
  for (const person of snapshot.persons) {
    const current = person.current;
    for (const enrolment of enrolmentsOf(person.enrolments, asOf).filter(activeAt)) {
      enrolments.push({ key: enrolment.key, program: enrolment.program, regionCode: current.regionCode, monthlyAmountFen: enrolment.monthlyAmountFen ?? 0, persons: [person._id] });
      add(person._id, enrolment.program);
    }
    const age = current.birthDate === null || current.birthDate > date ? null : ageOn(current.birthDate, date);
    persons.push({
      personKey: person._id,
      maskedName: current.maskedName,
      maskedIdNumber: current.maskedIdNumber,
      regionCode: current.regionCode,
      sex: current.sex,
      age,
      ageBand: age === null ? null : ageBandOf(age),
      deceased: current.deceasedOn !== null && current.deceasedOn <= date,
      categories: current.categories,
      conflicts: current.conflicts,
      households: person.households,
      lastOccurredAt: current.lastOccurredAt,
      programs: [...(programsOf.get(person._id) ?? [])].sort(),
    });
  }
  return { date, persons, enrolments };
}
