/** The envelope every event of this service carries. */
import { envelopeFactory, regionRef } from '@minzheng/service-kit/events';

export { regionRef };

export const SOURCE_SYSTEM = 'elderly-care-service';

export const envelope = envelopeFactory('CIVIL_AFFAIRS_ELDERLY_CARE', SOURCE_SYSTEM);
