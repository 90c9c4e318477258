/**
 * Household composition (家庭成员构成, 共同生活家庭成员认定) over time.
 *
 * A composition lists every member, current and past, each with the period they belong to the
 * household (`fromDate` to `toDate`, both inclusive; `toDate` null while still a member), as the
 * wire event `HouseholdCompositionRecorded` does. A person may appear more than once only for
 * periods that do not overlap (left and came back, or a member record changed on a date). A
 * change (`applyCompositionChange`) closes and opens periods, so `membersOn(composition, date)`
 * answers for any past date, and each change yields a new revision of the composition.
 */
import type { LabourCapacity, RelationToHead } from '@minzheng/contracts';
import { addDays, assertDateOrder, assertIsoDate, type IsoDate } from './dates.js';
import { AssistanceError, assertNonEmpty, assertOneOf, invalidInput } from './errors.js';
import { assertFen } from './money.js';

/** 与户主关系, as on the wire (`mz.common` RelationToHead). */
export const RELATIONS_TO_HEAD = [
  'HEAD',
  'SPOUSE',
  'CHILD',
  'CHILD_IN_LAW',
  'PARENT',
  'PARENT_IN_LAW',
  'GRANDPARENT',
  'GRANDCHILD',
  'SIBLING',
  'OTHER_RELATIVE',
  'OTHER',
] as const satisfies readonly RelationToHead[];
/** 劳动能力, as on the wire: full, partial, none, unknown. */
export const LABOUR_CAPACITIES = ['FULL', 'PARTIAL', 'NONE', 'UNKNOWN'] as const satisfies readonly LabourCapacity[];
export type { LabourCapacity, RelationToHead };

/** One membership period of one person. */
export interface HouseholdMember {
  /** Keyed pseudonym of the person (`mz.common.PersonKey`); never the ID number. */
  readonly personKey: string;
  readonly relationToHead: RelationToHead;
  /** 共同生活: true when the member lives with the household; only these count for per-capita income. */
  readonly livingTogether: boolean;
  readonly labourCapacity: LabourCapacity;
  /** The member's assessed monthly income (fen, ≥ 0) as of the latest economic check (核对). */
  readonly monthlyIncomeFen: number;
  /** 分类救助金 categories the member belongs to (keys of the 低保 version's supplement table). */
  readonly supplementCategories?: readonly string[];
  /** First day of this membership period. */
  readonly fromDate: IsoDate;
  /** Last day of this membership period (inclusive); null while it lasts. */
  readonly toDate: IsoDate | null;
}

export interface HouseholdComposition {
  readonly householdId: string;
  /** 0 for the first recording, +1 for each change applied. */
  readonly revision: number;
  /** Date of the latest change (or of the first recording): no later change may be dated before it. */
  readonly recordedFrom: IsoDate;
  /** Every membership period, current and past, in the order recorded. */
  readonly members: readonly HouseholdMember[];
}

/** True when `member` belongs to the household on `date`. */
export function isActiveOn(member: HouseholdMember, date: IsoDate): boolean {
  return member.fromDate <= date && (member.toDate === null || date <= member.toDate);
}

function overlaps(a: HouseholdMember, b: HouseholdMember): boolean {
  return a.fromDate <= (b.toDate ?? '9999-12-31') && b.fromDate <= (a.toDate ?? '9999-12-31');
}

function validateMember(member: HouseholdMember, field: string): void {
  assertNonEmpty(member.personKey, `${field}.personKey`);
  assertOneOf(member.relationToHead, RELATIONS_TO_HEAD, `${field}.relationToHead`);
  assertOneOf(member.labourCapacity, LABOUR_CAPACITIES, `${field}.labourCapacity`);
  assertFen(member.monthlyIncomeFen, `${field}.monthlyIncomeFen`);
  (member.supplementCategories ?? []).forEach((category, index) => {
    assertNonEmpty(category, `${field}.supplementCategories.${index}`);
  });
  assertIsoDate(member.fromDate, `${field}.fromDate`);
  if (member.toDate !== null) {
    assertIsoDate(member.toDate, `${field}.toDate`);
    assertDateOrder(member.fromDate, member.toDate, `${field}.fromDate`, `${field}.toDate`);
  }
}

/** The dates on which the set of active members can change: every start and every day after an end. */
function changePoints(members: readonly HouseholdMember[]): IsoDate[] {
  const points = new Set<IsoDate>();
  for (const member of members) {
    points.add(member.fromDate);
    if (member.toDate !== null) points.add(addDays(member.toDate, 1));
  }
  return [...points].sort();
}

