/** The elder as events carry them: the person reference, decrypted for the wire (the publisher encrypts it again). */
import type { PersonRef } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { chinaDate } from '../domain/dates.js';
import { priorityGroups, type PriorityGroup } from '../domain/priority.js';
import { elderContext, unseal } from '../protect.js';
import type { StoredAssessment, StoredElder } from './elder.schema.js';

export function personRef(keyring: Keyring, elder: Pick<StoredElder, '_id' | 'personKey' | 'idNumber' | 'name'>): PersonRef {
  return {
    personKey: elder.personKey,
    idNumber: unseal(keyring, elder.idNumber, elderContext(elder._id, 'idNumber')),
    name: unseal(keyring, elder.name, elderContext(elder._id, 'name')),
  };
}

/** The latest assessment still valid on `date` (by assessed date, then recording time), or null. */
export function currentAssessment(assessments: readonly StoredAssessment[], date: string): StoredAssessment | null {
  let best: StoredAssessment | null = null;
  for (const assessment of assessments) {
    if (assessment.assessedDate > date || (assessment.validUntil !== null && assessment.validUntil < date)) continue;
    if (!best || assessment.assessedDate > best.assessedDate || (assessment.assessedDate === best.assessedDate && assessment.recordedAt > best.recordedAt)) best = assessment;
  }
  return best;
}

/** The elder's priority groups on the day of `now`. */
export function elderPriorityGroups(elder: Pick<StoredElder, 'livingArrangement' | 'leftBehind' | 'severelyDisabled' | 'lostOnlyChildFamily' | 'assessments'>, now: Date): PriorityGroup[] {
  return priorityGroups({
    livingArrangement: elder.livingArrangement,
    leftBehind: elder.leftBehind,
    severelyDisabled: elder.severelyDisabled,
    lostOnlyChildFamily: elder.lostOnlyChildFamily,
    careDependencyLevel: currentAssessment(elder.assessments, chinaDate(now))?.careDependencyLevel ?? null,
  });
}
