/**
 * What a subject's facts say, computed, never stored as input: current attributes with their
 * source and conflicts (by precedence), enrolment states, household membership, and the same as of
 * a past date (facts whose business time is after the date are left out).
 */
import type { AttributeFact, CompositionRecord, EnrolmentFact, FactValue, Provenance, StoredSubject, SubjectSummary } from './model.js';
import { rankOf, type Precedence } from './precedence.js';

export interface Sourced {
  readonly value: FactValue;
  readonly source: Provenance;
}

export interface AttributeView extends Sourced {
  /** Other departments' current values that differ from the winner (kept, not hidden). */
  readonly conflicts: readonly Sourced[];
}

export interface EnrolmentView {
  readonly key: string;
  readonly program: string;
  readonly department: string;
  readonly status: 'ACTIVE' | 'ENDED';
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly monthlyAmountFen: number | null;
  readonly coveredMembers: readonly string[];
  readonly standardVersionId: string | null;
  readonly endReason: string | null;
  /** Event ids of the steps, in business order. */
  readonly sources: readonly string[];
}

export interface MembershipView {
  /** The members per the latest composition record on or before the date. */
  readonly members: CompositionRecord['members'];
  readonly asOfRecord: Provenance | null;
  /** Each person's time in the household: from the first record that lists them to the first that does not. */
  readonly history: readonly { readonly personKey: string; readonly from: string; readonly to: string | null }[];
}

/** Business order: occurred-at, then event id (total and arrival-independent). */
export function byBusinessTime(a: Provenance, b: Provenance): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** The end of `date` (YYYY-MM-DD) in China time, as an ISO instant: facts up to it count "as of" the date. */
export function endOfDay(date: string): string {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
}

const provenanceOf = (fact: Provenance): Provenance => ({ department: fact.department, eventId: fact.eventId, eventType: fact.eventType, occurredAt: fact.occurredAt, recordedAt: fact.recordedAt });

/** Equal values: personal ones by their keyed digest (their tokens differ even for one value). */
const sameValue = (a: AttributeFact, b: AttributeFact): boolean => (a.pii || b.pii ? a.valueKey === b.valueKey : JSON.stringify(a.value) === JSON.stringify(b.value));

/**
 * The winning value of every field, with its source and the conflicting values. `reveal` turns a
 * stored personal value into what the caller may see (decrypted, masked, or withheld).
 */
export function attributesOf(facts: readonly AttributeFact[], precedence: Precedence, options: { asOf?: string; reveal?: (fact: AttributeFact) => FactValue } = {}): Record<string, AttributeView> {
  const until = options.asOf === undefined ? undefined : endOfDay(options.asOf);
  const latestByField = new Map<string, Map<string, AttributeFact>>();
  for (const fact of facts) {
    if (until !== undefined && fact.occurredAt > until) continue;
    const byDepartment = latestByField.get(fact.field) ?? new Map<string, AttributeFact>();
    const held = byDepartment.get(fact.department);
    if (held === undefined || byBusinessTime(held, fact) < 0) byDepartment.set(fact.department, fact);
    latestByField.set(fact.field, byDepartment);
  }
  const reveal = options.reveal ?? ((fact: AttributeFact) => fact.value);
  const out: Record<string, AttributeView> = {};
  for (const [field, byDepartment] of [...latestByField].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const candidates = [...byDepartment.values()].sort((a, b) => rankOf(precedence, field, a.department) - rankOf(precedence, field, b.department) || byBusinessTime(b, a));
    const [winner, ...others] = candidates;
    if (winner === undefined) continue;
    out[field] = {
      value: reveal(winner),
      source: provenanceOf(winner),
      conflicts: others.filter((other) => !sameValue(other, winner)).map((other) => ({ value: reveal(other), source: provenanceOf(other) })),
    };
  }
  return out;
}