/**
 * Validates a composition: at least one member; each member well formed (person key, relation,
 * labour capacity, income ≥ 0, `fromDate ≤ toDate`); no person key with overlapping periods
 * (`ASSIST_MEMBER_DUPLICATE`); and on every date on which anyone is a member, exactly one HEAD
 * (`ASSIST_HOUSEHOLD_NO_HEAD`, `ASSIST_HOUSEHOLD_MULTIPLE_HEADS`). A household whose members have
 * all left is valid (it has dissolved). Returns the composition.
 */
export function validateHouseholdComposition(composition: HouseholdComposition): HouseholdComposition {
  assertNonEmpty(composition.householdId, 'householdId');
  assertIsoDate(composition.recordedFrom, 'recordedFrom');
  if (!Number.isSafeInteger(composition.revision) || composition.revision < 0) throw invalidInput('revision', 'must be an integer of at least 0');
  const { members } = composition;
  if (members.length === 0) {
    throw new AssistanceError('ASSIST_HOUSEHOLD_EMPTY', '家庭无成员 (the household must have at least one member)', {
      field: 'members',
      rule: 'must list at least one member',
    });
  }
  members.forEach((member, index) => {
    validateMember(member, `members.${index}`);
  });
  members.forEach((member, index) => {
    const earlier = members.findIndex((other, otherIndex) => otherIndex < index && other.personKey === member.personKey && overlaps(other, member));
    if (earlier !== -1) {
      throw new AssistanceError('ASSIST_MEMBER_DUPLICATE', `成员重复 (members.${index} repeats the person of members.${earlier} for an overlapping period)`, {
        field: `members.${index}.personKey`,
        rule: 'a person may belong to the household only once at a time',
        duplicateOf: `members.${earlier}`,
      });
    }
  });
  for (const date of changePoints(members)) {
    const active = members.filter((member) => isActiveOn(member, date));
    if (active.length === 0) continue;
    const heads = active.filter((member) => member.relationToHead === 'HEAD');
    if (heads.length === 0) {
      throw new AssistanceError('ASSIST_HOUSEHOLD_NO_HEAD', `家庭无户主 (no member is HEAD on ${date})`, {
        field: 'members',
        rule: 'exactly one member must be HEAD on every date the household has members',
        date,
      });
    }
    if (heads.length > 1) {
      throw new AssistanceError('ASSIST_HOUSEHOLD_MULTIPLE_HEADS', `户主不唯一 (${heads.length} members are HEAD on ${date})`, {
        field: 'members',
        rule: 'exactly one member must be HEAD on every date the household has members',
        date,
        headCount: heads.length,
      });
    }
  }
  return composition;
}

/** Records a household's first composition (revision 0), validated. */
export function recordComposition(householdId: string, recordedFrom: IsoDate, members: readonly HouseholdMember[]): HouseholdComposition {
  return validateHouseholdComposition({ householdId, revision: 0, recordedFrom, members });
}

/** The membership periods in force on `date`. */
export function membersOn(composition: HouseholdComposition, date: IsoDate): readonly HouseholdMember[] {
  assertIsoDate(date, 'date');
  return composition.members.filter((member) => isActiveOn(member, date));
}

/** The HEAD on `date`, or undefined when the household has no member then. */
export function headOn(composition: HouseholdComposition, date: IsoDate): HouseholdMember | undefined {
  return membersOn(composition, date).find((member) => member.relationToHead === 'HEAD');
}

/**
 * The members counted for per-capita income on `date`: members on that date who live together
 * with the household (共同生活家庭成员). ASSUMPTION (the seeds do not define the counted unit):
 * members recorded as not living together (e.g. working or studying elsewhere, per the 民政
 * household determination) are left out of both the income total and the head count.
 */
export function countedMembersOn(composition: HouseholdComposition, date: IsoDate): readonly HouseholdMember[] {
  return membersOn(composition, date).filter((member) => member.livingTogether);
}

/** The fields of a member record that a change may set. */
export type MemberFields = Omit<HouseholdMember, 'personKey' | 'fromDate' | 'toDate'>;

/**
 * A dated change to a household, applied atomically (validation runs on the result, so a head may
 * leave in the same change that makes another member HEAD).
 */
export interface CompositionChange {
  /** First day the changed composition applies (`YYYY-MM-DD`). */
  readonly date: IsoDate;
  /** People who join on `date` (a person who left earlier may rejoin). */
  readonly joins?: readonly (MemberFields & { readonly personKey: string })[];
  /** Person keys of members who leave: `date` is their first day no longer a member. */
  readonly leaves?: readonly string[];
  /** New values of some fields of current members, from `date` on. */
  readonly updates?: readonly (Partial<MemberFields> & { readonly personKey: string })[];
}

