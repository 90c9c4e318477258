/**
 * 巡访 (visits): a home visit, care call or patrol to an elder, stored (note encrypted) and
 * published as `elderly-care.visit-recorded`, in one write; and the monthly-visit report: the
 * specially difficult elders (priority groups) of a jurisdiction not visited in a month.
 */
import { randomUUID } from 'node:crypto';
import type { ElderVisitKind, ElderVisitOutcome, WorkerRole } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { chinaMonth, lastDayOfMonth } from '../domain/dates.js';
import { ElderError, dateInFuture } from '../domain/errors.js';
import { personRef } from '../elders/elder.people.js';
import type { StoredElder } from '../elders/elder.schema.js';
import { envelope } from '../events.js';
import { seal, visitContext } from '../protect.js';
import type { StoredVisit } from '../visits/visit.schema.js';

export interface VisitInput {
  readonly visitorId: string;
  readonly visitorRole: WorkerRole;
  readonly visitKind: ElderVisitKind;
  readonly outcome: ElderVisitOutcome;
  readonly visitedAt: string;
  readonly durationMinutes?: number;
  readonly note?: string;
}

export async function recordVisit(deps: ElderlyCareDeps, principal: Principal, elderId: string, input: VisitInput): Promise<{ visit: StoredVisit; elder: StoredElder }> {
  const now = deps.now();
  const visitedAt = new Date(input.visitedAt);
  if (visitedAt.getTime() > now.getTime()) throw dateInFuture('visitedAt');
  const elder = await deps.elders.get(elderId, principal.jurisdiction);
  const id = `XF-${randomUUID()}`;
  const visit: StoredVisit = {
    _id: id,
    elderId: elder._id,
    personKey: elder.personKey,
    regionCode: elder.regionCode,
    visitorId: input.visitorId,
    visitorRole: input.visitorRole,
    visitKind: input.visitKind,
    outcome: input.outcome,
    visitedAt,
    visitMonth: chinaMonth(visitedAt),
    durationMinutes: input.durationMinutes ?? null,
    note: input.note === undefined ? null : seal(deps.keyring, input.note, visitContext(id, 'note')),
    recordedBy: principal.subject,
    version: 1,
    createdAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('elderly-care.visit-recorded', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: visitedAt, recordId: id, regionCode: elder.regionCode, person: personRef(deps.keyring, elder), householdId: elder.householdId }, now),
    visitId: id,
    visitorId: input.visitorId,
    visitorRole: input.visitorRole,
    visitKind: input.visitKind,
    outcome: input.outcome,
    durationMinutes: visit.durationMinutes,
    note: input.note ?? null,
  });
  const { outbox: _outbox, outboxPending: _pending, ...record } = visit;
  await deps.visits.insert(record, [event]);
  return { visit, elder };
}

export interface UnvisitedReport {
  readonly month: string;
  readonly regionCode: string;
  /** Specially difficult elders registered by the month's end. */
  readonly priorityElders: number;
  readonly visited: number;
  /** visited ÷ priorityElders in permille (1000 when there are none). */
  readonly visitRatePermille: number;
  readonly unvisited: StoredElder[];
}

/**
 * The priority elders of `regionCode` registered by the end of `month` with no visit that counts in
 * it (any kind; an outcome of NOT_MET, 未见到本人, does not count).
 */
export async function unvisitedIn(deps: ElderlyCareDeps, regionCode: string, month: string): Promise<UnvisitedReport> {
  if (month > chinaMonth(deps.now())) throw dateInFuture('month');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/u.test(month)) throw new ElderError('ELDER_INVALID_INPUT', 'month: 须为 YYYY-MM (must be YYYY-MM)', { field: 'month', rule: 'must be YYYY-MM' });
  const [elders, visitedIds] = await Promise.all([deps.elders.priorityElders(regionCode, lastDayOfMonth(month)), deps.visits.elderIdsVisitedIn(regionCode, month)]);
  const unvisited = elders.filter((elder) => !visitedIds.has(elder._id));
  const visited = elders.length - unvisited.length;
  return { month, regionCode, priorityElders: elders.length, visited, visitRatePermille: elders.length === 0 ? 1000 : Math.floor((visited * 1000) / elders.length), unvisited };
}
