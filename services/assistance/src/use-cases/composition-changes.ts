/**
 * 家庭成员变更 (composition change): people join, leave, or have their circumstances updated from
 * a date. The domain applies the change to the household's dated membership and checks the result
 * (`applyCompositionChange`: one head on every date, no person twice, ...); here the same change
 * is applied to the stored member records, which carry the personal fields (sealed) the domain
 * does not see. Nothing is deleted: a leaver's record is closed the day before the change, and an
 * update closes the current record and opens a new one from the change date. The whole membership
 * is published again as `assistance.household-composition-recorded`.
 *
 * Enrolment amounts are not changed here: a caseworker recomputes them (`POST
 * /enrolments/:id/amount-changes` without an amount) from the first day of a month.
 */
import { randomUUID } from 'node:crypto';
import type { HouseholdCompositionRecorded } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { AssistanceError } from '../domain/errors.js';
import { applyCompositionChange, type MemberFields } from '../domain/household.js';
import { envelope } from '../events.js';
import { eventMembers, headRef } from '../households/household.people.js';
import type { StoredHousehold, StoredMember } from '../households/household.schema.js';
import { compositionOf } from './applications.js';
import { checkMembers, storedMember, type MemberInput } from './register-household.js';

/** Fields of a current member that an update may set, from the change date on. */
export type MemberUpdate = Partial<Pick<StoredMember, 'relationToHead' | 'localHukou' | 'livingTogether' | 'labourCapacity' | 'monthlyIncomeFen' | 'financialAssetsFen' | 'disabilityKind' | 'disabilityGrade' | 'seriouslyIll'>> & { readonly personKey: string };

export interface CompositionChangeInput {
  /** First day the changed composition applies; not after today. */
  readonly date: string;
  readonly reason: HouseholdCompositionRecorded['recordReason'];
  readonly joins?: readonly Omit<MemberInput, 'fromDate'>[];
  /** Person keys of members who leave (`date` is their first day no longer a member). */
  readonly leaves?: readonly string[];
  readonly updates?: readonly MemberUpdate[];
  readonly version?: number;
}

function domainFieldsOf(update: MemberUpdate): Partial<MemberFields> {
  return {
    ...(update.relationToHead === undefined ? {} : { relationToHead: update.relationToHead }),
    ...(update.livingTogether === undefined ? {} : { livingTogether: update.livingTogether }),
    ...(update.labourCapacity === undefined ? {} : { labourCapacity: update.labourCapacity }),
    ...(update.monthlyIncomeFen === undefined ? {} : { monthlyIncomeFen: update.monthlyIncomeFen }),
  };
}

/** The fields an update sets (an absent field keeps its value). */
function definedOf(update: MemberUpdate): Partial<StoredMember> {
  const { personKey: _key, ...fields } = update;
  return fields;
}

export async function changeComposition(deps: AssistanceDeps, principal: Principal, householdId: string, input: CompositionChangeInput): Promise<StoredHousehold> {
  const stored = await deps.households.get(householdId, principal.jurisdiction);
  const now = deps.now();
  const today = chinaToday(now);
  if (input.date > today) throw new AssistanceError('ASSIST_DATE_IN_FUTURE', `date: 变更日期不能晚于今天 (must not be after ${today})`, { field: 'date', rule: 'must not be after today' });
  const joins = checkMembers(deps, (input.joins ?? []).map((join) => ({ ...join, fromDate: input.date })), today);
  const updates = input.updates ?? [];
  const next = applyCompositionChange(compositionOf(stored), {
    date: input.date,
    joins: joins.map(({ member, personKey }) => ({ personKey, relationToHead: member.relationToHead, livingTogether: member.livingTogether, labourCapacity: member.labourCapacity, monthlyIncomeFen: member.monthlyIncomeFen })),
    leaves: input.leaves ?? [],
    updates: updates.map((update) => ({ personKey: update.personKey, ...domainFieldsOf(update) })),
  });

  // The same change on the stored records: each domain record keeps its stored twin (same person
  // and first day), or starts from the person's latest record (an update), or from the join.
  const members: StoredMember[] = next.members.map((member) => {
    const twin = stored.members.find((candidate) => candidate.personKey === member.personKey && candidate.fromDate === member.fromDate);
    const latest = stored.members.filter((candidate) => candidate.personKey === member.personKey).at(-1);
    const joined = joins.find((join) => join.personKey === member.personKey);
    const base = twin ?? (joined === undefined ? latest : storedMember(deps, householdId, joined));
    if (base === undefined) throw new Error(`no stored record for member ${member.personKey}`);
    const update = updates.find((candidate) => candidate.personKey === member.personKey);
    const opensOnChange = member.fromDate === input.date;
    return {
      ...base,
      ...(update !== undefined && opensOnChange ? definedOf(update) : {}),
      relationToHead: member.relationToHead,
      livingTogether: member.livingTogether,
      labourCapacity: member.labourCapacity,
      monthlyIncomeFen: member.monthlyIncomeFen,
      fromDate: member.fromDate,
      toDate: member.toDate,
    };
  });
  const household: StoredHousehold = { ...stored, members, updatedAt: now, version: stored.version + 1 };
  const event = deps.publisher.prepare('assistance.household-composition-recorded', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: householdId, regionCode: stored.regionCode, person: headRef(deps.keyring, household), householdId }, now),
    recordReason: input.reason,
    members: eventMembers(deps.keyring, household),
  });
  await deps.households.update(householdId, input.version ?? stored.version, { $set: { members, updatedAt: now } }, [event]);
  return household;
}