/** The fields of `update` that are set (an explicit `undefined` does not erase a value). */
function definedFields(update: Partial<MemberFields>): Partial<MemberFields> {
  return {
    ...(update.relationToHead === undefined ? {} : { relationToHead: update.relationToHead }),
    ...(update.livingTogether === undefined ? {} : { livingTogether: update.livingTogether }),
    ...(update.labourCapacity === undefined ? {} : { labourCapacity: update.labourCapacity }),
    ...(update.monthlyIncomeFen === undefined ? {} : { monthlyIncomeFen: update.monthlyIncomeFen }),
    ...(update.supplementCategories === undefined ? {} : { supplementCategories: update.supplementCategories }),
  };
}

function unknownMember(field: string, personKey: string, date: IsoDate): AssistanceError {
  return new AssistanceError('ASSIST_UNKNOWN_MEMBER', `成员不存在 (${field} is not a member of the household on ${date})`, {
    field,
    rule: 'must be a member of the household on the change date',
    personKey,
    date,
  });
}

/**
 * Applies a dated change to the previous composition and returns the next revision. Leaving
 * closes the member's period on the day before `change.date`; an update closes the current
 * period the same way and opens a new one from `change.date` with the new values (on the period's
 * own first day it replaces the record instead); joining opens a period from `change.date`.
 * Throws `ASSIST_DATE_ORDER` for a change dated before `previous.recordedFrom`,
 * `ASSIST_UNKNOWN_MEMBER` for a leave or update of someone not a member on the date,
 * `ASSIST_MEMBER_DUPLICATE` for a join of a current member or a person named twice, and any
 * error of `validateHouseholdComposition` for the result.
 */
export function applyCompositionChange(previous: HouseholdComposition, change: CompositionChange): HouseholdComposition {
  assertIsoDate(change.date, 'change.date');
  assertDateOrder(previous.recordedFrom, change.date, 'recordedFrom', 'change.date');
  const { date } = change;
  const leaves = change.leaves ?? [];
  const updates = change.updates ?? [];
  const joins = change.joins ?? [];

  const named = [...leaves.map((key, i) => [key, `change.leaves.${i}`] as const), ...updates.map((u, i) => [u.personKey, `change.updates.${i}.personKey`] as const)];
  named.forEach(([personKey, field], index) => {
    assertNonEmpty(personKey, field);
    if (named.findIndex(([other]) => other === personKey) !== index) {
      throw new AssistanceError('ASSIST_MEMBER_DUPLICATE', `成员重复 (${field} names a person already named in this change)`, {
        field,
        rule: 'a person may be left or updated only once per change',
      });
    }
  });

  let members = [...previous.members];
  const currentIndex = (personKey: string, field: string): number => {
    const index = members.findIndex((member) => member.personKey === personKey && isActiveOn(member, date));
    if (index === -1) throw unknownMember(field, personKey, date);
    return index;
  };

  leaves.forEach((personKey, i) => {
    const index = currentIndex(personKey, `change.leaves.${i}`);
    const member = members[index];
    if (member === undefined) return;
    // Leaving on the first day of membership: the period becomes empty and is dropped.
    members = member.fromDate === date ? members.filter((_, j) => j !== index) : members.map((m, j) => (j === index ? { ...m, toDate: addDays(date, -1) } : m));
  });

  updates.forEach((update, i) => {
    const index = currentIndex(update.personKey, `change.updates.${i}.personKey`);
    const member = members[index];
    if (member === undefined) return;
    const updated: HouseholdMember = { ...member, ...definedFields(update), personKey: member.personKey, fromDate: date, toDate: member.toDate };
    if (member.fromDate === date) {
      members = members.map((m, j) => (j === index ? updated : m));
    } else {
      members = [...members.map((m, j) => (j === index ? { ...m, toDate: addDays(date, -1) } : m)), updated];
    }
  });

  joins.forEach((join, i) => {
    assertNonEmpty(join.personKey, `change.joins.${i}.personKey`);
    if (members.some((member) => member.personKey === join.personKey && isActiveOn(member, date))) {
      throw new AssistanceError('ASSIST_MEMBER_DUPLICATE', `成员重复 (change.joins.${i} is already a member of the household on ${date})`, {
        field: `change.joins.${i}.personKey`,
        rule: 'a person may belong to the household only once at a time',
        date,
      });
    }
    members.push({ ...join, fromDate: date, toDate: null });
  });

  return validateHouseholdComposition({ householdId: previous.householdId, revision: previous.revision + 1, recordedFrom: date, members });
}
