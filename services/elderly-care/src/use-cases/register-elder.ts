/**
 * 老人档案登记: an elder checked (ID number per GB 11643, a 村居 code in the region table and in the
 * caller's jurisdiction, old enough for the registry), stored with personal fields encrypted, and
 * published as `elderly-care.elder-registered` through the outbox, in one write. The record id
 * follows from the person key, so registering the same person twice is ELDER_ALREADY_REGISTERED.
 */
import { randomUUID } from 'node:crypto';
import type { ElderEconomicStatus, LivingArrangement, WorkerRole } from '@minzheng/contracts';
import { requireRegion } from '@minzheng/identity/regions';
import { ageOn, parseResidentId } from '@minzheng/identity/resident-id';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { atField } from '@minzheng/service-kit/errors';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { ElderlyCareDeps } from '../deps.js';
import { chinaDate } from '../domain/dates.js';
import { ElderError } from '../domain/errors.js';
import { elderPriorityGroups, personRef } from '../elders/elder.people.js';
import type { StoredElder } from '../elders/elder.schema.js';
import { envelope } from '../events.js';
import { elderContext, seal, unseal } from '../protect.js';

export interface RegisterElderInput {
  readonly idNumber: string;
  readonly name: string;
  readonly phone?: string;
  readonly emergencyContactPhone?: string;
  readonly regionCode: string;
  readonly hukouResident: boolean;
  readonly livingArrangement: LivingArrangement;
  readonly economicStatus: ElderEconomicStatus;
  readonly leftBehind?: boolean;
  readonly lostOnlyChildFamily?: boolean;
  readonly severelyDisabled?: boolean;
  readonly householdId?: string;
  readonly assignedVisitorId?: string;
  readonly assignedVisitorRole?: WorkerRole;
}

/** The record id of a person: a prefix of the pseudonym (128 bits), never the ID number. */
export const elderIdOf = (personKey: string): string => `ELD-${personKey.slice(0, 32)}`;

export async function registerElder(deps: ElderlyCareDeps, principal: Principal, input: RegisterElderInput): Promise<StoredElder> {
  const now = deps.now();
  const today = chinaDate(now);
  const region = atField('regionCode', () => requireRegion(input.regionCode, today, 'regionCode'));
  if (region.level !== 'village') {
    throw new ElderError('ELDER_REGION_LEVEL', 'regionCode: 老人须登记到村（居）一级 (an elder is registered at village/community level: 12 digits)', { field: 'regionCode', rule: 'must be a 村居 code (12 digits)' });
  }
  requireJurisdiction(principal, input.regionCode);
  const info = atField('idNumber', () => parseResidentId(input.idNumber, now));
  const age = ageOn(info.birthDate, today);
  if (age < deps.parameters.minimumAge) {
    throw new ElderError('ELDER_TOO_YOUNG', `idNumber: 未达到登记年龄 ${deps.parameters.minimumAge} 岁 (younger than the registry's minimum age ${deps.parameters.minimumAge})`, {
      field: 'idNumber',
      rule: `must be at least ${deps.parameters.minimumAge} years old (PARAMETER MZ_ELDER_MIN_AGE)`,
      minimumAge: deps.parameters.minimumAge,
    });
  }
  if (input.assignedVisitorRole !== undefined && input.assignedVisitorId === undefined) {
    throw new ElderError('ELDER_INVALID_INPUT', 'assignedVisitorRole: 须同时提供巡访人编号 (needs assignedVisitorId)', { field: 'assignedVisitorId', rule: 'required when assignedVisitorRole is given' });
  }
  const personKey = deps.pseudonymizer.personKey(info.normalized);
  const id = elderIdOf(personKey);
  const sealOptional = (value: string | undefined, field: 'phone' | 'emergencyContactPhone'): string | null => (value === undefined ? null : seal(deps.keyring, value, elderContext(id, field)));
  const facts = {
    livingArrangement: input.livingArrangement,
    leftBehind: input.leftBehind ?? false,
    severelyDisabled: input.severelyDisabled ?? false,
    lostOnlyChildFamily: input.lostOnlyChildFamily ?? false,
    assessments: [],
  };
  const elder: StoredElder = {
    _id: id,
    regionCode: input.regionCode,
    townCode: input.regionCode.slice(0, 9),
    personKey,
    idNumber: seal(deps.keyring, info.normalized, elderContext(id, 'idNumber')),
    name: seal(deps.keyring, input.name, elderContext(id, 'name')),
    phone: sealOptional(input.phone, 'phone'),
    emergencyContactPhone: sealOptional(input.emergencyContactPhone, 'emergencyContactPhone'),
    birthDate: info.birthDate,
    sex: info.sex,
    hukouResident: input.hukouResident,
    economicStatus: input.economicStatus,
    ...facts,
    householdId: input.householdId ?? null,
    assignedVisitorId: input.assignedVisitorId ?? null,
    assignedVisitorRole: input.assignedVisitorRole ?? null,
    priorityGroups: elderPriorityGroups(facts, now),
    registeredOn: today,
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    updatedAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('elderly-care.elder-registered', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: input.regionCode, person: personRef(deps.keyring, elder), householdId: elder.householdId }, now),
    elderRecordId: id,
    livingArrangement: elder.livingArrangement,
    hukouResident: elder.hukouResident,
    economicStatus: elder.economicStatus,
    leftBehind: elder.leftBehind,
    lostOnlyChildFamily: elder.lostOnlyChildFamily,
    assignedVisitorId: elder.assignedVisitorId,
    assignedVisitorRole: elder.assignedVisitorRole,
    emergencyContactPhone: elder.emergencyContactPhone === null ? null : unseal(deps.keyring, elder.emergencyContactPhone, elderContext(id, 'emergencyContactPhone')),
  });
  const { outbox: _outbox, outboxPending: _pending, ...record } = elder;
  try {
    await deps.elders.insert(record, [event]);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    throw new ElderError('ELDER_ALREADY_REGISTERED', '该老人已登记 (this person already has an elder record)', { field: 'idNumber', rule: 'one elder record per person', elderId: id }, { cause: error });
  }
  return elder;
}
