/** The envelope every event of this service carries. */
import type { Envelope, PersonRef, RegionRef } from '@minzheng/contracts';

export const SOURCE_SYSTEM = 'elderly-care-service';

/** The region reference of a 6-digit (city/county), 9-digit (镇街) or 12-digit (村居) code. */
export function regionRef(code: string): RegionRef {
  return { countyCode: code.slice(0, 6), townCode: code.length >= 9 ? code.slice(0, 9) : null, villageCode: code.length >= 12 ? code.slice(0, 12) : null };
}

export interface EnvelopeInput {
  readonly eventId: string;
  readonly occurredAt: Date;
  readonly recordId: string;
  readonly regionCode: string;
  readonly person: PersonRef | null;
  readonly householdId: string | null;
  /** The producing system when not this service (device events: the device platform). */
  readonly system?: string;
  readonly correlationId?: string | null;
}

export function envelope(input: EnvelopeInput, now: Date): Envelope {
  return {
    eventId: input.eventId,
    occurredAt: input.occurredAt,
    recordedAt: now,
    source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE', system: input.system ?? SOURCE_SYSTEM, recordId: input.recordId },
    region: regionRef(input.regionCode),
    person: input.person,
    household: input.householdId === null ? null : { householdId: input.householdId },
    correlationId: input.correlationId ?? null,
    causationId: null,
  };
}
