/** The envelope every event of this service carries. */
import { envelopeFactory, regionRef } from '@minzheng/service-kit/events';

export { regionRef };

export const SOURCE_SYSTEM = 'child-protection-service';

export const envelope = envelopeFactory('CIVIL_AFFAIRS_CHILD_PROTECTION', SOURCE_SYSTEM);

/** Business time of a calendar date (noon, China Standard Time), for `occurredAt` of dated facts. */
export const instantOf = (date: string): Date => new Date(`${date}T12:00:00+08:00`);
