/**
 * What happens to an alert: made from a flag (routed, deadlines set, delivered to the console, the
 * stream and the webhooks), updated or closed with its flag, acknowledged, noted, resolved with an
 * outcome, reassigned by hand, escalated when a deadline passes. Each change is one
 * version-guarded write of the alert with its events in the outbox; what follows the write (the
 * deadlines, the stream entry, the webhook) is idempotent, so a retry after a crash finishes it
 * without doing anything twice.
 */
import { randomUUID } from 'node:crypto';
import type { AlertOutcome, EscalationReason, FlagClosed, FlagRaised, FlagUpdated, PersonRef, ProgramType, Urgency, WorkerRole } from '@minzheng/contracts';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { decryptField, encryptField } from '@minzheng/identity/field-crypto';
import { CHILD_CASE_ROLES, hasRole, type Principal } from '@minzheng/service-kit/auth';
import { alertIdOf, LIVE_STATUSES, type AlertLogEntry, type AlertStatus, type StoredAlert } from '../alerts/alert.schema.js';
import type { AlertingDeps } from '../deps.js';
import type { DeadlineEntry } from '../escalation/deadlines.js';
import { AlertErrors } from '../errors.js';
import { envelope } from '../events.js';
import type { Assignment } from '../routing/routing-table.js';
import type { AlertSummary, StreamEntryKind } from '../stream/stream-log.js';

const idContext = (alertId: string) => `alert|${alertId}|idNumber`;
const noteContext = (alertId: string, noteId: string) => `alert|${alertId}|note|${noteId}`;
const URGENCY_ORDER: Readonly<Record<Urgency, number>> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/** The subject as the alert's events name it (the ID number decrypted for the envelope only). */
function personOf(deps: AlertingDeps, alert: StoredAlert): PersonRef | null {
  if (alert.personKey === null || alert.personIdNumber === null) return null;
  return { personKey: alert.personKey, idNumber: decryptField(deps.keyring, alert.personIdNumber, idContext(alert._id)), name: null };
}

function envelopeOf(deps: AlertingDeps, alert: StoredAlert, now: Date) {
  return envelope({ eventId: randomUUID(), occurredAt: now, recordId: alert._id, regionCode: alert.regionCode, person: personOf(deps, alert), householdId: alert.householdId, correlationId: alert.flagId, causationId: alert.flagEventId }, now);
}

export function summaryOf(alert: StoredAlert): AlertSummary {
  return {
    alertId: alert._id,
    flagId: alert.flagId,
    ruleId: alert.ruleId,
    flagCode: alert.flagCode,
    urgency: alert.urgency,
    title: alert.title,
    explanation: alert.explanation,
    regionCode: alert.regionCode,
    status: alert.status,
    escalationLevel: alert.escalationLevel,
    ackDueAt: alert.ackDueAt.toISOString(),
    resolveDueAt: alert.resolveDueAt.toISOString(),
  };
}

const logEntry = (at: Date, action: string, by: string, detail: string | null = null): AlertLogEntry => ({ at, action, by, detail });

/**
 * After a write: the deadlines the alert has now, its stream entry (once per `streamKey`), and the
 * webhook notification. Idempotent: run again after a crash or a redelivery, it adds nothing twice.
 */
async function follow(deps: AlertingDeps, alert: StoredAlert, streamKey: string, kind: StreamEntryKind, previous: Assignment | null, notify: Notification['kind'] | null): Promise<void> {
  await deps.deadlines.schedule(deadlinesOf(alert));
  if (!alert.streamed.includes(streamKey)) {
    await deps.stream.append({ kind, alertId: alert._id, regionCode: alert.regionCode, childCase: alert.childCase, assigneeRole: alert.assigneeRole, caseworkerId: alert.caseworkerId, previous, alert: summaryOf(alert) }, deps.now());
    await deps.alerts.markStreamed(alert._id, streamKey);
    deps.hub.nudge();
  }
  if (notify !== null && deps.notifier !== null) await deps.notifier.enqueue(notificationOf(alert, notify));
}

