/**
 * What the 政策找人 rules read of one subject, derived from its contributions when its summary is
 * refreshed and stored on the summary (`persons` / `households`, field `ruleInputs`). Compact and
 * time-independent: a rebuild gives the same, and a re-screen of every household reads summaries
 * only (one pass over two collections), never the contributions. Time-dependent facts (an age, the
 * hours since an alarm) are computed from these at evaluation (`facts.ts`).
 *
 * Every value carries its source (department, event id, business time): a flag cites them.
 * Personal values never enter: the personal attributes (names, phones) are left out.
 */
import type { FactValue, Provenance, Scalar, StoredSubject } from '../projection/model.js';
import { PII_FIELDS } from '../projection/contributions.js';
import { attributesOf, enrolmentsOf, membershipOf } from '../projection/view.js';
import type { Precedence } from '../projection/precedence.js';

/** Where a rule input came from. */
export interface Cite {
  readonly eventId: string;
  readonly department: string;
  readonly occurredAt: string;
}

export interface Cited<T> {
  readonly value: T;
  readonly source: Cite;
}

export interface EnrolmentInput {
  readonly program: string;
  readonly status: 'ACTIVE' | 'ENDED';
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly endReason: string | null;
  /** Pseudonyms of the persons covered; empty when the steps name nobody (the whole household). */
  readonly coveredMembers: readonly string[];
  readonly monthlyAmountFen: number | null;
  /** The latest step. */
  readonly source: Cite;
}

export interface SettlementInput {
  readonly outOfPocketFen: number;
  readonly diagnosisCategory: string | null;
  readonly visitKind: string | null;
}

export interface RuleInputs {
  /** The event that first named the person (their ID number: birth date and sex). */
  readonly identity: Cite | null;
  /** The winning value of every non-personal attribute, by source precedence. */
  readonly attributes: Readonly<Record<string, Cited<FactValue>>>;
  /**
   * The latest timeline entry of each event type the rules watch (its non-personal scalar fields),
   * keyed by `latestKey(eventType)` (both stores refuse a `.` in a key); read it with `latestEntry`.
   */
  readonly latest: Readonly<Record<string, Cited<Readonly<Record<string, Scalar>>>>>;
  /** Medical settlements, the latest `SETTLEMENTS_KEPT`, in business order. */
  readonly settlements: readonly Cited<SettlementInput>[];
  /** Months (`YYYY-MM`, China time) with a recorded visit, the latest `VISIT_MONTHS_KEPT`. */
  readonly visitMonths: readonly string[];
  readonly enrolments: readonly EnrolmentInput[];
  /** Households: the members of the latest composition record. */
  readonly members: readonly { readonly personKey: string; readonly relationToHead: string; readonly livingTogether: boolean }[];
  readonly membersSource: Cite | null;
}

export const SETTLEMENTS_KEPT = 50;
export const VISIT_MONTHS_KEPT = 24;

/** Event types whose latest entry the rules read. */
export const WATCHED_EVENT_TYPES = [
  'assistance.economic-check-completed',
  'assistance.payment-issued',
  'child-protection.mandatory-report-received',
  'child-protection.child-director-visit-recorded',
  'education.student-enrolled',
  'elderly-care.device-went-offline',
  'elderly-care.emergency-call-triggered',
  'elderly-care.elder-registered',
  'elderly-care.visit-recorded',
  'elderly-care.vital-sign-alarm-raised',
  'hotline-12345.incident-reported',
  'human-resources.unemployment-registered',
  'medical-insurance.medical-settlement-completed',
  'public-security.death-registered',
  'water.meter-anomaly-detected',
] as const;

const VISIT_EVENT_TYPES = new Set(['elderly-care.visit-recorded', 'child-protection.child-director-visit-recorded']);
const WATCHED = new Set<string>(WATCHED_EVENT_TYPES);

/** The key of an event type in `latest`: `elderly-care/visit-recorded`. */
export const latestKey = (eventType: string): string => eventType.replace('.', '/');

export function latestEntry(inputs: Pick<RuleInputs, 'latest'>, eventType: string): Cited<Readonly<Record<string, Scalar>>> | undefined {
  return inputs.latest[latestKey(eventType)];
}

export const citeOf = (provenance: Provenance): Cite => ({ eventId: provenance.eventId, department: provenance.department, occurredAt: provenance.occurredAt });

/** The calendar month of an instant in China time (UTC+8), `YYYY-MM`. */
export const chinaMonth = (iso: string): string => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);

export function ruleInputsOf(subject: Pick<StoredSubject, 'facts' | 'timeline' | 'enrolments' | 'compositions'>, precedence: Precedence, identity: Provenance | null): RuleInputs {
  const attributes: Record<string, Cited<FactValue>> = {};
  for (const [field, view] of Object.entries(attributesOf(subject.facts, precedence))) {
    if (PII_FIELDS.has(field)) continue;
    attributes[field] = { value: view.value, source: citeOf(view.source) };
  }
  const latest: Record<string, Cited<Record<string, Scalar>>> = {};
  const settlements: Cited<SettlementInput>[] = [];
  const visitMonths = new Set<string>();
  // The timeline is in business order: the last entry of a type is its latest.
  for (const entry of subject.timeline) {
    if (WATCHED.has(entry.eventType)) latest[latestKey(entry.eventType)] = { value: entry.summary, source: citeOf(entry) };
    if (entry.eventType === 'medical-insurance.medical-settlement-completed') {
      const summary = entry.summary;
      settlements.push({
        value: { outOfPocketFen: typeof summary.outOfPocketFen === 'number' ? summary.outOfPocketFen : 0, diagnosisCategory: typeof summary.diagnosisCategory === 'string' ? summary.diagnosisCategory : null, visitKind: typeof summary.visitKind === 'string' ? summary.visitKind : null },
        source: citeOf(entry),
      });
    }
    if (VISIT_EVENT_TYPES.has(entry.eventType)) visitMonths.add(chinaMonth(entry.occurredAt));
  }
  const steps = new Map(subject.enrolments.map((step) => [step.eventId, step]));
  const enrolments = enrolmentsOf(subject.enrolments).map((view): EnrolmentInput => {
    const last = steps.get(view.sources.at(-1) ?? '');
    return {
      program: view.program,
      status: view.status,
      startDate: view.startDate,
      endDate: view.endDate,
      endReason: view.endReason,
      coveredMembers: view.coveredMembers,
      monthlyAmountFen: view.monthlyAmountFen,
      source: last === undefined ? { eventId: view.sources.at(-1) ?? '', department: view.department, occurredAt: '' } : citeOf(last),
    };
  });
  const membership = membershipOf(subject.compositions);
  return {
    identity: identity === null ? null : citeOf(identity),
    attributes,
    latest,
    settlements: settlements.slice(-SETTLEMENTS_KEPT),
    visitMonths: [...visitMonths].sort().slice(-VISIT_MONTHS_KEPT),
    enrolments,
    members: membership.members,
    membersSource: membership.asOfRecord === null ? null : citeOf(membership.asOfRecord),
  };
}
