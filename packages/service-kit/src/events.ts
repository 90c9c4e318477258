/**
 * The envelope every event of a service carries (`mz.common.Envelope`): source department and
 * system, the region reference, the person and household, correlation. Each service makes its
 * own `envelope` with `envelopeFactory(department, system)`.
 */
import type { Department, Envelope, PersonRef, RegionRef } from '@minzheng/contracts';

/** The region reference of a 6-digit (city/county), 9-digit (镇街) or 12-digit (村居) code. */
export function regionRef(code: string): RegionRef {
  return { countyCode: code.slice(0, 6), townCode: code.length >= 9 ? code.slice(0, 9) : null, villageCode: code.length >= 12 ? code.slice(0, 12) : null };
}

export interface EnvelopeInput {
  readonly eventId: string;
  readonly occurredAt: Date;
  /** The service's own id of the record the event reports. */
  readonly recordId: string;
  /** The most specific region code the event is about. */
  readonly regionCode: string;
  readonly person: PersonRef | null;
  readonly householdId?: string | null;
  /** The producing system when not the service itself (device events: the device platform). */
  readonly system?: string;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
}

export function envelopeFactory(department: Department, system: string): (input: EnvelopeInput, now?: Date) => Envelope {
  return (input, now = new Date()) => ({
    eventId: input.eventId,
    occurredAt: input.occurredAt,
    recordedAt: now,
    source: { department, system: input.system ?? system, recordId: input.recordId },
    region: regionRef(input.regionCode),
    person: input.person,
    household: input.householdId === undefined || input.householdId === null ? null : { householdId: input.householdId },
    correlationId: input.correlationId ?? null,
    causationId: input.causationId ?? null,
  });
}
