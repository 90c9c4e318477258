/**
 * 设备事件接入 (device events from the smart-elderly device platform): emergency calls, vital-sign
 * alarms and devices gone offline, in batches of up to 500.
 *
 * - **One write per batch.** Every accepted item becomes a prepared event in the outbox of ONE
 *   batch document (`device_signal_batches`), inserted once. The store takes ~100 single writes a
 *   second, so per-event writes could not reach the ingest target; one batch of 500 costs two.
 * - **Dedupe.** Each item carries the platform's own event id. Before the batch document, one
 *   unordered `insertMany` claims every id in `device_event_claims` (the id is the claim's `_id`,
 *   scoped by the calling platform). A repeat — in the same batch, a later batch, after a restart or
 *   on another instance — loses the claim and is answered DUPLICATE, not published. A claim whose
 *   batch never got written (its writer died in between) is taken over after `STALE_CLAIM_MS`, so
 *   the platform's retry is not lost. The envelope event id is a UUID v5 of the platform id, so even
 *   a repeat that got through would carry the same event id, which consumers skip.
 * - **Errors.** What the request alone shows to be wrong (the schema, a payload that does not match
 *   its kind, an instant in the future, instants out of order) rejects the WHOLE batch with one coded
 *   error naming `events.<i>.<field>`, and nothing is written. What depends on stored state (a device
 *   not bound, an elder outside the caller's jurisdiction) rejects only that item, with its code in
 *   the per-item results; the rest are accepted. Nothing is dropped silently: every item gets a result.
 */
import { randomUUID } from 'node:crypto';
import type { MeasurementUnit, MonitoringDeviceKind, PersonRef, ThresholdDirection, VitalSignMetric } from '@minzheng/contracts';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { TtlCache } from '../device-signals/device.repository.js';
import type { StoredClaim } from '../device-signals/device-batch.schema.js';
import type { StoredDevice } from '../device-signals/device.schema.js';
import { claimIdOf, deviceEventUuid } from '../domain/device-ids.js';
import { ElderError, type ElderErrorCode } from '../domain/errors.js';
import { personRef } from '../elders/elder.people.js';
import type { StoredElder } from '../elders/elder.schema.js';
import { envelope } from '../events.js';

export const DEVICE_EVENT_KINDS = ['EMERGENCY_CALL', 'VITAL_SIGN_ALARM', 'DEVICE_OFFLINE'] as const;
export type DeviceEventKind = (typeof DEVICE_EVENT_KINDS)[number];
export const MAX_BATCH = 500;
/** Device clocks drift: an instant up to this far ahead of the server's is accepted. */
export const CLOCK_SKEW_MS = 60_000;
/** A claim older than this whose batch does not exist is taken over by a repeat. */
export const STALE_CLAIM_MS = 60_000;
/** Payload key of each kind. */
const PAYLOAD_OF = { EMERGENCY_CALL: 'emergencyCall', VITAL_SIGN_ALARM: 'vitalSign', DEVICE_OFFLINE: 'offline' } as const;

export interface DeviceEventInput {
  readonly platformEventId: string;
  readonly kind: DeviceEventKind;
  readonly deviceId: string;
  readonly occurredAt: string;
  readonly emergencyCall?: { readonly pressCount: number; readonly lastPressedAt: string; readonly callConnected?: boolean | null };
  readonly vitalSign?: { readonly metric: VitalSignMetric; readonly measuredValue: number; readonly unit: MeasurementUnit; readonly thresholdValue: number; readonly direction: ThresholdDirection };
  readonly offline?: { readonly lastSeenAt: string; readonly lastBatteryPercent?: number | null };
}

export type ItemStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED';

export interface ItemResult {
  readonly index: number;
  readonly platformEventId: string;
  readonly status: ItemStatus;
  /** The envelope event id (for DUPLICATE: the id the first delivery was published with). */
  readonly eventId: string | null;
  readonly code: ElderErrorCode | null;
  readonly field: string | null;
  readonly message: string | null;
}

export interface BatchResult {
  /** The batch document written; null when no item was accepted (nothing written). */
  readonly batchId: string | null;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly results: ItemResult[];
}

interface Problem {
  readonly field: string;
  readonly rule: string;
}

