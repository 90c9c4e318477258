/**
 * Merging contributions into a subject document: pure, idempotent and order-independent. An
 * event id already applied changes nothing; new facts join the sets, which are kept in a canonical
 * order; the summary is recomputed from the facts. Personal values are encrypted here (bound to
 * the subject and the field) and get their keyed digest for comparisons.
 */
import type { AttributeFact, Contribution, StoredSubject, SubjectKind } from './model.js';
import type { Precedence } from './precedence.js';
import { byBusinessTime, summaryOf } from './view.js';

export interface FoldCrypto {
  /** Encrypts a personal value, bound to `aad`. */
  readonly encrypt: (plaintext: string, aad: string) => string;
  /** The keyed digest of a personal value within a field. */
  readonly valueKey: (field: string, plaintext: string) => string;
  /** The masked form of a personal value of `field` (`idNumber`, `name`, ...). */
  readonly mask: (field: string, plaintext: string) => string;
}

/** The associated data binding a stored personal value to its subject and field. */
export const aadOf = (kind: SubjectKind, key: string, field: string): string => `${kind}:${key}|${field}`;

export function emptySubject(kind: SubjectKind, key: string): StoredSubject {
  return {
    _id: key,
    kind,
    idNumber: null,
    maskedIdNumber: null,
    birthDate: null,
    sex: null,
    applied: [],
    facts: [],
    timeline: [],
    enrolments: [],
    compositions: [],
    households: [],
    current: { regionCode: null, birthDate: null, sex: null, deceased: false, deceasedOn: null, programs: [], categories: [], maskedName: null, maskedIdNumber: null, conflicts: [], lastOccurredAt: null },
    version: 0,
  };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byFact = (a: AttributeFact, b: AttributeFact): number => byString(a.field, b.field) || byBusinessTime(a, b);

/**
 * `subject` with `contributions` (all for it) merged. Returns the same object when every
 * contribution was applied before (nothing to write).
 */
export function foldSubject(subject: StoredSubject, contributions: readonly Contribution[], precedence: Precedence, crypto: FoldCrypto): StoredSubject {
  const applied = new Set(subject.applied);
  const fresh = contributions.filter((contribution) => !applied.has(contribution.eventId) && (applied.add(contribution.eventId), true));
  if (fresh.length === 0) return subject;
  const next: StoredSubject = { ...subject, applied: [...applied].sort(byString), facts: [...subject.facts], timeline: [...subject.timeline], enrolments: [...subject.enrolments], compositions: [...subject.compositions] };
  const households = new Set(subject.households);
  for (const contribution of fresh) {
    if (contribution.person !== undefined && next.idNumber === null) {
      next.idNumber = crypto.encrypt(contribution.person.idNumber, aadOf(subject.kind, subject._id, 'idNumber'));
      next.maskedIdNumber = crypto.mask('idNumber', contribution.person.idNumber);
      next.birthDate = contribution.person.birthDate;
      next.sex = contribution.person.sex;
    }
    for (const fact of contribution.facts) {
      if (!fact.pii || typeof fact.value !== 'string') {
        next.facts.push(fact);
        continue;
      }
      next.facts.push({ ...fact, value: crypto.encrypt(fact.value, aadOf(subject.kind, subject._id, `${fact.field}|${fact.eventId}`)), valueKey: crypto.valueKey(fact.field, fact.value), masked: crypto.mask(fact.field, fact.value) });
    }
    if (contribution.timeline !== null) next.timeline.push(contribution.timeline);
    next.enrolments.push(...contribution.enrolments);
    if (contribution.composition !== null) next.compositions.push(contribution.composition);
    for (const household of contribution.households) households.add(household);
  }
  next.facts.sort(byFact);
  next.timeline.sort(byBusinessTime);
  next.enrolments.sort((a, b) => byString(a.key, b.key) || byBusinessTime(a, b));
  next.compositions.sort(byBusinessTime);
  next.households = [...households].sort(byString);
  next.current = summaryOf(next, precedence);
  return next;
}
