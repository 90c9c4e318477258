/**
 * From one decoded event (personal fields in clear) to what it contributes to each subject it
 * names: the person in the envelope and every person reference in the body (covered members,
 * household members, guardians, parents, spouse), and the envelope's household.
 *
 * Every event about a subject puts an entry on its timeline. Some also state attributes (a death,
 * a marriage, a disability certificate, an elder's living arrangement...), enrolment steps (any
 * department's benefit: 低保 started, 高龄津贴 granted, orphan allowance determined...) or a household
 * composition. The mapping per event type is the table `BY_TYPE` below; an event type it does not
 * name still gives timeline entries and the envelope's name and residence.
 *
 * Events about no person and no household (a campaign opened, a standard changed, a disaster
 * declared, flags and alerts) contribute nothing here; the consumer handles the ones it needs.
 */
import { CATALOG } from '@minzheng/contracts';
import { parseResidentId } from '@minzheng/identity/resident-id';
import type { AttributeFact, CompositionRecord, Contribution, EnrolmentFact, FactValue, Provenance, Scalar, SubjectKind } from './model.js';

type Json = Record<string, unknown>;

interface PersonRef {
  readonly personKey: string;
  readonly idNumber: string;
  readonly name: string | null;
}

/** The decoded envelope (timestamps as Date, as the codec gives them). */
interface Envelope {
  readonly eventId: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly source: { readonly department: string; readonly recordId: string | null };
  readonly region: { readonly countyCode: string; readonly townCode: string | null; readonly villageCode: string | null };
  readonly person: PersonRef | null;
  readonly household: { readonly householdId: string } | null;
}

/**
 * Body fields never copied into a timeline summary: every field a contract marks as personal
 * (`"pii": true`, e.g. a certificate number, a diagnosis code, a phone), and free text, which may
 * hold personal details.
 */
const FREE_TEXT = new Set([
  'description',
  'note',
  'reason',
  'reviewNote',
  'decisionNote',
  'locationDescription',
  'address',
  'title',
  'explanation',
  ...CATALOG.events.flatMap((event) => {
    const schema = event.schema as { fields?: { name: string; pii?: boolean }[] };
    return (schema.fields ?? []).filter((field) => field.pii === true).map((field) => field.name);
  }),
]);

/** Attribute fields whose values are personal data: stored encrypted. */
export const PII_FIELDS = new Set(['name', 'emergencyContactPhone']);

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
const isPersonRef = (value: unknown): value is PersonRef => isObject(value) && typeof value.personKey === 'string' && typeof value.idNumber === 'string';
const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : typeof value === 'number' ? new Date(value).toISOString() : String(value));
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null);

/** The scalar fields of the body, except personal and free-text ones (the timeline's summary). */
function summaryOf(body: Json): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'envelope' || FREE_TEXT.has(name)) continue;
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) out[name] = value;
    else if (typeof value === 'number') out[name] = value;
    else if (typeof value === 'bigint') out[name] = Number(value);
    else if (value instanceof Date) out[name] = value.toISOString();
  }
  return out;
}

/** What one event states, gathered per subject before being turned into contributions. */
class Draft {
  private readonly subjects = new Map<string, { kind: SubjectKind; key: string; person?: PersonRef; facts: AttributeFact[]; enrolments: EnrolmentFact[]; composition: CompositionRecord | null; households: Set<string>; onTimeline: boolean }>();

  constructor(
    readonly provenance: Provenance,
    private readonly summary: Record<string, Scalar>,
  ) {}

  private subject(kind: SubjectKind, key: string) {
    const id = `${kind}:${key}`;
    let subject = this.subjects.get(id);
    if (subject === undefined) {
      subject = { kind, key, facts: [], enrolments: [], composition: null, households: new Set(), onTimeline: false };
      this.subjects.set(id, subject);
    }
    return subject;
  }

  /** A person the event is about (on their timeline) or merely names (a covered member, a guardian). */
  person(ref: PersonRef, options: { timeline: boolean }): void {
    const subject = this.subject('person', ref.personKey);
    subject.person ??= ref;
    subject.onTimeline ||= options.timeline;
    if (ref.name !== null) this.fact('person', ref.personKey, 'name', ref.name);
  }

  household(householdId: string): void {
    this.subject('household', householdId).onTimeline = true;
  }

  link(personKey: string, householdId: string): void {
    this.subject('person', personKey).households.add(householdId);
  }

