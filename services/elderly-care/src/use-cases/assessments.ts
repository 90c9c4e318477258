/**
 * 老年人能力评估 (ability assessment): recorded on the elder, with the care-subsidy decision it
 * leads to (R-E11, `domain/care-subsidy.ts`: the table version in force is recorded), and published
 * as `elderly-care.ability-assessment-completed` followed by `elderly-care.care-subsidy-decided`,
 * in one write on the elder's document (which also refreshes the priority groups: 失能 counts for
 * the monthly visit).
 */
import { randomUUID } from 'node:crypto';
import type { CareDependencyLevel, CareSubsidyRefusalReason } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { decideCareSubsidy, type CareSubsidyDecision } from '../domain/care-subsidy.js';
import { chinaDate } from '../domain/dates.js';
import { ElderError, dateInFuture } from '../domain/errors.js';
import { currentAssessment, elderPriorityGroups, personRef } from '../elders/elder.people.js';
import type { StoredAssessment, StoredElder } from '../elders/elder.schema.js';
import { envelope } from '../events.js';

export interface AssessmentInput {
  readonly careDependencyLevel: CareDependencyLevel;
  readonly score?: number;
  readonly assessmentStandard?: string;
  readonly assessorOrganisationId: string;
  readonly assessedDate: string;
  readonly validUntil?: string;
  readonly version?: number;
}

export async function recordAssessment(deps: ElderlyCareDeps, principal: Principal, elderId: string, input: AssessmentInput): Promise<{ elder: StoredElder; assessment: StoredAssessment }> {
  const now = deps.now();
  const today = chinaDate(now);
  if (input.assessedDate > today) throw dateInFuture('assessedDate');
  if (input.validUntil !== undefined && input.validUntil < input.assessedDate) {
    throw new ElderError('ELDER_DATE_ORDER', 'validUntil: 有效期不能早于评估日期 (must not be before assessedDate)', { field: 'validUntil', rule: 'must not be before assessedDate' });
  }
  const elder = await deps.elders.get(elderId, principal.jurisdiction);
  if (input.assessedDate < elder.birthDate) {
    throw new ElderError('ELDER_DATE_ORDER', 'assessedDate: 评估日期早于出生日期 (before the elder\'s birth date)', { field: 'assessedDate', rule: 'must not be before the birth date' });
  }
  const assessmentId = `PG-${randomUUID()}`;
  const careSubsidy = decideCareSubsidy(deps.parameters.careSubsidyTables, { regionCode: elder.regionCode, economicStatus: elder.economicStatus, level: input.careDependencyLevel }, today);
  const assessment: StoredAssessment = {
    assessmentId,
    careDependencyLevel: input.careDependencyLevel,
    score: input.score ?? null,
    assessmentStandard: input.assessmentStandard ?? null,
    assessorOrganisationId: input.assessorOrganisationId,
    assessedDate: input.assessedDate,
    validUntil: input.validUntil ?? null,
    recordedBy: principal.subject,
    recordedAt: now,
    careSubsidy,
  };
  const assessments = [...elder.assessments, assessment];
  const priorityGroups = elderPriorityGroups({ ...elder, assessments }, now);
  const person = personRef(deps.keyring, elder);
  const event = deps.publisher.prepare('elderly-care.ability-assessment-completed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: assessmentId, regionCode: elder.regionCode, person, householdId: elder.householdId }, now),
    assessmentId,
    careDependencyLevel: assessment.careDependencyLevel,
    score: assessment.score,
    assessmentStandard: assessment.assessmentStandard,
    assessorOrganisationId: assessment.assessorOrganisationId,
    assessedDate: assessment.assessedDate,
    validUntil: assessment.validUntil,
  });
  const decided = deps.publisher.prepare('elderly-care.care-subsidy-decided', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: assessmentId, regionCode: elder.regionCode, person, householdId: elder.householdId }, now),
    assessmentId,
    program: 'ELDERLY_CARE_SUBSIDY',
    qualifies: careSubsidy.qualifies,
    monthlyAmountFen: careSubsidy.monthlyAmountFen,
    careDependencyLevel: input.careDependencyLevel,
    economicStatus: elder.economicStatus,
    standardVersionId: careSubsidy.versionId,
    tierId: careSubsidy.ruleId,
    notQualifiedReason: refusalOf(careSubsidy),
    decidedOn: careSubsidy.decidedOn,
  });
  await deps.elders.update(elder._id, input.version ?? elder.version, { $push: { assessments: assessment }, $set: { priorityGroups, updatedAt: now } }, [event, decided]);
  return { elder: { ...elder, assessments, priorityGroups, version: (input.version ?? elder.version) + 1, updatedAt: now }, assessment };
}

/**
 * Why a decision at assessment does not qualify, as the contract names it (null when it does). The
 * decision is made with the assessment just recorded, so it always has a level: either no table is
 * in force, or no rule covers the status and level (NO_VALID_ASSESSMENT does not arise here).
 */
function refusalOf(decision: CareSubsidyDecision): CareSubsidyRefusalReason | null {
  if (decision.qualifies) return null;
  return decision.versionId === null ? 'NO_STANDARD' : 'NOT_COVERED';
}

/** The subsidy the elder qualifies for on `date`, from the assessment valid that day (computed now, not stored). */
export function careSubsidyOn(deps: ElderlyCareDeps, elder: StoredElder, date: string): { decision: CareSubsidyDecision; assessmentId: string | null } {
  const current = currentAssessment(elder.assessments, date);
  return {
    decision: decideCareSubsidy(deps.parameters.careSubsidyTables, { regionCode: elder.regionCode, economicStatus: elder.economicStatus, level: current?.careDependencyLevel ?? null }, date),
    assessmentId: current?.assessmentId ?? null,
  };
}
