/**
 * Guardians (监护人) and guardianship changes (监护状况变化), pure rules.
 *
 * - A guardian can exercise guardianship when ABLE or WORKING_AWAY (a left-behind child's parents
 *   are still its guardians); DECEASED, DETAINED, MISSING, SERIOUSLY_ILL, SEVERELY_DISABLED and
 *   GUARDIANSHIP_REVOKED cannot; OTHER is unknown.
 * - A child has an effective guardian when one guardian can, when it is raised by an institution,
 *   or when civil affairs holds temporary guardianship (临时监护). Without one it is `false`; when
 *   the only guardians not known to be unable are OTHER, it is `null` ("not yet established").
 * - Categories must fit: a scattered orphan's recorded parents are all DECEASED; a 事实无人抚养
 *   child's recorded parents all cannot exercise guardianship (ASSUMPTION: the national reading of
 *   事实无人抚养, parents dead, missing, detained, seriously ill or disabled, or revoked; the seeds name
 *   the category without defining it); an institutional orphan has an institution.
 */
import type { ChildCategory, GuardianRelation, GuardianshipChangeKind, GuardianSituation } from '@minzheng/contracts';
import { ChildError } from './errors.js';

export const CAN_GUARD: readonly GuardianSituation[] = ['ABLE', 'WORKING_AWAY'];
export const CANNOT_GUARD: readonly GuardianSituation[] = ['DECEASED', 'DETAINED', 'MISSING', 'SERIOUSLY_ILL', 'SEVERELY_DISABLED', 'GUARDIANSHIP_REVOKED'];
const PARENTS: readonly GuardianRelation[] = ['FATHER', 'MOTHER'];

/** What the rules need of a guardian. */
export interface GuardianState {
  readonly personKey: string;
  readonly relation: GuardianRelation;
  readonly situation: GuardianSituation;
}

export interface GuardianshipState {
  readonly guardians: readonly GuardianState[];
  readonly institutionId: string | null;
  /** Date from which civil affairs holds temporary guardianship, or null. */
  readonly temporaryGuardianshipFrom: string | null;
}

/** True, false, or null when not established (see the module note). */
export function hasEffectiveGuardian(state: GuardianshipState): boolean | null {
  if (state.institutionId !== null || state.temporaryGuardianshipFrom !== null) return true;
  if (state.guardians.some((guardian) => CAN_GUARD.includes(guardian.situation))) return true;
  if (state.guardians.some((guardian) => guardian.situation === 'OTHER')) return null;
  return false;
}

/** The situation a change gives the guardian it names (undefined: the situation does not change). */
const SITUATION_AFTER: Readonly<Partial<Record<GuardianshipChangeKind, GuardianSituation>>> = {
  DEATH: 'DECEASED',
  DETENTION: 'DETAINED',
  MISSING: 'MISSING',
  REVOKED: 'GUARDIANSHIP_REVOKED',
  SERIOUS_ILLNESS: 'SERIOUSLY_ILL',
};

export const situationAfter = (kind: GuardianshipChangeKind): GuardianSituation | undefined => SITUATION_AFTER[kind];

/**
 * Checks a change against the guardian it names: the guardian must exist (except for a new
 * appointment, which must NOT name a current guardian), and a deceased guardian cannot change
 * situation again. Returns the guardians after the change (the appointed one added by the caller).
 */
export function applyGuardianChange(guardians: readonly GuardianState[], kind: GuardianshipChangeKind, guardianPersonKey: string, situation?: GuardianSituation): GuardianState[] {
  const index = guardians.findIndex((guardian) => guardian.personKey === guardianPersonKey);
  if (kind === 'NEW_GUARDIAN_APPOINTED') {
    const current = guardians[index];
    if (current !== undefined && CAN_GUARD.includes(current.situation)) {
      throw new ChildError('CHILD_GUARDIAN_DUPLICATE', '该监护人已是有效监护人 (the appointed person is already an effective guardian of the child)', { field: 'newGuardian.idNumber', rule: 'a new guardian must not already be an effective guardian', personKey: guardianPersonKey });
    }
    if (current?.situation === 'DECEASED') {
      throw new ChildError('CHILD_ILLEGAL_GUARDIANSHIP_CHANGE', '已死亡的人不能被指定为监护人 (a deceased person cannot be appointed guardian)', { field: 'newGuardian.idNumber', rule: 'a deceased person cannot be appointed', personKey: guardianPersonKey });
    }
    // Re-appointing a person who had lost guardianship (e.g. after release) replaces their entry.
    return guardians.filter((guardian) => guardian.personKey !== guardianPersonKey);
  }
  const current = guardians[index];
  if (current === undefined) {
    throw new ChildError('CHILD_UNKNOWN_GUARDIAN', '监护人不存在 (the person key names no guardian of the child)', { field: 'guardianPersonKey', rule: 'must name a guardian of the child', personKey: guardianPersonKey });
  }
  if (current.situation === 'DECEASED') {
    throw new ChildError('CHILD_ILLEGAL_GUARDIANSHIP_CHANGE', `监护人已死亡，不能再变更其状况 (the guardian is recorded as deceased; a ${kind} change is impossible)`, { field: 'changeKind', rule: 'a deceased guardian\'s situation cannot change', changeKind: kind, personKey: guardianPersonKey });
  }
  const next = situationAfter(kind) ?? situation ?? current.situation;
  return guardians.map((guardian, at) => (at === index ? { ...guardian, situation: next } : guardian));
}

/** Requires the category to fit the guardians and institution (`CHILD_CATEGORY_NOT_ALLOWED`). */
export function assertCategoryFits(category: ChildCategory, state: GuardianshipState, field = 'category'): void {
  const parents = state.guardians.filter((guardian) => PARENTS.includes(guardian.relation));
  const refuse = (rule: string): never => {
    throw new ChildError('CHILD_CATEGORY_NOT_ALLOWED', `儿童类别与监护状况不符 (${category}: ${rule})`, { field, rule, category });
  };
  switch (category) {
    case 'INSTITUTIONAL_ORPHAN':
      if (state.institutionId === null) refuse('an institutional orphan needs institutionId');
      if (parents.some((parent) => parent.situation !== 'DECEASED')) refuse('every recorded parent must be DECEASED');
      return;
    case 'SCATTERED_ORPHAN':
      if (parents.some((parent) => parent.situation !== 'DECEASED')) refuse('every recorded parent must be DECEASED');
      return;
    case 'DEFACTO_UNSUPPORTED':
      if (parents.some((parent) => !CANNOT_GUARD.includes(parent.situation))) refuse('every recorded parent must be unable to exercise guardianship (deceased, detained, missing, seriously ill, severely disabled or revoked)');
      return;
    case 'LEFT_BEHIND':
    case 'IN_DIFFICULTY':
    case 'OTHER':
      return;
  }
}

/** Requires distinct guardians, none of them the child (`CHILD_GUARDIAN_DUPLICATE`). */
export function assertDistinctGuardians(childPersonKey: string, guardianKeys: readonly string[]): void {
  const seen = new Set<string>([childPersonKey]);
  guardianKeys.forEach((key, index) => {
    if (seen.has(key)) throw new ChildError('CHILD_GUARDIAN_DUPLICATE', `监护人重复或为儿童本人 (guardians.${index} is listed twice or is the child)`, { field: `guardians.${index}.idNumber`, rule: 'guardians must be distinct people other than the child', personKey: key });
    seen.add(key);
  });
}