  /** A value of `field`; the first an event states for a subject counts (a person named twice gives one name). */
  fact(kind: SubjectKind, key: string, field: string, value: FactValue): void {
    const subject = this.subject(kind, key);
    if (subject.facts.some((fact) => fact.field === field)) return;
    subject.facts.push({ ...this.provenance, field, value, pii: PII_FIELDS.has(field), valueKey: null, masked: null });
  }

  enrolment(kind: SubjectKind, key: string, step: Omit<EnrolmentFact, keyof Provenance>): void {
    this.subject(kind, key).enrolments.push({ ...this.provenance, ...step });
  }

  composition(householdId: string, members: CompositionRecord['members']): void {
    this.subject('household', householdId).composition = { ...this.provenance, members };
  }

  contributions(): Contribution[] {
    return [...this.subjects.values()].map((subject) => {
      let person: Contribution['person'];
      if (subject.person !== undefined) {
        const parsed = parseResidentId(subject.person.idNumber, new Date(Date.parse(this.provenance.recordedAt) + 86_400_000));
        person = { idNumber: parsed.normalized, birthDate: parsed.birthDate, sex: parsed.sex };
      }
      return {
        kind: subject.kind,
        key: subject.key,
        eventId: this.provenance.eventId,
        occurredAt: this.provenance.occurredAt,
        ...(person === undefined ? {} : { person }),
        facts: subject.facts,
        timeline: subject.onTimeline ? { ...this.provenance, summary: this.summary } : null,
        enrolments: subject.enrolments,
        composition: subject.composition,
        households: [...subject.households].sort(),
      };
    });
  }
}

/** The subjects of an enrolment step: the envelope's household when there is one, else its person. */
function enrolmentSubject(envelope: Envelope): { kind: SubjectKind; key: string } | undefined {
  if (envelope.household !== null) return { kind: 'household', key: envelope.household.householdId };
  if (envelope.person !== null) return { kind: 'person', key: envelope.person.personKey };
  return undefined;
}

type Mapper = (draft: Draft, body: Json, envelope: Envelope) => void;

const personFact = (field: string, value: (body: Json) => FactValue): Mapper => (draft, body, envelope) => {
  if (envelope.person !== null) draft.fact('person', envelope.person.personKey, field, value(body));
};

const enrolmentStep = (step: EnrolmentFact['step'], read: (body: Json) => Omit<EnrolmentFact, keyof Provenance | 'step' | 'key'> & { sourceId: string }): Mapper => (draft, body, envelope) => {
  const subject = enrolmentSubject(envelope);
  if (subject === undefined) return;
  const { sourceId, ...rest } = read(body);
  const fact = { ...rest, step, key: `${envelope.source.department}:${sourceId}` };
  draft.enrolment(subject.kind, subject.key, fact);
  // A household's enrolment stays on the household (its members read it there: a later step may
  // name no members); the members named get it on their timeline and a link to the household.
  for (const member of Array.isArray(body.coveredMembers) ? body.coveredMembers.filter(isPersonRef) : []) {
    draft.person(member, { timeline: true });
    if (subject.kind === 'household') draft.link(member.personKey, subject.key);
  }
};

const covered = (body: Json): string[] | null => (Array.isArray(body.coveredMembers) ? body.coveredMembers.filter(isPersonRef).map((ref) => ref.personKey).sort() : null);