/** The deadlines an alert has in its state: acknowledgement while open, resolution while live. */
function deadlinesOf(alert: StoredAlert): Omit<DeadlineEntry, '_id'>[] {
  const deadlines: Omit<DeadlineEntry, '_id'>[] = [];
  if (alert.status === 'OPEN') deadlines.push({ alertId: alert._id, kind: 'ack', dueAt: alert.ackDueAt, level: alert.escalationLevel });
  if ((LIVE_STATUSES as readonly string[]).includes(alert.status)) deadlines.push({ alertId: alert._id, kind: 'resolve', dueAt: alert.resolveDueAt, level: alert.escalationLevel });
  return deadlines;
}

type Notification = Parameters<NonNullable<AlertingDeps['notifier']>['enqueue']>[0];

/** What the webhooks are told (no personal data: the summary, who holds it, the outcome). */
function notificationOf(alert: StoredAlert, kind: Notification['kind']): Notification {
  return { kind, alertId: alert._id, urgency: alert.urgency, ruleId: alert.ruleId, payload: { ...summaryOf(alert), assigneeRole: alert.assigneeRole, caseworkerId: alert.caseworkerId, outcome: alert.outcome, sequence: kind === 'ALERT_DELIVERED' ? 1 : alert.version } };
}

/** The stored alert after an update (the write succeeded at `version`). */
async function reload(deps: AlertingDeps, id: string): Promise<StoredAlert> {
  const alert = await deps.alerts.byId(id);
  if (alert === null) throw new Error(`alert ${id} vanished after its write`);
  return alert;
}

// --- from the flags -----------------------------------------------------------------------------

/** The alert a flag makes (not yet stored) and its alert-delivered event. */
function newAlert(deps: AlertingDeps, flag: FlagRaised | FlagUpdated, flagEventId: string, now: Date, deliveredSeq: number): { alert: StoredAlert; events: PreparedEvent[] } {
  const id = alertIdOf(flag.flagId);
  const region = flag.envelope.region;
  const regionCode = region.villageCode ?? region.townCode ?? region.countyCode;
  const assignment = deps.routing.route({ ruleId: flag.ruleId, flagCode: flag.flagCode, urgency: flag.urgency, regionCode, targetRole: flag.targetRole });
  const due = deps.routing.deadlines(flag.urgency);
  const person = flag.envelope.person;
  const alert: StoredAlert = {
    _id: id,
    flagId: flag.flagId,
    flagEventId,
    ruleId: flag.ruleId,
    ruleVersion: flag.ruleVersion,
    flagCode: flag.flagCode,
    urgency: flag.urgency,
    title: flag.title,
    explanation: flag.explanation,
    suggestedProgram: flag.suggestedProgram,
    standardVersionId: flag.standardVersionId,
    facts: flag.facts.map((fact) => ({ ...fact, occurredAt: new Date(fact.occurredAt).toISOString() })),
    regionCode,
    subjectKind: person === null ? 'household' : 'person',
    personKey: person?.personKey ?? null,
    personIdNumber: person === null ? null : encryptField(deps.keyring, person.idNumber, idContext(id)),
    householdId: flag.envelope.household?.householdId ?? null,
    assigneeRole: assignment.role,
    caseworkerId: assignment.caseworkerId,
    childCase: CHILD_CASE_ROLES.has(assignment.role) || CHILD_CASE_ROLES.has(flag.targetRole),
    routingVersion: deps.routing.version,
    status: 'OPEN',
    escalationLevel: 0,
    ackDueAt: new Date(now.getTime() + due.ackMs),
    resolveDueAt: new Date(now.getTime() + due.resolveMs),
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    outcome: null,
    outcomeProgram: null,
    flagClosedAt: null,
    flagCloseReason: null,
    notes: [],
    log: [logEntry(now, 'DELIVERED', 'system', `${assignment.role}${assignment.caseworkerId === null ? '' : ` ${assignment.caseworkerId}`} (routing ${deps.routing.version})`)],
    streamed: ['delivered'],
    deliveredSeq,
    version: 1,
    createdAt: now,
    updatedAt: now,
    outbox: [],
    outboxPending: false,
  };
  const events = [
    deps.publisher.prepare('alerting.alert-delivered', {
      envelope: envelopeOf(deps, alert, now),
      alertId: id,
      flagId: flag.flagId,
      ruleId: flag.ruleId,
      flagCode: flag.flagCode,
      urgency: flag.urgency,
      assigneeRole: assignment.role,
      caseworkerId: assignment.caseworkerId,
      channel: 'CONSOLE',
      deliveryAttempt: 1,
      ackDueAt: alert.ackDueAt,
      resolveDueAt: alert.resolveDueAt,
    }),
  ];
  return { alert, events };
}

