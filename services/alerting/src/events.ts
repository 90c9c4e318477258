/** The envelope every event of this service carries. */
import { envelopeFactory } from '@minzheng/service-kit/events';

export const SOURCE_SYSTEM = 'alerting-service';

export const envelope = envelopeFactory('CIVIL_AFFAIRS_PLATFORM', SOURCE_SYSTEM);