/** What each event type states beyond the timeline and the envelope's name and residence. */
const BY_TYPE: Readonly<Record<string, Mapper>> = {
  'public-security.death-registered': personFact('deceased', (body) => ({ dateOfDeath: str(body.dateOfDeath), deathCategory: str(body.deathCategory) })),
  'public-security.hukou-moved': (draft, body, envelope) => {
    const to = isObject(body.toRegion) ? body.toRegion : {};
    if (envelope.person !== null) draft.fact('person', envelope.person.personKey, 'hukouRegion', { countyCode: str(to.countyCode), townCode: str(to.townCode), villageCode: str(to.villageCode), moveKind: str(body.moveKind), moveDate: str(body.moveDate) });
  },
  'public-security.marriage-status-changed': personFact('maritalStatus', (body) => str(body.newStatus)),
  'public-security.birth-registered': (draft, body) => {
    for (const parent of [body.mother, body.father]) if (isPersonRef(parent)) draft.person(parent, { timeline: true });
  },
  // The certificate number is personal (it holds the ID number): not kept.
  'disabled-persons-federation.disability-certified': personFact('disability', (body) => ({ kind: str(body.disabilityKind), grade: str(body.disabilityGrade), validFrom: str(body.validFrom), validTo: str(body.validTo) })),
  'human-resources.unemployment-registered': personFact('employment', (body) => ({ status: 'UNEMPLOYED', since: str(body.registeredDate), cause: str(body.cause) })),
  'human-resources.unemployment-ended': personFact('employment', (body) => ({ status: str(body.reason), since: str(body.endDate), cause: null })),
  'education.student-enrolled': personFact('schooling', (body) => ({ stage: str(body.schoolStage), schoolId: str(body.schoolId), schoolName: str(body.schoolName), gradeYear: num(body.gradeYear), boarding: typeof body.boarding === 'boolean' ? body.boarding : null })),
  'housing.house-safety-surveyed': (draft, body, envelope) => {
    const value = { status: str(body.safetyGrade), surveyedDate: str(body.surveyedDate), houseId: str(body.houseId) };
    if (envelope.household !== null) draft.fact('household', envelope.household.householdId, 'houseSafety', value);
    if (envelope.person !== null) draft.fact('person', envelope.person.personKey, 'houseSafety', value);
  },
  'elderly-care.elder-registered': (draft, body, envelope) => {
    if (envelope.person === null) return;
    const key = envelope.person.personKey;
    for (const field of ['livingArrangement', 'economicStatus']) draft.fact('person', key, field, str(body[field]));
    draft.fact('person', key, 'elderFlags', { hukouResident: body.hukouResident === true, leftBehind: body.leftBehind === true, lostOnlyChildFamily: body.lostOnlyChildFamily === true });
    const phone = str(body.emergencyContactPhone);
    if (phone !== null) draft.fact('person', key, 'emergencyContactPhone', phone);
  },
  'elderly-care.ability-assessment-completed': personFact('careDependencyLevel', (body) => str(body.careDependencyLevel)),
  'elderly-care.advanced-age-allowance-granted': enrolmentStep('START', (body) => ({ sourceId: String(body.allowanceId), program: 'ADVANCED_AGE_ALLOWANCE', effectiveDate: String(body.startDate), monthlyAmountFen: num(body.monthlyAmountFen), coveredMembers: null, standardVersionId: str(body.standardVersionId), detail: str(body.tierId) })),
  'elderly-care.care-subsidy-decided': (draft, body, envelope) => {
    if (body.qualifies !== true) return;
    enrolmentStep('START', (item) => ({ sourceId: String(item.assessmentId), program: str(item.program) ?? 'ELDERLY_CARE_SUBSIDY', effectiveDate: iso(envelope.occurredAt).slice(0, 10), monthlyAmountFen: num(item.monthlyAmountFen), coveredMembers: null, standardVersionId: str(item.standardVersionId), detail: str(item.careDependencyLevel) }))(draft, body, envelope);
  },
  'child-protection.child-registered': (draft, body, envelope) => {
    if (envelope.person === null) return;
    draft.fact('person', envelope.person.personKey, 'childCategory', str(body.category));
    for (const guardian of Array.isArray(body.guardians) ? body.guardians : []) if (isObject(guardian) && isPersonRef(guardian.person)) draft.person(guardian.person, { timeline: false });
  },
  'child-protection.guardianship-changed': (draft, body, envelope) => {
    if (envelope.person !== null && isPersonRef(body.guardian)) {
      draft.fact('person', envelope.person.personKey, 'guardianship', { guardianKey: body.guardian.personKey, changeKind: str(body.changeKind), effectiveDate: str(body.effectiveDate), hasEffectiveGuardian: typeof body.hasEffectiveGuardian === 'boolean' ? body.hasEffectiveGuardian : null });
      draft.person(body.guardian, { timeline: true });
    }
  },
  'child-protection.allowance-determined': (draft, body, envelope) => {
    const kind = str(body.determinationKind);
    const step: EnrolmentFact['step'] = kind === 'ENDED' ? 'END' : kind === 'APPROVED' ? 'START' : 'CHANGE';
    enrolmentStep(step, (item) => ({ sourceId: String(item.childRecordId), program: str(item.program) ?? 'ORPHAN_ALLOWANCE', effectiveDate: String(step === 'END' ? item.endDate : step === 'START' ? item.startDate : item.effectiveDate), monthlyAmountFen: num(item.monthlyAmountFen), coveredMembers: null, standardVersionId: str(item.standardVersionId), detail: str(item.allowanceCategory) }))(draft, body, envelope);
  },
  'assistance.enrolment-started': enrolmentStep('START', (body) => ({ sourceId: String(body.enrolmentId), program: String(body.program), effectiveDate: String(body.startDate), monthlyAmountFen: num(body.monthlyAmountFen), coveredMembers: covered(body), standardVersionId: str(body.standardVersionId), detail: str(body.supportMode) })),
  'assistance.enrolment-changed': enrolmentStep('CHANGE', (body) => ({ sourceId: String(body.enrolmentId), program: String(body.program), effectiveDate: String(body.effectiveFrom), monthlyAmountFen: num(body.newMonthlyAmountFen), coveredMembers: covered(body), standardVersionId: str(body.standardVersionId), detail: str(body.changeKind) })),
  'assistance.enrolment-ended': enrolmentStep('END', (body) => ({ sourceId: String(body.enrolmentId), program: String(body.program), effectiveDate: String(body.endDate), monthlyAmountFen: num(body.gradualExitMonthlyAmountFen), coveredMembers: null, standardVersionId: null, detail: str(body.endReason) })),
  // 经济状况核对: the figures the income and expenditure rules compare (the rigid expenditures summed by kind).
  'assistance.economic-check-completed': (draft, body, envelope) => {
    const rigid: Record<string, number> = { MEDICAL: 0, EDUCATION: 0, DISABILITY_REHABILITATION: 0, DISASTER: 0, ACCIDENT: 0, OTHER: 0 };
    for (const item of Array.isArray(body.rigidExpenditures) ? body.rigidExpenditures : []) {
      if (isObject(item) && typeof item.kind === 'string') rigid[item.kind] = (rigid[item.kind] ?? 0) + (num(item.amountFen) ?? 0);
    }
    const value = {
      purpose: str(body.purpose),
      periodFrom: str(body.periodFrom),
      periodTo: str(body.periodTo),
      householdSize: num(body.householdSize),
      monthlyIncomePerCapitaFen: num(body.monthlyIncomePerCapitaFen),
      annualDisposableIncomeFen: num(body.annualDisposableIncomeFen),
      rigidExpenditureFen: Object.values(rigid).reduce((sum, amount) => sum + amount, 0),
      medicalExpenditureFen: rigid.MEDICAL ?? 0,
      educationExpenditureFen: rigid.EDUCATION ?? 0,
    };
    if (envelope.household !== null) draft.fact('household', envelope.household.householdId, 'economicCheck', value);
    else if (envelope.person !== null) draft.fact('person', envelope.person.personKey, 'economicCheck', value);
  },
  'assistance.household-composition-recorded': (draft, body, envelope) => {
    const members = (Array.isArray(body.members) ? body.members : []).filter((member): member is Json & { person: PersonRef } => isObject(member) && isPersonRef(member.person));
    for (const member of members) {
      draft.person(member.person, { timeline: true });
      draft.fact('person', member.person.personKey, 'labourCapacity', str(member.labourCapacity));
      if (member.disabilityGrade !== null && member.disabilityGrade !== undefined) draft.fact('person', member.person.personKey, 'disability', { kind: str(member.disabilityKind), grade: str(member.disabilityGrade), validFrom: null, validTo: null });
      if (envelope.household !== null) draft.link(member.person.personKey, envelope.household.householdId);
    }
    if (envelope.household !== null) {
      draft.composition(
        envelope.household.householdId,
        members.map((member) => ({ personKey: member.person.personKey, relationToHead: str(member.relationToHead) ?? 'OTHER', livingTogether: member.livingTogether === true })).sort((a, b) => (a.personKey < b.personKey ? -1 : 1)),
      );
    }
  },
};

