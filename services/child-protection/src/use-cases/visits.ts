/**
 * 儿童主任/督导员探访: a visit to a child, recorded on the child's record with the visitor (the
 * caller), kind, outcome and an encrypted note; event `child-director-visit-recorded`.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { childRef } from '../children/child.people.js';
import type { StoredChild, StoredVisit } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { assertDateInLife } from '../domain/dates.js';
import { envelope, instantOf } from '../events.js';
import { childNoteContext, sealOptional } from '../protect.js';

export interface VisitInput {
  readonly visitedOn: string;
  readonly visitorRole: StoredVisit['visitorRole'];
  readonly visitKind: StoredVisit['visitKind'];
  readonly guardianPresent: boolean;
  readonly outcome: StoredVisit['outcome'];
  readonly note?: string;
}

export async function recordVisit(deps: ChildDeps, principal: Principal, childId: string, input: VisitInput): Promise<{ child: StoredChild; visit: StoredVisit }> {
  const child = await deps.children.get(childId, principal.jurisdiction);
  const now = deps.now();
  assertDateInLife(input.visitedOn, 'visitedOn', chinaToday(now), child.birthDate);
  const id = `VIS-${randomUUID()}`;
  const visit: StoredVisit = {
    id,
    visitedOn: input.visitedOn,
    visitorId: principal.subject,
    visitorRole: input.visitorRole,
    visitKind: input.visitKind,
    guardianPresent: input.guardianPresent,
    outcome: input.outcome,
    note: sealOptional(deps.keyring, input.note, childNoteContext(child._id, 'visit', id)),
    recordedAt: now,
  };
  const event = deps.publisher.prepare('child-protection.child-director-visit-recorded', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: instantOf(input.visitedOn), recordId: id, regionCode: child.regionCode, person: childRef(deps.keyring, child) }, now),
    visitId: id,
    visitorId: principal.subject,
    visitorRole: input.visitorRole,
    visitKind: input.visitKind,
    guardianPresent: input.guardianPresent,
    outcome: input.outcome,
    note: input.note ?? null,
  });
  await deps.children.update(child._id, child.version, { $push: { visits: visit }, $set: { updatedAt: now } }, [event]);
  return { child: { ...child, visits: [...child.visits, visit], version: child.version + 1, updatedAt: now }, visit };
}
