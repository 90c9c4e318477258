/**
 * The allowance's events (see README, "Events produced"): `allowance-reviewed` after the review,
 * and `allowance-determined` whenever the amounts are decided or change: approval, re-computation
 * after a 低保 or rule version, a move to another allowance category, or the end. Each is written in
 * the same single-document write as the change on the child (its outbox), keyed by the child's
 * person key like every event of the child.
 */
import { randomUUID } from 'node:crypto';
import type { AllowanceDeterminationKind } from '@minzheng/contracts';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { childRef } from '../children/child.people.js';
import type { StoredAllowance, StoredChild } from '../children/child.schema.js';
import type { ChildDeps } from '../deps.js';
import { programOf, segmentOn, type AmountSegment } from '../domain/allowance.js';
import { envelope } from '../events.js';

export function allowanceReviewed(deps: ChildDeps, child: StoredChild, allowance: StoredAllowance, now: Date): PreparedEvent {
  return deps.publisher.prepare('child-protection.allowance-reviewed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: child._id, regionCode: child.regionCode, person: childRef(deps.keyring, child) }, now),
    childRecordId: child._id,
    program: programOf(allowance.category),
    allowanceCategory: allowance.category,
    startDate: allowance.startDate,
    endDate: allowance.endDate,
    reviewerId: allowance.reviewerId,
  });
}

export interface Determination {
  readonly kind: AllowanceDeterminationKind;
  /** The allowance as it stands after the change. */
  readonly allowance: StoredAllowance;
  /** First day the determination applies (see the schema's `effectiveDate`). */
  readonly effectiveDate: string;
  /** The schedule before the change; null for an approval. */
  readonly previousSchedule: readonly AmountSegment[] | null;
  /** The 低保 version whose arrival caused a re-computation. */
  readonly causeVersionId?: string | null;
  /** The user whose action led to it; null for a re-computation triggered by a standard. */
  readonly actorId: string | null;
}

export function allowanceDetermined(deps: ChildDeps, child: StoredChild, determination: Determination, now: Date): PreparedEvent {
  const { allowance, effectiveDate, kind } = determination;
  const ended = allowance.status === 'ENDED';
  // The amounts up to the (possibly earlier) end; an allowance ended before approval has none.
  const schedule = allowance.schedule.filter((segment) => segment.from <= allowance.endDate);
  const current = ended ? undefined : (segmentOn(schedule, effectiveDate) ?? schedule[0]);
  const previous = determination.previousSchedule === null ? undefined : segmentOn(determination.previousSchedule, effectiveDate);
  return deps.publisher.prepare('child-protection.allowance-determined', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: child._id, regionCode: child.regionCode, person: childRef(deps.keyring, child) }, now),
    childRecordId: child._id,
    program: programOf(allowance.category),
    allowanceCategory: allowance.category,
    determinationKind: kind,
    effectiveDate,
    startDate: allowance.startDate,
    endDate: allowance.endDate,
    monthlyAmountFen: current?.amountFen ?? null,
    previousMonthlyAmountFen: previous?.amountFen ?? null,
    standardVersionId: current?.dibaoVersionId ?? null,
    ruleVersionId: current?.ruleVersionId ?? null,
    causeVersionId: determination.causeVersionId ?? null,
    schedule: schedule.map((segment) => ({
      fromDate: segment.from,
      amountFen: segment.amountFen,
      dibaoStandardFen: segment.dibaoFen,
      standardVersionId: segment.dibaoVersionId,
      ruleVersionId: segment.ruleVersionId,
      ratioPermille: segment.ratioPermille,
    })),
    reviewerId: allowance.reviewerId,
    approverId: allowance.approverId,
    actorId: determination.actorId,
  });
}
