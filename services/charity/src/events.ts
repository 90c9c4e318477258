/** The envelope every event of this service carries. */
import { envelopeFactory, regionRef } from '@minzheng/service-kit/events';

export { regionRef };

export const SOURCE_SYSTEM = 'charity-service';

export const envelope = envelopeFactory('CIVIL_AFFAIRS_CHARITY', SOURCE_SYSTEM);

/** Business time of a calendar date: noon in China (UTC+8), so the date reads the same in any zone. */
export function occurredOn(date: string): Date {
  return new Date(`${date}T04:00:00.000Z`);
}
