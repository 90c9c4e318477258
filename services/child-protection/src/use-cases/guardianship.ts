/**
 * 监护状况变化: a guardian died, was detained, went missing, lost guardianship, fell seriously ill;
 * civil affairs took temporary guardianship (临时监护); or a new guardian was appointed (指定监护).
 * The answer says whether the child still has an effective guardian (`hasEffectiveGuardian`); the
 * same request may re-categorise the child (e.g. to DEFACTO_UNSUPPORTED) when the new situation
 * fits the category. Events: `guardianship-changed`, plus `child-registered` (re-registration with
 * the new category and guardians) when the category changed. An active allowance ends at the end
 * of the month of the change when the new category is not an allowance category, and moves to the
 * new category when it is one: `allowance-determined` (ENDED or RECATEGORISED) says so.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { childRef, guardianRef } from '../children/child.people.js';
import type { StoredChild, StoredGuardian, StoredGuardianshipChange } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { isAllowanceCategory } from '../domain/allowance.js';
import { addDays, assertDateInLife, lastDayOfMonth } from '../domain/dates.js';
import { ChildError, invalidInput } from '../domain/errors.js';
import { applyGuardianChange, assertCategoryFits, assertDistinctGuardians, hasEffectiveGuardian } from '../domain/guardianship.js';
import { envelope, instantOf } from '../events.js';
import { childNoteContext, sealOptional } from '../protect.js';
import { allowanceDetermined } from './allowance-events.js';
import { childRegistered, storedGuardian, type GuardianInput } from './register-child.js';

export interface GuardianshipChangeInput {
  readonly changeKind: StoredGuardianshipChange['changeKind'];
  readonly effectiveDate: string;
  /** The guardian the change concerns (all kinds but NEW_GUARDIAN_APPOINTED). */
  readonly guardianPersonKey?: string;
  /** The appointed guardian (NEW_GUARDIAN_APPOINTED only). */
  readonly newGuardian?: Omit<GuardianInput, 'situation'>;
  /** For OTHER: the guardian's new situation. */
  readonly situation?: StoredGuardian['situation'];
  readonly newCategory?: StoredChild['category'];
  readonly note?: string;
  readonly version?: number;
}