/**
 * Flags were raised: their alerts, routed and delivered, in a few writes for the whole batch (one
 * read of what exists, one reservation of stream numbers, one insert of the new alerts with their
 * outboxes, one of their stream entries, one of their deadlines). A redelivered flag meets its
 * alert and finishes what a crash left — its stream entry (under the number the alert keeps) and
 * deadlines are written again, and what is there already is left: nothing twice.
 */
export async function receiveFlags(deps: AlertingDeps, flags: readonly { readonly flag: FlagRaised | FlagUpdated; readonly eventId: string }[]): Promise<StoredAlert[]> {
  const byId = new Map<string, { readonly flag: FlagRaised | FlagUpdated; readonly eventId: string }>();
  for (const item of flags) if (!byId.has(alertIdOf(item.flag.flagId))) byId.set(alertIdOf(item.flag.flagId), item);
  if (byId.size === 0) return [];
  const existing = await deps.alerts.byIds([...byId.keys()]);
  const now = deps.now();
  const fresh = [...byId].filter(([id]) => !existing.has(id));
  // The stream numbers first: each alert is written with its own, so its entry can be written again under it (idempotent).
  const first = fresh.length === 0 ? 0 : await deps.stream.reserve(fresh.length);
  const made = fresh.map(([, item], index) => newAlert(deps, item.flag, item.eventId, now, first + index));
  const inserted = await deps.alerts.insertMany(made);
  // Another instance made some meanwhile (fewer inserted than made): what is stored is what follows.
  const stored = inserted === made.length ? new Map([...existing, ...made.map(({ alert }) => [alert._id, alert] as const)]) : new Map([...existing, ...(await deps.alerts.byIds(made.map((item) => item.alert._id)))]);
  const alerts = [...byId.keys()].map((id) => stored.get(id)).filter((alert): alert is StoredAlert => alert !== undefined);
  await deps.stream.write(alerts.map((alert) => ({ seq: alert.deliveredSeq, kind: 'ALERT' as const, alertId: alert._id, regionCode: alert.regionCode, childCase: alert.childCase, assigneeRole: alert.assigneeRole, caseworkerId: alert.caseworkerId, previous: null, alert: summaryOf(alert) })), now);
  deps.hub.nudge();
  await deps.deadlines.schedule(alerts.flatMap(deadlinesOf));
  if (deps.notifier !== null) for (const alert of alerts) await deps.notifier.enqueue(notificationOf(alert, 'ALERT_DELIVERED'));
  return alerts;
}

/** A flag was raised: its alert (`receiveFlags` for one). */
export async function receiveFlag(deps: AlertingDeps, flag: FlagRaised | FlagUpdated, flagEventId: string): Promise<StoredAlert> {
  const [alert] = await receiveFlags(deps, [{ flag, eventId: flagEventId }]);
  if (alert === undefined) throw new Error(`the alert of flag ${flag.flagId} was neither made nor found`);
  return alert;
}

