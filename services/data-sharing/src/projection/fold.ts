/**
 * From contributions to subjects, in two pure steps:
 *
 * - `storedContribution`: what one event contributes to one subject, as stored (one document of
 *   `contributions`, written once, never changed): personal values encrypted (bound to the subject,
 *   field and event), with their keyed digest and masked form;
 * - `aggregate`: a subject from the set of its stored contributions. Deduplicated by event id and
 *   sorted canonically, so a repeated event changes nothing and any arrival order gives the same
 *   subject; the summary is computed from the facts.
 */
import type { AttributeFact, Contribution, StoredContribution, StoredSubject, SubjectKind } from './model.js';
import type { Precedence } from './precedence.js';
import { ruleInputsOf, type RuleInputs } from '../rules/inputs.js';
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

/**
 * A key as it goes into an `_id` of `contributions`: every character outside printable ASCII above
 * `"` (and `\ < > & % |`) percent-encoded, so every `_id` of the collection keeps the promise the
 * range reads make to the store (`SAFE_ID_RANGE`). Pseudonyms (hex) and platform household ids pass
 * unchanged.
 */
export const safeKey = (key: string): string => key.replace(/[^#-~]|[\\<>&%|]/gu, (character) => [...new TextEncoder().encode(character)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

/** The subject's prefix of `_id` in `contributions`: all of one subject's documents lie in [prefix, prefix + '~'). */
export const subjectPrefix = (kind: SubjectKind, key: string): string => `${kind === 'person' ? 'p' : 'h'}:${safeKey(key)}|`;

/** The kit's comment for range reads over range-safe `_id`s (FerretDB patch 0003). */
export { SAFE_ID_RANGE } from '@minzheng/service-kit/repository';

/** The `_id` of a contribution: the subject, then business time and event id (so a range read comes in time order). */
export const contributionId = (kind: SubjectKind, key: string, occurredAt: string, eventId: string): string => `${subjectPrefix(kind, key)}${occurredAt}|${eventId}`;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byFact = (a: AttributeFact, b: AttributeFact): number => byString(a.field, b.field) || byBusinessTime(a, b);

export function storedContribution(contribution: Contribution, crypto: FoldCrypto): StoredContribution {
  const { kind, key, eventId, occurredAt } = contribution;
  const person = contribution.person;
  return {
    _id: contributionId(kind, key, occurredAt, eventId),
    kind,
    key,
    eventId,
    occurredAt,
    person:
      person === undefined
        ? null
        : { idNumber: crypto.encrypt(person.idNumber, aadOf(kind, key, 'idNumber')), maskedIdNumber: crypto.mask('idNumber', person.idNumber), birthDate: person.birthDate, sex: person.sex },
    facts: contribution.facts.map((fact) =>
      !fact.pii || typeof fact.value !== 'string'
        ? fact
        : { ...fact, value: crypto.encrypt(fact.value, aadOf(kind, key, `${fact.field}|${fact.eventId}`)), valueKey: crypto.valueKey(fact.field, fact.value), masked: crypto.mask(fact.field, fact.value) },
    ),
    timeline: contribution.timeline,
    enrolments: [...contribution.enrolments],
    composition: contribution.composition,
    households: [...contribution.households],
  };
}

/** The subject the stored contributions make (all of one subject; any order, repeats allowed). */
export function aggregate(kind: SubjectKind, key: string, stored: readonly StoredContribution[], precedence: Precedence): StoredSubject {
  const byEvent = new Map<string, StoredContribution>();
  for (const item of stored) if (!byEvent.has(item.eventId)) byEvent.set(item.eventId, item);
  const items = [...byEvent.values()].sort((a, b) => byString(a._id, b._id));
  // The first event (in business order) that named the person gives the encrypted ID number.
  const person = items.find((item) => item.person !== null)?.person ?? null;
  const subject: StoredSubject = {
    _id: key,
    kind,
    idNumber: person?.idNumber ?? null,
    maskedIdNumber: person?.maskedIdNumber ?? null,
    birthDate: person?.birthDate ?? null,
    sex: person?.sex ?? null,
    applied: items.map((item) => item.eventId).sort(byString),
    facts: items.flatMap((item) => item.facts).sort(byFact),
    timeline: items.flatMap((item) => (item.timeline === null ? [] : [item.timeline])).sort(byBusinessTime),
    enrolments: items.flatMap((item) => item.enrolments).sort((a, b) => byString(a.key, b.key) || byBusinessTime(a, b)),
    compositions: items.flatMap((item) => (item.composition === null ? [] : [item.composition])).sort(byBusinessTime),
    households: [...new Set(items.flatMap((item) => item.households))].sort(byString),
    current: { regionCode: null, birthDate: null, sex: null, deceased: false, deceasedOn: null, programs: [], categories: [], maskedName: null, maskedIdNumber: null, conflicts: [], lastOccurredAt: null },
  };
  subject.current = summaryOf(subject, precedence);
  return subject;
}

/**
 * What search and statistics read of a subject (`persons`, `households`): everything but the facts
 * and the timeline, with the number of contributions it was computed from (a newer summary has
 * more; an older one never replaces it).
 */
export type SubjectSummaryDocument = Omit<StoredSubject, 'facts' | 'timeline' | 'applied'> & { contributions: number; ruleInputs: RuleInputs };

export function summaryDocument(subject: StoredSubject, precedence: Precedence): SubjectSummaryDocument {
  const { facts, timeline, applied, ...rest } = subject;
  // The event that first named the subject (business order): the source of what the ID number says.
  const identity = [...facts, ...timeline].sort(byBusinessTime)[0] ?? null;
  return { ...rest, contributions: applied.length, ruleInputs: ruleInputsOf(subject, precedence, subject.kind === 'person' ? identity : null) };
}
