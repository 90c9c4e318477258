/**
 * 儿童信息登记: a child under 18 (ID number per GB 11643), in a 村居 of the caller's jurisdiction,
 * with a category that fits its guardians, stored with personal fields encrypted and published as
 * `child-protection.child-registered` through the outbox, in one write.
 */
import { randomUUID } from 'node:crypto';
import { ageOn, parseResidentId } from '@minzheng/identity/resident-id';
import { requireRegion } from '@minzheng/identity/regions';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { atField } from '@minzheng/service-kit/errors';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import { eventGuardians, childRef } from '../children/child.people.js';
import type { StoredChild, StoredGuardian } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { assertCategoryFits, assertDistinctGuardians } from '../domain/guardianship.js';
import { ChildError } from '../domain/errors.js';
import { envelope } from '../events.js';
import { childContext, guardianContext, seal } from '../protect.js';

export interface GuardianInput {
  readonly idNumber: string;
  readonly name: string;
  readonly relation: StoredGuardian['relation'];
  readonly livesWithChild: boolean;
  readonly situation: StoredGuardian['situation'];
}

export interface RegisterChildInput {
  readonly idNumber: string;
  readonly name: string;
  readonly regionCode: string;
  readonly hukouResident: boolean;
  readonly category: StoredChild['category'];
  readonly guardians: readonly GuardianInput[];
  readonly institutionId?: string;
  readonly childDirectorId?: string;
  readonly tekunMinor?: boolean;
}

/** A guardian checked and sealed to this child. */
export function storedGuardian(deps: ChildDeps, childId: string, input: GuardianInput, field: string, since: string): StoredGuardian {
  const info = atField(`${field}.idNumber`, () => parseResidentId(input.idNumber, deps.now()));
  const personKey = deps.pseudonymizer.personKey(info.normalized);
  return {
    personKey,
    idNumber: seal(deps.keyring, info.normalized, guardianContext(childId, personKey, 'idNumber')),
    name: seal(deps.keyring, input.name, guardianContext(childId, personKey, 'name')),
    relation: input.relation,
    livesWithChild: input.livesWithChild,
    situation: input.situation,
    since,
  };
}

/** The `child-registered` event of the child as it now stands (registration and re-categorisation). */
export function childRegistered(deps: ChildDeps, child: StoredChild, now: Date, occurredAt = now) {
  return deps.publisher.prepare('child-protection.child-registered', {
    envelope: envelope({ eventId: randomUUID(), occurredAt, recordId: child._id, regionCode: child.regionCode, person: childRef(deps.keyring, child) }, now),
    childRecordId: child._id,
    category: child.category,
    guardians: eventGuardians(deps.keyring, child),
    hukouResident: child.hukouResident,
    institutionId: child.institutionId,
    childDirectorId: child.childDirectorId,
  });
}

export async function registerChild(deps: ChildDeps, principal: Principal, input: RegisterChildInput): Promise<StoredChild> {
  const now = deps.now();
  const today = chinaToday(now);
  const region = atField('regionCode', () => requireRegion(input.regionCode, today, 'regionCode'));
  if (region.level !== 'village') {
    throw new ChildError('CHILD_REGION_LEVEL', 'regionCode: 儿童须登记到村（居）一级 (a child is registered at village/community level: 12 digits)', { field: 'regionCode', rule: 'must be a 村居 code (12 digits)' });
  }
  requireJurisdiction(principal, input.regionCode);
  const info = atField('idNumber', () => parseResidentId(input.idNumber, now));
  const age = ageOn(info.birthDate, today);
  if (age >= 18) {
    throw new ChildError('CHILD_NOT_MINOR', `已满18周岁，不属于儿童 (the person is ${age} on ${today}: only minors under 18 are registered)`, { field: 'idNumber', rule: 'the child must be under 18 on the registration date', age });
  }
  const id = `CH-${randomUUID()}`;
  const personKey = deps.pseudonymizer.personKey(info.normalized);
  const guardians = input.guardians.map((guardian, index) => storedGuardian(deps, id, guardian, `guardians.${index}`, today));
  assertDistinctGuardians(personKey, guardians.map((guardian) => guardian.personKey));
  const institutionId = input.institutionId ?? null;
  assertCategoryFits(input.category, { guardians, institutionId, temporaryGuardianshipFrom: null });
  if (await deps.children.isRegistered(personKey)) throw alreadyRegistered();
  const child: StoredChild = {
    _id: id,
    personKey,
    idNumber: seal(deps.keyring, info.normalized, childContext(id, 'idNumber')),
    name: seal(deps.keyring, input.name, childContext(id, 'name')),
    birthDate: info.birthDate,
    sex: info.sex,
    regionCode: input.regionCode,
    townCode: input.regionCode.slice(0, 9),
    hukouResident: input.hukouResident,
    category: input.category,
    guardians,
    institutionId,
    childDirectorId: input.childDirectorId ?? null,
    tekunMinor: input.tekunMinor ?? false,
    temporaryGuardianshipFrom: null,
    guardianshipChanges: [],
    visits: [],
    allowance: null,
    allowanceStatus: null,
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    updatedAt: now,
    outbox: [],
    outboxPending: true,
  };
  const { outbox: _outbox, outboxPending: _pending, ...record } = child;
  try {
    await deps.children.insert(record, [childRegistered(deps, child, now)]);
  } catch (error) {
    if (isDuplicateKey(error)) throw alreadyRegistered(error);
    throw error;
  }
  return child;
}

function alreadyRegistered(cause?: unknown): ChildError {
  // The existing record may lie outside the caller's jurisdiction: its id is not disclosed.
  return new ChildError('CHILD_ALREADY_REGISTERED', '该儿童已登记 (a record for this ID number already exists)', { field: 'idNumber', rule: 'one registry record per child' }, cause === undefined ? undefined : { cause });
}