/** The request-level checks (the schema has checked the shape). Returns every problem. */
export function checkBatch(events: readonly DeviceEventInput[], now: Date): Problem[] {
  const problems: Problem[] = [];
  const latest = now.getTime() + CLOCK_SKEW_MS;
  events.forEach((event, index) => {
    const at = `events.${index}`;
    const occurredAt = Date.parse(event.occurredAt);
    if (occurredAt > latest) problems.push({ field: `${at}.occurredAt`, rule: 'must not be in the future' });
    for (const kind of DEVICE_EVENT_KINDS) {
      const key = PAYLOAD_OF[kind];
      const present = event[key] !== undefined;
      if (kind === event.kind && !present) problems.push({ field: `${at}.${key}`, rule: `is required when kind is ${kind}` });
      if (kind !== event.kind && present) problems.push({ field: `${at}.${key}`, rule: `is only allowed when kind is ${kind}` });
    }
    if (event.kind === 'EMERGENCY_CALL' && event.emergencyCall) {
      const last = Date.parse(event.emergencyCall.lastPressedAt);
      if (last < occurredAt) problems.push({ field: `${at}.emergencyCall.lastPressedAt`, rule: 'must not be before occurredAt (the first press)' });
      if (last > latest) problems.push({ field: `${at}.emergencyCall.lastPressedAt`, rule: 'must not be in the future' });
    }
    if (event.kind === 'DEVICE_OFFLINE' && event.offline && Date.parse(event.offline.lastSeenAt) > occurredAt) {
      problems.push({ field: `${at}.offline.lastSeenAt`, rule: 'must not be after occurredAt (when the platform detected it)' });
    }
  });
  return problems;
}

const rejectedItem = (index: number, event: DeviceEventInput, code: ElderErrorCode, field: string, message: string): ItemResult => ({ index, platformEventId: event.platformEventId, status: 'REJECTED', eventId: null, code, field, message });

/** Device ingestion with its lookup caches (one per app). */
export class DeviceIngestor {
  private readonly elders: TtlCache<StoredElder | null>;

  constructor(
    private readonly deps: ElderlyCareDeps,
    cacheTtlMs: number,
  ) {
    this.elders = new TtlCache(cacheTtlMs);
  }

  async ingest(principal: Principal, events: readonly DeviceEventInput[]): Promise<BatchResult> {
    const { deps } = this;
    const now = deps.now();
    const problems = checkBatch(events, now);
    const [first] = problems;
    if (first) {
      throw new ElderError('ELDER_INVALID_INPUT', `设备事件不合法，整批拒收 (the batch is refused: ${problems.map((problem) => `${problem.field} ${problem.rule}`).join('; ')})`, { field: first.field, rule: first.rule, problems });
    }
    const platform = principal.subject;
    const batchUuid = randomUUID();
    const batchId = `DSB-${batchUuid}`;
    const results: (ItemResult | undefined)[] = events.map(() => undefined);

    // 1. Repeats within the batch: the first occurrence stands for the id.
    const firstIndex = new Map<string, number>();
    events.forEach((event, index) => {
      const seen = firstIndex.get(event.platformEventId);
      if (seen === undefined) firstIndex.set(event.platformEventId, index);
      else results[index] = { index, platformEventId: event.platformEventId, status: 'DUPLICATE', eventId: deviceEventUuid(platform, event.platformEventId), code: null, field: null, message: `repeats events.${seen}` };
    });

    // 2. Devices and elders (cached lookups by id), then the events of the items that resolve.
    const devices = await this.lookUp([...new Set(events.map((event) => event.deviceId))], (id) => deps.devices.findDevice(id));
    const elders = await this.lookUp([...new Set([...devices.values()].flatMap((device) => (device ? [device.elderId] : [])))], (id) => this.findElder(id));
    const people = new Map<string, PersonRef>();
    const prepared = new Map<number, PreparedEvent>();
    events.forEach((event, index) => {
      if (results[index]) return;
      const device = devices.get(event.deviceId) ?? null;
      if (device === null) {
        results[index] = rejectedItem(index, event, 'ELDER_UNKNOWN_DEVICE', `events.${index}.deviceId`, '设备未绑定任何老人 (the device is not bound to an elder)');
        return;
      }
      const elder = elders.get(device.elderId) ?? null;
      if (elder?.regionCode.startsWith(principal.jurisdiction) !== true) {
        results[index] = rejectedItem(index, event, 'ELDER_UNKNOWN_ELDER', `events.${index}.deviceId`, '设备所属老人不存在或不在管辖范围内 (the device\'s elder is unknown or outside the caller\'s jurisdiction)');
        return;
      }
      let person = people.get(elder._id);
      if (!person) {
        person = personRef(deps.keyring, elder);
        people.set(elder._id, person);
      }
      prepared.set(index, this.prepare(platform, batchUuid, event, device, elder, person, now));
    });

    // 3. Claims: one insertMany; what is not claimed now was delivered before.
    // Small documents (id, batch, time): the event id follows from the platform id.
    const claims: StoredClaim[] = [...prepared.keys()].map((index) => ({ _id: claimIdOf(platform, events[index]?.platformEventId ?? ''), batchId, at: now }));
    const claimed = await deps.devices.claim(claims);
    for (const claim of claims) {
      if (claimed.has(claim._id) || !(await this.takeOverIfStale(claim, now))) continue;
      claimed.add(claim._id);
    }
    const accepted: PreparedEvent[] = [];
    for (const [index, event] of prepared) {
      const input = events[index];
      if (!input) continue;
      if (claimed.has(claimIdOf(platform, input.platformEventId))) {
        accepted.push(event);
        results[index] = { index, platformEventId: input.platformEventId, status: 'ACCEPTED', eventId: event.eventId, code: null, field: null, message: null };
      } else {
        results[index] = { index, platformEventId: input.platformEventId, status: 'DUPLICATE', eventId: event.eventId, code: null, field: null, message: 'delivered before' };
      }
    }
    const final = results.map((result, index) => {
      // Every item got a result above (duplicate, rejected, accepted or delivered before).
      if (!result) throw new Error(`device event ${index} without a result`);
      return result;
    });
    const counts = { accepted: accepted.length, duplicates: final.filter((result) => result.status === 'DUPLICATE').length, rejected: final.filter((result) => result.status === 'REJECTED').length };

    // 4. One document for the whole batch, its outbox holding every accepted event.
    if (accepted.length > 0) {
      await deps.devices.insertBatch({ _id: batchId, regionCode: principal.jurisdiction, platform, received: events.length, ...counts, version: 1, createdAt: now }, accepted);
    }
    return { batchId: accepted.length > 0 ? batchId : null, received: events.length, ...counts, results: final };
  }

