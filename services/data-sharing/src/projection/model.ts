/**
 * The 救助帮扶专题库 (thematic database). Its source of truth is `contributions`: one document per
 * (subject, event), holding the FACTS the event states about that person or household, each with
 * its provenance; written once, never changed (an event applied twice meets its own `_id`). A
 * subject is the SET of its contributions (`fold.ts`, `aggregate`), and everything shown — current
 * attributes, enrolments, membership — is computed from them (`view.ts`). So duplicates, replays,
 * partition interleaving and parallel consumers all converge, and a rebuild from Kafka gives an
 * identical checksum.
 *
 * `persons` and `households` hold each subject's summary (what search and statistics read),
 * recomputed from the contributions after they change (`refresher.ts`).
 *
 * Personal values (the ID number, names, contact phones) are stored encrypted (field tokens of
 * `@minzheng/identity/field-crypto`, bound to the subject, field and event).
 */

/** Where a value came from: the department, the event, and the two times (ISO-8601). */
export interface Provenance {
  readonly department: string;
  readonly eventId: string;
  readonly eventType: string;
  /** Business time: when the fact happened. */
  readonly occurredAt: string;
  /** When the source recorded it. */
  readonly recordedAt: string;
}

export type Scalar = string | number | boolean | null;
export type FactValue = Scalar | Readonly<Record<string, Scalar>>;

/** One attribute value one event states about a subject, e.g. `maritalStatus = MARRIED`. */
export interface AttributeFact extends Provenance {
  readonly field: string;
  /** For a personal field, the encrypted token. */
  readonly value: FactValue;
  /** True when `value` is an encrypted token (a personal field). */
  readonly pii: boolean;
  /**
   * For a personal field, a keyed digest of the plain value (`Pseudonymizer.valueKey`): two
   * departments' values compare equal without decrypting, and nobody without the key learns the
   * value from it. Null otherwise.
   */
  readonly valueKey: string | null;
  /** For a personal field, the masked value (what an analyst sees). Null otherwise. */
  readonly masked: string | null;
}

/** A life event on a subject's timeline: the event's non-personal scalar fields. */
export interface TimelineEntry extends Provenance {
  readonly summary: Readonly<Record<string, Scalar>>;
}

export const ENROLMENT_STEPS = ['START', 'CHANGE', 'END'] as const;

/** A step of a benefit enrolment (任一部门的救助帮扶项目), folded in business order by `view.ts`. */
export interface EnrolmentFact extends Provenance {
  /** `<department>:<source id>`, e.g. `CIVIL_AFFAIRS_ASSISTANCE:ENR-1`. */
  readonly key: string;
  readonly program: string;
  readonly step: (typeof ENROLMENT_STEPS)[number];
  /** The date the step takes effect (YYYY-MM-DD). */
  readonly effectiveDate: string;
  readonly monthlyAmountFen: number | null;
  /** Pseudonyms of the persons covered, when the step names them. */
  readonly coveredMembers: readonly string[] | null;
  readonly standardVersionId: string | null;
  /** END: why; START of a one-off or a decision: what. */
  readonly detail: string | null;
}

/** A household's members as one composition record states them (成员构成), from its date on. */
export interface CompositionRecord extends Provenance {
  readonly members: readonly {
    readonly personKey: string;
    readonly relationToHead: string;
    readonly livingTogether: boolean;
  }[];
}

export const SUBJECT_KINDS = ['person', 'household'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** What one event contributes to one subject (`contributions.ts`), before it is merged. */
export interface Contribution {
  readonly kind: SubjectKind;
  readonly key: string;
  readonly eventId: string;
  /** The event's business time (ISO-8601). */
  readonly occurredAt: string;
  /** A person's ID number in clear (encrypted when stored), with what it says. */
  readonly person?: { readonly idNumber: string; readonly birthDate: string; readonly sex: 'M' | 'F' };
  readonly facts: readonly AttributeFact[];
  readonly timeline: TimelineEntry | null;
  readonly enrolments: readonly EnrolmentFact[];
  readonly composition: CompositionRecord | null;
  /** Households a person is linked to (a person's document lists them; membership is the household's). */
  readonly households: readonly string[];
}

/** One event's contribution to one subject, as stored in `contributions`. */
export interface StoredContribution {
  /** `<p|h>:<key>|<occurredAt>|<eventId>`: a subject's documents are one `_id` range, in time order. */
  readonly _id: string;
  readonly kind: SubjectKind;
  readonly key: string;
  readonly eventId: string;
  readonly occurredAt: string;
  /** The person's ID number (encrypted), its masked form, and what it says. */
  readonly person: { readonly idNumber: string; readonly maskedIdNumber: string; readonly birthDate: string; readonly sex: 'M' | 'F' } | null;
  readonly facts: readonly AttributeFact[];
  readonly timeline: TimelineEntry | null;
  readonly enrolments: readonly EnrolmentFact[];
  readonly composition: CompositionRecord | null;
  readonly households: readonly string[];
}

/** A person or household, aggregated from its contributions. Arrays are sets kept in a canonical order. */
export interface StoredSubject {
  /** The person's pseudonym, or the household id. */
  _id: string;
  kind: SubjectKind;
  /** Encrypted resident ID number (persons). */
  idNumber: string | null;
  /** The masked ID number (`442000********1234`), what analysts see and search. */
  maskedIdNumber: string | null;
  /** From the ID number (persons). */
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  /** Event ids applied, sorted: a repeated event changes nothing. */
  applied: string[];
  facts: AttributeFact[];
  timeline: TimelineEntry[];
  enrolments: EnrolmentFact[];
  compositions: CompositionRecord[];
  households: string[];
  /** Derived from the facts for search and statistics (`view.ts`); never an input. */
  current: SubjectSummary;
}

/** What search and statistics read without decrypting anything. */
export interface SubjectSummary {
  /** The deepest region code of the winning residence, or null. */
  regionCode: string | null;
  /** Persons: from the ID number. */
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  deceased: boolean;
  /** The date of death (or of its report), for counts as of a date. */
  deceasedOn: string | null;
  /** Programs with an enrolment active today-independent: started and not ended. */
  programs: string[];
  /** Categories stated by departments (e.g. elder living alone, orphan), for search. */
  categories: string[];
  /** The winning name, masked (`何**`): what analysts see and search. */
  maskedName: string | null;
  maskedIdNumber: string | null;
  /** Fields whose sources disagree. */
  conflicts: string[];
  /** Latest business time among the facts. */
  lastOccurredAt: string | null;
}
