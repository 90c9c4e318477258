/**
 * 强制报告: intake (from the 12345 hotline system, role department-system, or from staff) with
 * event `mandatory-report-received`, then the response chain as states (domain/report-workflow.ts),
 * each step recorded with who and when and published as `report-status-changed` in the same write.
 * A report's events are keyed by the child's person key when the child is identified (they then
 * stay in order with the child's other events), else by the report id.
 */
import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@minzheng/contracts';
import { requireRegion } from '@minzheng/identity/regions';
import { parseResidentId } from '@minzheng/identity/resident-id';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { atField } from '@minzheng/service-kit/errors';
import { childRef } from '../children/child.people.js';
import type { StoredChild } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { ChildError, invalidInput } from '../domain/errors.js';
import { assertTransition, type ReportState } from '../domain/report-workflow.js';
import { envelope } from '../events.js';
import { reportContext, reportStepContext, seal, sealOptional, unseal, unsealOptional } from '../protect.js';
import type { StoredReport } from '../reports/report.schema.js';

export interface ReportInput {
  readonly regionCode: string;
  readonly reporterKind: StoredReport['reporterKind'];
  readonly channel: StoredReport['channel'];
  readonly concernKind: StoredReport['concernKind'];
  readonly immediateDanger: boolean;
  readonly hotlineIncidentId?: string;
  readonly description: string;
  readonly locationDescription?: string;
  readonly reporterPhone?: string;
  readonly child?: { readonly childId?: string; readonly idNumber?: string; readonly name?: string };
}

export async function receiveReport(deps: ChildDeps, principal: Principal, input: ReportInput): Promise<StoredReport> {
  const now = deps.now();
  const region = atField('regionCode', () => requireRegion(input.regionCode, chinaToday(now), 'regionCode'));
  if (region.level === 'city') throw new ChildError('CHILD_REGION_LEVEL', 'regionCode: 报告须指明镇街或村居 (a report names a 镇街 or 村居: 9 or 12 digits)', { field: 'regionCode', rule: 'must be a 镇街 (9 digits) or 村居 (12 digits) code' });
  requireJurisdiction(principal, input.regionCode);
  if (input.channel === 'HOTLINE_12345' && input.hotlineIncidentId === undefined) throw invalidInput('hotlineIncidentId', 'is required when channel is HOTLINE_12345');

  const id = `RPT-${randomUUID()}`;
  let registered: StoredChild | null = null;
  let person: PersonRef | null = null;
  let childIdNumber: string | null = null;
  if (input.child?.childId !== undefined) {
    registered = await deps.children.get(input.child.childId, principal.jurisdiction);
  } else if (input.child?.idNumber !== undefined) {
    const { idNumber } = input.child;
    const info = atField('child.idNumber', () => parseResidentId(idNumber, now));
    childIdNumber = info.normalized;
    const personKey = deps.pseudonymizer.personKey(info.normalized);
    registered = await deps.children.findByPersonKey(personKey, principal.jurisdiction);
    person = { personKey, idNumber: info.normalized, name: input.child.name ?? null };
  }
  if (registered !== null) person = childRef(deps.keyring, registered);

  const report: StoredReport = {
    _id: id,
    regionCode: input.regionCode,
    reporterKind: input.reporterKind,
    channel: input.channel,
    concernKind: input.concernKind,
    immediateDanger: input.immediateDanger,
    hotlineIncidentId: input.hotlineIncidentId ?? null,
    description: seal(deps.keyring, input.description, reportContext(id, 'description')),
    locationDescription: sealOptional(deps.keyring, input.locationDescription, reportContext(id, 'locationDescription')),
    reporterPhone: sealOptional(deps.keyring, input.reporterPhone, reportContext(id, 'reporterPhone')),
    childId: registered?._id ?? null,
    childPersonKey: person?.personKey ?? null,
    childIdNumber: sealOptional(deps.keyring, person?.idNumber ?? childIdNumber, reportContext(id, 'childIdNumber')),
    childName: sealOptional(deps.keyring, person?.name, reportContext(id, 'childName')),
    status: 'RECEIVED',
    steps: [{ from: null, to: 'RECEIVED', by: principal.subject, at: now, note: null }],
    receivedBy: principal.subject,
    version: 1,
    createdAt: now,
    updatedAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('child-protection.mandatory-report-received', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: input.regionCode, person }, now),
    reportId: id,
    reporterKind: input.reporterKind,
    channel: input.channel,
    concernKind: input.concernKind,
    immediateDanger: input.immediateDanger,
    hotlineIncidentId: input.hotlineIncidentId ?? null,
    description: input.description,
    locationDescription: input.locationDescription ?? null,
    reporterPhone: input.reporterPhone ?? null,
    // Keyed by the child when identified (its events stay in order), else by the report.
  }, { key: person?.personKey ?? id });
  const { outbox: _outbox, outboxPending: _pending, ...record } = report;
  await deps.reports.insert(record, [event]);
  return report;
}

export interface TransitionInput {
  readonly to: ReportState;
  readonly note?: string;
  readonly version?: number;
}

export async function moveReport(deps: ChildDeps, principal: Principal, reportId: string, input: TransitionInput): Promise<StoredReport> {
  const report = await deps.reports.get(reportId, principal.jurisdiction);
  if (input.version !== undefined && input.version !== report.version) {
    throw new ChildError('CHILD_CONCURRENT_CHANGE', `报告已被他人修改 (${reportId} is at version ${report.version}, not ${input.version})`, { field: 'version', rule: 'the record must not have changed since it was read', version: report.version });
  }
  assertTransition(report.status, input.to, report.immediateDanger);
  const now = deps.now();
  const stepNo = report.steps.length;
  const step = { from: report.status, to: input.to, by: principal.subject, at: now, note: sealOptional(deps.keyring, input.note, reportStepContext(report._id, stepNo)) };
  const event = deps.publisher.prepare('child-protection.report-status-changed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: report._id, regionCode: report.regionCode, person: reportChild(deps, report) }, now),
    reportId: report._id,
    fromStatus: report.status,
    toStatus: input.to,
    stepNo,
    actorId: principal.subject,
    immediateDanger: report.immediateDanger,
    note: input.note ?? null,
  }, { key: report.childPersonKey ?? report._id });
  await deps.reports.update(report._id, report.version, { $set: { status: input.to, updatedAt: now }, $push: { steps: step } }, [event]);
  return { ...report, status: input.to, steps: [...report.steps, step], version: report.version + 1, updatedAt: now };
}

/** The child a report concerns, as its events carry it (null when not identified). */
function reportChild(deps: ChildDeps, report: StoredReport): PersonRef | null {
  if (report.childPersonKey === null || report.childIdNumber === null) return null;
  return {
    personKey: report.childPersonKey,
    idNumber: unseal(deps.keyring, report.childIdNumber, reportContext(report._id, 'childIdNumber')),
    name: unsealOptional(deps.keyring, report.childName, reportContext(report._id, 'childName')),
  };
}