/** The flag changed (a second press, a new fact, a higher urgency): the alert follows; a more urgent flag brings its deadlines forward. */
export async function flagUpdated(deps: AlertingDeps, flag: FlagUpdated, flagEventId: string): Promise<void> {
  const alert = await deps.alerts.byId(alertIdOf(flag.flagId));
  if (alert === null) {
    // Raised before this service saw it (or its raise is on another partition's way): the update makes the alert.
    await receiveFlag(deps, flag, flagEventId);
    return;
  }
  if (!(LIVE_STATUSES as readonly string[]).includes(alert.status)) return;
  const now = deps.now();
  const set: Record<string, unknown> = { explanation: flag.explanation, title: flag.title, facts: flag.facts.map((fact) => ({ ...fact, occurredAt: new Date(fact.occurredAt).toISOString() })), updatedAt: now };
  if (URGENCY_ORDER[flag.urgency] < URGENCY_ORDER[alert.urgency]) {
    const due = deps.routing.deadlines(flag.urgency);
    set.urgency = flag.urgency;
    set.ackDueAt = new Date(Math.min(alert.ackDueAt.getTime(), now.getTime() + due.ackMs));
    set.resolveDueAt = new Date(Math.min(alert.resolveDueAt.getTime(), now.getTime() + due.resolveMs));
  }
  if (set.ackDueAt !== undefined) await deps.deadlines.schedule(deadlinesOf({ ...alert, ackDueAt: set.ackDueAt as Date, resolveDueAt: set.resolveDueAt as Date }));
  await deps.alerts.update(alert._id, alert.version, { $set: set, $push: { log: logEntry(now, 'FLAG_UPDATED', 'system', `${flag.updateKind} ${flag.urgency}`) } }, []);
  await follow(deps, await reload(deps, alert._id), `updated|${flagEventId}`, 'UPDATED', null, null);
}

/** The flag closed: an alert nobody acknowledged is cancelled (its condition cleared); one in hand stays for its outcome, marked. */
export async function flagClosed(deps: AlertingDeps, flag: FlagClosed, flagEventId: string): Promise<void> {
  const alert = await deps.alerts.byId(alertIdOf(flag.flagId));
  if (alert === null || !(LIVE_STATUSES as readonly string[]).includes(alert.status)) return;
  const now = deps.now();
  const cancel = alert.status === 'OPEN';
  await deps.alerts.update(alert._id, alert.version, {
    $set: { flagClosedAt: now, flagCloseReason: flag.closeReason, ...(cancel ? { status: 'CANCELLED' satisfies AlertStatus } : {}), updatedAt: now },
    $push: { log: logEntry(now, cancel ? 'CANCELLED' : 'FLAG_CLOSED', 'system', flag.closeReason) },
  }, []);
  await follow(deps, await reload(deps, alert._id), `closed|${flagEventId}`, cancel ? 'CANCELLED' : 'UPDATED', null, null);
}

// --- by the caseworkers -------------------------------------------------------------------------

/** Whether `principal` holds `alert`: named, their role's queue in their area, or a supervisor (within the jurisdiction the repository checked). */
export function holds(deps: AlertingDeps, principal: Principal, alert: StoredAlert): boolean {
  if (principal.roles.includes('supervisor') || principal.roles.includes('admin')) return true;
  if (alert.caseworkerId !== null) return alert.caseworkerId === principal.subject;
  const member = deps.routing.staffMember(principal.subject);
  // The role's queue: members of that role whose area contains the alert's region.
  return member?.role === alert.assigneeRole && alert.regionCode.startsWith(member.regionCode);
}

/** Children's cases are for child-protection staff, supervisors and admins (the kit's `maySeeCase` rule). */
export const seesChildCases = (principal: Principal): boolean => hasRole(principal, 'child-protection', 'supervisor', 'admin');

/**
 * The alert, when `principal` may see it: inside their jurisdiction, and — a child's case (held by
 * 儿童主任, 儿童督导员 or 未保站) — only for child-protection staff, supervisors and admins; otherwise
 * it does not exist for them (`ALERT_NOT_FOUND`, no probing).
 */
export async function visibleAlert(deps: AlertingDeps, principal: Principal, id: string): Promise<StoredAlert> {
  const alert = await deps.alerts.get(id, principal.jurisdiction);
  if (alert.childCase && !seesChildCases(principal)) throw AlertErrors.notFound(id);
  return alert;
}

async function held(deps: AlertingDeps, principal: Principal, id: string, action: string, allowed: readonly AlertStatus[]): Promise<StoredAlert> {
  const alert = await visibleAlert(deps, principal, id);
  if (!holds(deps, principal, alert)) throw AlertErrors.notAssignee(id);
  if (!allowed.includes(alert.status)) throw AlertErrors.illegalState(id, alert.status, action, allowed);
  return alert;
}

