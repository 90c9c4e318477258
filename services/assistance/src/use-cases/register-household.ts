/**
 * 家庭登记: a household with its members, checked (ID numbers per GB 11643, a 村居 code in the
 * region table, inside the caller's jurisdiction, one head, no person twice), stored with its
 * personal fields encrypted, and published as `assistance.household-composition-recorded`
 * through the outbox, in one write.
 */
import { randomUUID } from 'node:crypto';
import type { HouseholdCompositionRecorded } from '@minzheng/contracts';
import { parseResidentId } from '@minzheng/identity/resident-id';
import { requireRegion } from '@minzheng/identity/regions';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { envelope } from '../events.js';
import { AssistanceError } from '../domain/errors.js';
import { recordComposition } from '../domain/household.js';
import type { StoredHousehold, StoredMember } from '../households/household.schema.js';
import { householdContext, memberContext, seal } from '../protect.js';
import { eventMembers, headRef } from '../households/household.people.js';
import { atField } from '@minzheng/service-kit/errors';

export interface MemberInput {
  readonly idNumber: string;
  readonly name: string;
  readonly phone?: string;
  readonly relationToHead: StoredMember['relationToHead'];
  readonly localHukou: boolean;
  readonly livingTogether: boolean;
  readonly labourCapacity: StoredMember['labourCapacity'];
  readonly monthlyIncomeFen: number;
  readonly financialAssetsFen: number;
  readonly disabilityKind?: StoredMember['disabilityKind'];
  readonly disabilityGrade?: StoredMember['disabilityGrade'];
  readonly seriouslyIll?: boolean;
  readonly fromDate?: string;
}

export interface RegisterHouseholdInput {
  readonly regionCode: string;
  readonly address: string;
  readonly reason: HouseholdCompositionRecorded['recordReason'];
  readonly members: readonly MemberInput[];
}

/** Checks and normalises the members; returns them with their pseudonyms and dates of birth. */
export function checkMembers(deps: AssistanceDeps, members: readonly MemberInput[], today: string) {
  const checked = members.map((member, index) => {
    const info = atField(`members.${index}.idNumber`, () => parseResidentId(member.idNumber, deps.now()));
    const fromDate = member.fromDate ?? today;
    if (fromDate > today) throw new AssistanceError('ASSIST_DATE_IN_FUTURE', `members.${index}.fromDate: 日期不能晚于今天 (must not be after today)`, { field: `members.${index}.fromDate`, rule: 'must not be after today' });
    return { member, info, personKey: deps.pseudonymizer.personKey(info.normalized), fromDate };
  });
  return checked;
}

type CheckedMember = ReturnType<typeof checkMembers>[number];

/** A checked member as stored: personal fields sealed to this household and person. */
export function storedMember(deps: AssistanceDeps, householdId: string, { member, info, personKey, fromDate }: CheckedMember): StoredMember {
  return {
    personKey,
    idNumber: seal(deps.keyring, info.normalized, memberContext(householdId, personKey, 'idNumber')),
    name: seal(deps.keyring, member.name, memberContext(householdId, personKey, 'name')),
    phone: member.phone === undefined ? null : seal(deps.keyring, member.phone, memberContext(householdId, personKey, 'phone')),
    birthDate: info.birthDate,
    sex: info.sex,
    relationToHead: member.relationToHead,
    localHukou: member.localHukou,
    livingTogether: member.livingTogether,
    labourCapacity: member.labourCapacity,
    monthlyIncomeFen: member.monthlyIncomeFen,
    financialAssetsFen: member.financialAssetsFen,
    disabilityKind: member.disabilityKind ?? null,
    disabilityGrade: member.disabilityGrade ?? null,
    seriouslyIll: member.seriouslyIll ?? null,
    fromDate,
    toDate: null,
  };
}

export async function registerHousehold(deps: AssistanceDeps, principal: Principal, input: RegisterHouseholdInput): Promise<StoredHousehold> {
  const now = deps.now();
  const today = chinaToday(now);
  const region = atField('regionCode', () => requireRegion(input.regionCode, today, 'regionCode'));
  if (region.level !== 'village') {
    throw new AssistanceError('ASSIST_REGION_LEVEL', 'regionCode: 家庭须登记到村（居）一级 (a household is registered at village/community level: 12 digits)', { field: 'regionCode', rule: 'must be a 村居 code (12 digits)' });
  }
  requireJurisdiction(principal, input.regionCode);
  const checked = checkMembers(deps, input.members, today);
  const id = `HH-${randomUUID()}`;
  // One head, no person twice, incomes not negative, dates in order (the domain's rules).
  recordComposition(id, today, checked.map(({ member, personKey, fromDate }) => ({
    personKey,
    relationToHead: member.relationToHead,
    livingTogether: member.livingTogether,
    labourCapacity: member.labourCapacity,
    monthlyIncomeFen: member.monthlyIncomeFen,
    fromDate,
    toDate: null,
  })));

  const members = checked.map((one) => storedMember(deps, id, one));
  const household: StoredHousehold = {
    _id: id,
    regionCode: input.regionCode,
    townCode: input.regionCode.slice(0, 9),
    address: seal(deps.keyring, input.address, householdContext(id, 'address')),
    members,
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    updatedAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('assistance.household-composition-recorded', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: input.regionCode, person: headRef(deps.keyring, household), householdId: id }, now),
    recordReason: input.reason,
    members: eventMembers(deps.keyring, household),
  });
  const { outbox: _outbox, outboxPending: _pending, ...record } = household;
  await deps.households.insert(record, [event]);
  return household;
}