export async function changeGuardianship(deps: ChildDeps, principal: Principal, childId: string, input: GuardianshipChangeInput): Promise<StoredChild> {
  const child = await deps.children.get(childId, principal.jurisdiction);
  if (input.version !== undefined && input.version !== child.version) {
    throw new ChildError('CHILD_CONCURRENT_CHANGE', `儿童档案已被他人修改 (${childId} is at version ${child.version}, not ${input.version})`, { field: 'version', rule: 'the record must not have changed since it was read', version: child.version });
  }
  const now = deps.now();
  const today = chinaToday(now);
  assertDateInLife(input.effectiveDate, 'effectiveDate', today, child.birthDate);

  let guardians: StoredGuardian[];
  let concerned: StoredGuardian;
  if (input.changeKind === 'NEW_GUARDIAN_APPOINTED') {
    if (input.newGuardian === undefined) throw invalidInput('newGuardian', 'is required when changeKind is NEW_GUARDIAN_APPOINTED');
    if (input.guardianPersonKey !== undefined) throw invalidInput('guardianPersonKey', 'must be absent when changeKind is NEW_GUARDIAN_APPOINTED (give newGuardian)');
    concerned = storedGuardian(deps, child._id, { ...input.newGuardian, situation: 'ABLE' }, 'newGuardian', input.effectiveDate);
    assertDistinctGuardians(child.personKey, [concerned.personKey]);
    const kept = applyGuardianChange(child.guardians, 'NEW_GUARDIAN_APPOINTED', concerned.personKey);
    guardians = [...child.guardians.filter((guardian) => kept.some((other) => other.personKey === guardian.personKey)), concerned];
  } else {
    if (input.newGuardian !== undefined) throw invalidInput('newGuardian', `is only for NEW_GUARDIAN_APPOINTED (got ${input.changeKind})`);
    if (input.guardianPersonKey === undefined) throw invalidInput('guardianPersonKey', `is required when changeKind is ${input.changeKind}`);
    if (input.changeKind === 'OTHER' && input.situation === undefined) throw invalidInput('situation', 'is required when changeKind is OTHER');
    const personKey = input.guardianPersonKey;
    const applied = applyGuardianChange(child.guardians, input.changeKind, personKey, input.situation);
    guardians = child.guardians.map((guardian) => {
      const after = applied.find((other) => other.personKey === guardian.personKey);
      return after === undefined || after.situation === guardian.situation ? guardian : { ...guardian, situation: after.situation, since: input.effectiveDate };
    });
    concerned = guardians.find((guardian) => guardian.personKey === personKey) ?? (() => {
      throw new Error('guardian vanished');
    })();
  }
  const temporaryGuardianshipFrom = input.changeKind === 'TEMPORARY_GUARDIANSHIP_BY_CIVIL_AFFAIRS' ? input.effectiveDate : input.changeKind === 'NEW_GUARDIAN_APPOINTED' ? null : child.temporaryGuardianshipFrom;
  const state = { guardians, institutionId: child.institutionId, temporaryGuardianshipFrom };
  const effective = hasEffectiveGuardian(state);

  const category = input.newCategory ?? child.category;
  if (input.newCategory !== undefined) assertCategoryFits(input.newCategory, state, 'newCategory');
  const recategorised = category !== child.category;

  const changeId = `GC-${randomUUID()}`;
  const change: StoredGuardianshipChange = {
    id: changeId,
    changeKind: input.changeKind,
    guardianPersonKey: concerned.personKey,
    effectiveDate: input.effectiveDate,
    hasEffectiveGuardian: effective,
    categoryFrom: recategorised ? child.category : null,
    categoryTo: recategorised ? category : null,
    note: sealOptional(deps.keyring, input.note, childNoteContext(child._id, 'guardianship', changeId)),
    recordedBy: principal.subject,
    recordedAt: now,
  };
  const set: Record<string, unknown> = { guardians, temporaryGuardianshipFrom, category, updatedAt: now };
  const after: StoredChild = { ...child, guardians, temporaryGuardianshipFrom, category };
  const allowanceEvents = [];
  // An allowance stops with a category that has none: at the end of the month of the change.
  if (recategorised && !isAllowanceCategory(category) && child.allowance !== null && child.allowance.status !== 'ENDED') {
    const lastDay = lastDayOfMonth(input.effectiveDate);
    const endDate = lastDay < child.allowance.endDate ? lastDay : child.allowance.endDate;
    set['allowance.status'] = 'ENDED';
    set['allowance.endDate'] = endDate;
    set.allowanceStatus = 'ENDED';
    const allowance = { ...child.allowance, status: 'ENDED' as const, endDate };
    allowanceEvents.push(allowanceDetermined(deps, after, { kind: 'ENDED', allowance, effectiveDate: addDays(endDate, 1), previousSchedule: child.allowance.schedule, actorId: principal.subject }, now));
  } else if (recategorised && isAllowanceCategory(category) && child.allowance !== null && child.allowance.status !== 'ENDED') {
    set['allowance.category'] = category;
    const allowance = { ...child.allowance, category };
    allowanceEvents.push(allowanceDetermined(deps, after, { kind: 'RECATEGORISED', allowance, effectiveDate: input.effectiveDate, previousSchedule: child.allowance.schedule, actorId: principal.subject }, now));
  }
  const events = [
    deps.publisher.prepare('child-protection.guardianship-changed', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: instantOf(input.effectiveDate), recordId: changeId, regionCode: child.regionCode, person: childRef(deps.keyring, child) }, now),
      guardian: guardianRef(deps.keyring, after, concerned),
      changeKind: input.changeKind,
      effectiveDate: input.effectiveDate,
      hasEffectiveGuardian: effective,
      note: input.note ?? null,
    }),
    ...(recategorised ? [childRegistered(deps, after, now)] : []),
    ...allowanceEvents,
  ];
  await deps.children.update(child._id, child.version, { $set: set, $push: { guardianshipChanges: change } }, events);
  return deps.children.get(child._id, principal.jurisdiction);
}