const roleOf = (deps: AlertingDeps, principal: Principal, alert: StoredAlert): WorkerRole => deps.routing.staffMember(principal.subject)?.role ?? (principal.roles.includes('supervisor') ? 'SUPERVISOR' : alert.assigneeRole);

export async function acknowledge(deps: AlertingDeps, principal: Principal, id: string): Promise<StoredAlert> {
  const alert = await held(deps, principal, id, '签收 (acknowledge)', ['OPEN']);
  const now = deps.now();
  const event = deps.publisher.prepare('alerting.alert-acknowledged', { envelope: envelopeOf(deps, alert, now), alertId: id, flagId: alert.flagId, acknowledgedById: principal.subject, acknowledgedByRole: roleOf(deps, principal, alert) });
  await deps.alerts.update(id, alert.version, { $set: { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedBy: principal.subject, updatedAt: now }, $push: { log: logEntry(now, 'ACKNOWLEDGED', principal.subject) } }, [event]);
  const stored = await reload(deps, id);
  await follow(deps, stored, `ack|${String(stored.version)}`, 'ACKNOWLEDGED', null, null);
  return stored;
}

export async function addNote(deps: AlertingDeps, principal: Principal, id: string, text: string): Promise<StoredAlert> {
  const alert = await held(deps, principal, id, '添加备注 (add a note)', ['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
  const now = deps.now();
  const noteId = randomUUID();
  await deps.alerts.update(id, alert.version, { $set: { updatedAt: now }, $push: { notes: { noteId, at: now, by: principal.subject, text: encryptField(deps.keyring, text, noteContext(id, noteId)) }, log: logEntry(now, 'NOTE', principal.subject) } }, []);
  return reload(deps, id);
}

export const readNote = (deps: AlertingDeps, alertId: string, note: { noteId: string; text: string }): string => decryptField(deps.keyring, note.text, noteContext(alertId, note.noteId));

export interface ResolveInput {
  readonly outcome: AlertOutcome;
  readonly program?: ProgramType;
  readonly note?: string;
}

export async function resolve(deps: AlertingDeps, principal: Principal, id: string, input: ResolveInput): Promise<StoredAlert> {
  const alert = await held(deps, principal, id, '办结 (record the outcome)', ['OPEN', 'ACKNOWLEDGED']);
  const now = deps.now();
  const event = deps.publisher.prepare('alerting.alert-outcome-recorded', { envelope: envelopeOf(deps, alert, now), alertId: id, flagId: alert.flagId, outcome: input.outcome, recordedById: principal.subject, recordedByRole: roleOf(deps, principal, alert), program: input.program ?? null, note: input.note ?? null });
  const noteId = randomUUID();
  await deps.alerts.update(id, alert.version, {
    $set: { status: 'RESOLVED', outcome: input.outcome, outcomeProgram: input.program ?? null, resolvedAt: now, resolvedBy: principal.subject, updatedAt: now },
    $push: {
      log: logEntry(now, 'RESOLVED', principal.subject, input.outcome),
      ...(input.note === undefined ? {} : { notes: { noteId, at: now, by: principal.subject, text: encryptField(deps.keyring, input.note, noteContext(id, noteId)) } }),
    },
  }, [event]);
  const stored = await reload(deps, id);
  await follow(deps, stored, 'resolved', 'RESOLVED', null, 'ALERT_RESOLVED');
  return stored;
}

/** Moves the alert to another holder: a new acknowledgement deadline when it was not yet acknowledged. */
async function moveTo(deps: AlertingDeps, alert: StoredAlert, to: Assignment, reason: EscalationReason, by: string | null, level: number): Promise<StoredAlert> {
  const now = deps.now();
  const due = deps.routing.deadlines(alert.urgency);
  const set: Record<string, unknown> = { assigneeRole: to.role, caseworkerId: to.caseworkerId, escalationLevel: level, updatedAt: now };
  let newAckDueAt: Date | null = null;
  if (alert.status === 'OPEN') {
    newAckDueAt = new Date(now.getTime() + due.ackMs);
    set.ackDueAt = newAckDueAt;
  }
  if (reason === 'RESOLVE_OVERDUE') set.resolveDueAt = new Date(now.getTime() + due.resolveMs);
  const event = deps.publisher.prepare('alerting.alert-escalated', { envelope: envelopeOf(deps, alert, now), alertId: alert._id, flagId: alert.flagId, reason, escalationLevel: level, fromRole: alert.assigneeRole, toRole: to.role, toCaseworkerId: to.caseworkerId, escalatedById: by, newAckDueAt });
  const action = reason === 'MANUAL' ? 'REASSIGNED' : 'ESCALATED';
  // The deadlines the moved alert will have, first: a crash after the write must not leave it without
  // any (the old ones go stale with the level). Written for nothing if the write loses a race: stale too.
  await deps.deadlines.schedule(deadlinesOf({ ...alert, escalationLevel: level, ackDueAt: (set.ackDueAt as Date | undefined) ?? alert.ackDueAt, resolveDueAt: (set.resolveDueAt as Date | undefined) ?? alert.resolveDueAt }));
  await deps.alerts.update(alert._id, alert.version, { $set: set, $push: { log: logEntry(now, action, by ?? 'system', `${reason} → ${to.role}${to.caseworkerId === null ? '' : ` ${to.caseworkerId}`}`) } }, [event]);
  const stored = await reload(deps, alert._id);
  await follow(deps, stored, `${action.toLowerCase()}|${String(stored.version)}`, action, { role: alert.assigneeRole, caseworkerId: alert.caseworkerId }, 'ALERT_ESCALATED');
  return stored;
}

export interface ReassignInput {
  readonly role?: WorkerRole;
  readonly caseworkerId?: string;
  readonly note?: string;
}

export async function reassign(deps: AlertingDeps, principal: Principal, id: string, input: ReassignInput): Promise<StoredAlert> {
  const alert = await held(deps, principal, id, '改派 (reassign)', ['OPEN', 'ACKNOWLEDGED']);
  if (input.role === undefined && input.caseworkerId === undefined) throw AlertErrors.reassignNothing();
  let to: Assignment;
  if (input.caseworkerId !== undefined) {
    const member = deps.routing.staffMember(input.caseworkerId);
    if (member === undefined) throw AlertErrors.unknownCaseworker(input.caseworkerId);
    if (!alert.regionCode.startsWith(member.regionCode)) throw AlertErrors.outOfArea(input.caseworkerId, alert.regionCode);
    to = { role: member.role, caseworkerId: member.id };
  } else {
    const role = input.role ?? alert.assigneeRole;
    to = { role, caseworkerId: deps.routing.assigned(role, alert.regionCode)?.id ?? null };
  }
  // The note first: once moved, the caller may no longer hold the alert.
  const current = input.note === undefined ? alert : await addNote(deps, principal, id, input.note);
  return moveTo(deps, current, to, 'MANUAL', principal.subject, current.escalationLevel);
}

// --- by the clock -------------------------------------------------------------------------------

/**
 * A deadline fell due: escalate when the alert still has that deadline (not acknowledged or
 * resolved in time). Returns what was done; a stale deadline or a lost race does nothing.
 */
export async function escalateOverdue(deps: AlertingDeps, deadline: DeadlineEntry): Promise<'escalated' | 'stale' | 'at-top'> {
  const alert = await deps.alerts.byId(deadline.alertId);
  if (alert?.escalationLevel !== deadline.level) return 'stale';
  const dueAt = deadline.kind === 'ack' ? alert.ackDueAt : alert.resolveDueAt;
  const pending = deadline.kind === 'ack' ? alert.status === 'OPEN' : (LIVE_STATUSES as readonly string[]).includes(alert.status);
  if (!pending || dueAt.getTime() !== deadline.dueAt.getTime()) return 'stale';
  const to = deps.routing.escalate({ role: alert.assigneeRole, caseworkerId: alert.caseworkerId }, alert.regionCode, alert.escalationLevel + 1);
  if (to === null) return 'at-top';
  await moveTo(deps, alert, to, deadline.kind === 'ack' ? 'ACK_OVERDUE' : 'RESOLVE_OVERDUE', null, alert.escalationLevel + 1);
  return 'escalated';
}
