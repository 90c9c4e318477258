/** The envelope every event of this service carries. */
import type { Envelope, PersonRef, RegionRef } from '@minzheng/contracts';

export const SOURCE_SYSTEM = 'charity-service';

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
  readonly householdId?: string | null;
  readonly correlationId?: string | null;
}

export function envelope(input: EnvelopeInput, now: Date): Envelope {
  return {
    eventId: input.eventId,
    occurredAt: input.occurredAt,
    recordedAt: now,
    source: { department: 'CIVIL_AFFAIRS_CHARITY', system: SOURCE_SYSTEM, recordId: input.recordId },
    region: regionRef(input.regionCode),
    person: input.person,
    household: input.householdId === undefined || input.householdId === null ? null : { householdId: input.householdId },
    correlationId: input.correlationId ?? null,
    causationId: null,
  };
}

/** Business time of a calendar date: noon in China (UTC+8), so the date reads the same in any zone. */
export function occurredOn(date: string): Date {
  return new Date(`${date}T04:00:00.000Z`);
}
