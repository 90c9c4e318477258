/** The envelope every event of this service carries. */
import { envelopeFactory, regionRef } from '@minzheng/service-kit/events';

export { regionRef };

export const SOURCE_SYSTEM = 'assistance-service';

export const envelope = envelopeFactory('CIVIL_AFFAIRS_ASSISTANCE', SOURCE_SYSTEM);
