/**
 * The people of a stored household as events carry them: person references with the ID number
 * and name decrypted for the wire (where the publisher encrypts them again with the event keys).
 */
import type { HouseholdMember, PersonRef } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { AssistanceError } from '../domain/errors.js';
import { memberContext, unseal } from '../protect.js';
import type { StoredHousehold, StoredMember } from './household.schema.js';

export function personRef(keyring: Keyring, household: StoredHousehold, member: StoredMember): PersonRef {
  return {
    personKey: member.personKey,
    idNumber: unseal(keyring, member.idNumber, memberContext(household._id, member.personKey, 'idNumber')),
    name: unseal(keyring, member.name, memberContext(household._id, member.personKey, 'name')),
  };
}

/** The current head (or, failing one, the first member). */
export function headOf(household: StoredHousehold): StoredMember {
  const head = household.members.find((member) => member.relationToHead === 'HEAD' && member.toDate === null) ?? household.members[0];
  if (!head) throw new AssistanceError('ASSIST_HOUSEHOLD_EMPTY', '家庭无成员 (the household has no members)', { field: 'householdId', rule: 'the household must have members' });
  return head;
}

export const headRef = (keyring: Keyring, household: StoredHousehold): PersonRef => personRef(keyring, household, headOf(household));

/** Current members who live together (共同生活): the people a household benefit covers. */
export function coveredMembers(household: StoredHousehold): StoredMember[] {
  return household.members.filter((member) => member.toDate === null && member.livingTogether);
}

/** Every member record, past and present, as `assistance.household-composition-recorded` carries them. */
export function eventMembers(keyring: Keyring, household: StoredHousehold): HouseholdMember[] {
  return household.members.map((member) => ({
    person: personRef(keyring, household, member),
    relationToHead: member.relationToHead,
    livingTogether: member.livingTogether,
    labourCapacity: member.labourCapacity,
    disabilityKind: member.disabilityKind,
    disabilityGrade: member.disabilityGrade,
    seriouslyIll: member.seriouslyIll,
    fromDate: member.fromDate,
    toDate: member.toDate,
  }));
}
