/**
 * 人员画像 and 家庭画像 (profiles): a subject's attributes, each with its source and conflicts, its
 * enrolments (a person's own and those of the households that cover them), household membership and
 * timeline — now, or as of a past date. Personal values are shown masked, or decrypted for a full
 * view (`access.ts` decides; the route audits).
 */
import { decryptField } from '@minzheng/identity/field-crypto';
import { ageOn } from '@minzheng/identity/resident-id';
import type { View } from '../access.js';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { aadOf, aggregate } from '../projection/fold.js';
import { subjectContributions } from '../projection/refresher.js';
import type { AttributeFact, FactValue, StoredSubject, TimelineEntry } from '../projection/model.js';
import { attributesOf, endOfDay, enrolmentsOf, membershipOf, type AttributeView, type EnrolmentView } from '../projection/view.js';

/** Timeline entries a profile shows (latest first); the total says how many there are. */
export const TIMELINE_LIMIT = 100;

export interface ProfileEnrolment extends EnrolmentView {
  /** `person`, or the household the enrolment belongs to. */
  readonly via: string;
}

export interface PersonProfile {
  readonly personKey: string;
  readonly view: View;
  readonly asOf: string | null;
  readonly idNumber: string | null;
  /** Full view: the date; masked: the year only. */
  readonly birthDate: string | null;
  readonly sex: 'M' | 'F' | null;
  readonly age: number | null;
  readonly regionCode: string | null;
  readonly deceased: boolean;
  readonly attributes: Readonly<Record<string, AttributeView>>;
  readonly conflicts: readonly string[];
  readonly enrolments: readonly ProfileEnrolment[];
  readonly households: readonly { readonly householdId: string; readonly member: boolean; readonly relationToHead: string | null; readonly from: string | null; readonly to: string | null }[];
  readonly timeline: { readonly total: number; readonly items: readonly TimelineEntry[] };
}

export interface HouseholdProfile {
  readonly householdId: string;
  readonly view: View;
  readonly asOf: string | null;
  readonly regionCode: string | null;
  readonly attributes: Readonly<Record<string, AttributeView>>;
  readonly enrolments: readonly EnrolmentView[];
  readonly members: readonly { readonly personKey: string; readonly name: string | null; readonly relationToHead: string; readonly livingTogether: boolean }[];
  readonly membershipHistory: readonly { readonly personKey: string; readonly from: string; readonly to: string | null }[];
  readonly timeline: { readonly total: number; readonly items: readonly TimelineEntry[] };
}

/** Shows a stored personal value as the view allows. */
function revealer(deps: DataSharingDeps, subject: StoredSubject, view: View): (fact: AttributeFact) => FactValue {
  return (fact) => {
    if (!fact.pii || typeof fact.value !== 'string') return fact.value;
    return view === 'full' ? decryptField(deps.keyring, fact.value, aadOf(subject.kind, subject._id, `${fact.field}|${fact.eventId}`)) : fact.masked;
  };
}

function timelineOf(entries: readonly TimelineEntry[], asOf: string | null) {
  const until = asOf === null ? undefined : endOfDay(asOf);
  const shown = entries.filter((entry) => until === undefined || entry.occurredAt <= until);
  return { total: shown.length, items: shown.slice(-TIMELINE_LIMIT).reverse() };
}

/** A subject from all its contributions (one `_id` range): current at once, before its summary is refreshed. */
export async function subjectOf(deps: DataSharingDeps, kind: 'person' | 'household', key: string): Promise<StoredSubject> {
  const stored = await subjectContributions(deps.contributions, kind, key);
  if (stored.length === 0) {
    throw dataSharingError('DS_NOT_FOUND', `${kind === 'person' ? '人员' : '家庭'}不存在 (no ${kind} ${key} in the thematic database)`, { field: kind === 'person' ? 'personKey' : 'householdId', rule: `must name a ${kind} some department has reported` });
  }
  return aggregate(kind, key, stored, deps.precedence);
}

/** The region a subject lives in, by precedence (for jurisdiction checks). */
export const regionOf = (subject: StoredSubject): string | null => subject.current.regionCode;