/** The event's contributions, one per subject it names (none for an event about nobody). */
export function contributionsOf(eventType: string, value: unknown): Contribution[] {
  if (!isObject(value) || !isObject(value.envelope)) return [];
  const envelope = value.envelope as unknown as Envelope;
  const provenance: Provenance = { department: envelope.source.department, eventId: envelope.eventId, eventType, occurredAt: iso(envelope.occurredAt), recordedAt: iso(envelope.recordedAt) };
  const draft = new Draft(provenance, summaryOf(value));
  if (envelope.person !== null) {
    draft.person(envelope.person, { timeline: true });
    draft.fact('person', envelope.person.personKey, 'residenceRegion', { countyCode: envelope.region.countyCode, townCode: envelope.region.townCode, villageCode: envelope.region.villageCode });
    if (envelope.household !== null) draft.link(envelope.person.personKey, envelope.household.householdId);
  }
  if (envelope.household !== null) {
    draft.household(envelope.household.householdId);
    draft.fact('household', envelope.household.householdId, 'residenceRegion', { countyCode: envelope.region.countyCode, townCode: envelope.region.townCode, villageCode: envelope.region.villageCode });
  }
  BY_TYPE[eventType]?.(draft, value, envelope);
  return draft.contributions();
}

/** Event types with a mapping of their own (the README lists them). */
export const MAPPED_EVENT_TYPES = Object.keys(BY_TYPE).sort();