/** Each enrolment folded from its steps in business order; as of a date, steps after it are left out and an end not yet effective does not end it. */
export function enrolmentsOf(steps: readonly EnrolmentFact[], asOf?: string): EnrolmentView[] {
  const until = asOf === undefined ? undefined : endOfDay(asOf);
  const byKey = new Map<string, EnrolmentFact[]>();
  for (const step of steps) {
    if (until !== undefined && step.occurredAt > until) continue;
    byKey.set(step.key, [...(byKey.get(step.key) ?? []), step]);
  }
  const views: EnrolmentView[] = [];
  for (const [key, list] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ordered = [...list].sort(byBusinessTime);
    let view: EnrolmentView = { key, program: ordered[0]?.program ?? 'OTHER', department: ordered[0]?.department ?? 'OTHER', status: 'ACTIVE', startDate: null, endDate: null, monthlyAmountFen: null, coveredMembers: [], standardVersionId: null, endReason: null, sources: [] };
    for (const step of ordered) {
      const ends = step.step === 'END' && (asOf === undefined || step.effectiveDate <= asOf);
      view = {
        ...view,
        program: step.program,
        status: ends ? 'ENDED' : step.step === 'START' ? 'ACTIVE' : view.status,
        startDate: step.step === 'START' ? step.effectiveDate : view.startDate,
        endDate: step.step === 'END' ? step.effectiveDate : view.endDate,
        monthlyAmountFen: step.monthlyAmountFen ?? view.monthlyAmountFen,
        coveredMembers: step.coveredMembers ?? view.coveredMembers,
        standardVersionId: step.standardVersionId ?? view.standardVersionId,
        endReason: step.step === 'END' ? step.detail : view.endReason,
        sources: [...view.sources, step.eventId],
      };
    }
    views.push(view);
  }
  return views;
}

/** Household membership as of a date (the latest composition record on or before it), with each member's time in the household. */
export function membershipOf(records: readonly CompositionRecord[], asOf?: string): MembershipView {
  const until = asOf === undefined ? undefined : endOfDay(asOf);
  const ordered = records.filter((record) => until === undefined || record.occurredAt <= until).sort(byBusinessTime);
  const open = new Map<string, string>();
  const history: { personKey: string; from: string; to: string | null }[] = [];
  for (const record of ordered) {
    const present = new Set(record.members.map((member) => member.personKey));
    for (const [personKey, from] of open) {
      if (!present.has(personKey)) {
        history.push({ personKey, from, to: record.occurredAt });
        open.delete(personKey);
      }
    }
    for (const personKey of present) if (!open.has(personKey)) open.set(personKey, record.occurredAt);
  }
  for (const [personKey, from] of open) history.push({ personKey, from, to: null });
  const last = ordered.at(-1);
  return {
    members: last?.members ?? [],
    asOfRecord: last === undefined ? null : provenanceOf(last),
    history: history.sort((a, b) => (a.personKey < b.personKey ? -1 : a.personKey > b.personKey ? 1 : a.from < b.from ? -1 : 1)),
  };
}

function deceasedOnOf(view: AttributeView | undefined): string | null {
  if (view === undefined) return null;
  const value = view.value;
  const date = value !== null && typeof value === 'object' ? value.dateOfDeath : null;
  return typeof date === 'string' ? date : view.source.occurredAt.slice(0, 10);
}

/** Fields whose winning value is also a search category, as `field:value`. */
const CATEGORY_FIELDS = ['livingArrangement', 'economicStatus', 'childCategory', 'careDependencyLevel', 'employment', 'houseSafety'];

/** The summary search and statistics read (time-independent, so a rebuild gives the same). */
export function summaryOf(subject: Pick<StoredSubject, 'facts' | 'enrolments' | 'birthDate' | 'sex' | 'maskedIdNumber'>, precedence: Precedence): SubjectSummary {
  const name = attributesOf(subject.facts, precedence, { reveal: (fact) => fact.masked ?? fact.value }).name?.value;
  const attributes = attributesOf(subject.facts, precedence);
  const region = attributes.residenceRegion?.value;
  const regionCode = region !== null && typeof region === 'object' ? (region.villageCode ?? region.townCode ?? region.countyCode ?? null) : null;
  const categories = new Set<string>();
  for (const field of CATEGORY_FIELDS) {
    const value = attributes[field]?.value;
    if (typeof value === 'string') categories.add(`${field}:${value}`);
    else if (value !== null && typeof value === 'object' && typeof value.status === 'string') categories.add(`${field}:${value.status}`);
  }
  const disability = attributes.disability?.value;
  if (disability !== null && typeof disability === 'object' && typeof disability.grade === 'string') categories.add(`disability:${disability.grade}`);
  const lastOccurredAt = subject.facts.reduce<string | null>((latest, fact) => (latest === null || fact.occurredAt > latest ? fact.occurredAt : latest), null);
  return {
    regionCode: typeof regionCode === 'string' ? regionCode : null,
    birthDate: subject.birthDate,
    sex: subject.sex,
    deceased: attributes.deceased !== undefined,
    deceasedOn: deceasedOnOf(attributes.deceased),
    programs: [...new Set(enrolmentsOf(subject.enrolments).filter((view) => view.status === 'ACTIVE').map((view) => view.program))].sort(),
    categories: [...categories].sort(),
    maskedName: typeof name === 'string' ? name : null,
    maskedIdNumber: subject.maskedIdNumber,
    conflicts: Object.entries(attributes)
      .filter(([, view]) => view.conflicts.length > 0)
      .map(([field]) => field),
    lastOccurredAt,
  };
}