export async function personProfile(deps: DataSharingDeps, person: StoredSubject, view: View, asOf: string | null): Promise<PersonProfile> {
  const households = person.households.length === 0 ? [] : await deps.households.find({ _id: { $in: person.households } }).toArray();
  const options = { reveal: revealer(deps, person, view), ...(asOf === null ? {} : { asOf }) };
  const attributes = attributesOf(person.facts, deps.precedence, options);
  const own: ProfileEnrolment[] = enrolmentsOf(person.enrolments, asOf ?? undefined).map((enrolment) => ({ ...enrolment, via: 'person' }));
  const memberships = households.map((household) => ({ household, membership: membershipOf(household.compositions, asOf ?? undefined) }));
  const fromHouseholds: ProfileEnrolment[] = memberships.flatMap(({ household, membership }) => {
    const member = membership.members.some((item) => item.personKey === person._id);
    return enrolmentsOf(household.enrolments, asOf ?? undefined)
      .filter((enrolment) => enrolment.coveredMembers.includes(person._id) || (enrolment.coveredMembers.length === 0 && member))
      .map((enrolment) => ({ ...enrolment, via: household._id }));
  });
  const today = (asOf ?? deps.now().toISOString().slice(0, 10));
  const idNumber = person.idNumber === null ? null : view === 'full' ? decryptField(deps.keyring, person.idNumber, aadOf('person', person._id, 'idNumber')) : person.maskedIdNumber;
  return {
    personKey: person._id,
    view,
    asOf,
    idNumber,
    birthDate: person.birthDate === null ? null : view === 'full' ? person.birthDate : person.birthDate.slice(0, 4),
    sex: person.sex,
    age: person.birthDate === null ? null : ageOn(person.birthDate, today),
    regionCode: typeof attributes.residenceRegion?.value === 'object' && attributes.residenceRegion.value !== null ? (attributes.residenceRegion.value.villageCode ?? attributes.residenceRegion.value.townCode ?? attributes.residenceRegion.value.countyCode ?? null) as string | null : null,
    deceased: attributes.deceased !== undefined,
    attributes,
    conflicts: Object.entries(attributes).filter(([, item]) => item.conflicts.length > 0).map(([field]) => field),
    enrolments: [...own, ...fromHouseholds],
    households: memberships.map(({ household, membership }) => {
      const member = membership.members.find((item) => item.personKey === person._id);
      const stays = membership.history.filter((stay) => stay.personKey === person._id);
      return { householdId: household._id, member: member !== undefined, relationToHead: member?.relationToHead ?? null, from: stays[0]?.from ?? null, to: stays.at(-1)?.to ?? null };
    }),
    timeline: timelineOf(person.timeline, asOf),
  };
}

export async function householdProfile(deps: DataSharingDeps, household: StoredSubject, view: View, asOf: string | null): Promise<HouseholdProfile> {
  const membership = membershipOf(household.compositions, asOf ?? undefined);
  // Each member's facts (one range each; a household has a handful of members).
  const people = await Promise.all(membership.members.map(async (member) => aggregate('person', member.personKey, await subjectContributions(deps.contributions, 'person', member.personKey), deps.precedence)));
  const nameOf = (personKey: string): string | null => {
    const person = people.find((item) => item._id === personKey);
    if (person === undefined || person.applied.length === 0) return null;
    const name = attributesOf(person.facts, deps.precedence, { reveal: revealer(deps, person, view), ...(asOf === null ? {} : { asOf }) }).name?.value;
    return typeof name === 'string' ? name : null;
  };
  return {
    householdId: household._id,
    view,
    asOf,
    regionCode: household.current.regionCode,
    attributes: attributesOf(household.facts, deps.precedence, { reveal: revealer(deps, household, view), ...(asOf === null ? {} : { asOf }) }),
    enrolments: enrolmentsOf(household.enrolments, asOf ?? undefined),
    members: membership.members.map((member) => ({ ...member, name: nameOf(member.personKey) })),
    membershipHistory: membership.history,
    timeline: timelineOf(household.timeline, asOf),
  };
}