  /** A claim held by a batch that was never written, for longer than STALE_CLAIM_MS, is taken over. */
  private async takeOverIfStale(claim: StoredClaim, now: Date): Promise<boolean> {
    const existing = await this.deps.devices.findClaim(claim._id);
    if (!existing || existing.batchId === claim.batchId) return false;
    if (now.getTime() - existing.at.getTime() < STALE_CLAIM_MS) return false;
    if (await this.deps.devices.batchExists(existing.batchId)) return false;
    return this.deps.devices.takeOver(claim._id, existing.batchId, claim);
  }

  private async findElder(id: string): Promise<StoredElder | null> {
    const cached = this.elders.get(id);
    if (cached !== undefined) return cached;
    // By `_id` alone (pushed down by FerretDB v1); the jurisdiction is checked per item.
    const elder = await this.deps.elders.find(id, '');
    this.elders.set(id, elder);
    return elder;
  }

  /** Looks ids up, eight at a time. */
  private async lookUp<T>(ids: readonly string[], find: (id: string) => Promise<T>): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next];
        next += 1;
        if (id !== undefined) found.set(id, await find(id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
    return found;
  }

  private prepare(platform: string, batchUuid: string, event: DeviceEventInput, device: StoredDevice, elder: StoredElder, person: PersonRef, now: Date): PreparedEvent {
    const head = {
      envelope: envelope({ eventId: deviceEventUuid(platform, event.platformEventId), occurredAt: new Date(event.occurredAt), recordId: event.platformEventId, regionCode: elder.regionCode, person, householdId: elder.householdId, system: platform, correlationId: batchUuid }, now),
      deviceId: event.deviceId,
    };
    if (event.kind === 'EMERGENCY_CALL' && event.emergencyCall) {
      const call = event.emergencyCall;
      return this.deps.publisher.prepare('elderly-care.emergency-call-triggered', { ...head, pressCount: call.pressCount, lastPressedAt: new Date(call.lastPressedAt), callConnected: call.callConnected ?? null });
    }
    if (event.kind === 'VITAL_SIGN_ALARM' && event.vitalSign) {
      return this.deps.publisher.prepare('elderly-care.vital-sign-alarm-raised', { ...head, ...event.vitalSign });
    }
    if (event.kind === 'DEVICE_OFFLINE' && event.offline) {
      const deviceKind: MonitoringDeviceKind = device.deviceKind;
      return this.deps.publisher.prepare('elderly-care.device-went-offline', { ...head, deviceKind, lastSeenAt: new Date(event.offline.lastSeenAt), lastBatteryPercent: event.offline.lastBatteryPercent ?? null });
    }
    // checkBatch guarantees the payload of the kind; reaching here is a programming error.
    throw new Error(`device event of kind ${event.kind} without its payload`);
  }
}
