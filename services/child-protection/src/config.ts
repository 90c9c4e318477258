/**
 * The child-protection service's configuration, read once from the environment (see README for the
 * table). A bad or missing value stops start-up with a message naming each variable.
 */
import { env } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';

export const configSpec = {
  ...serviceConfigSpec(3103),
  MZ_STANDARDS_TOPIC: env.string('topic of reference.standard-changed (低保 versions from the assistance service)', { default: 'mz.reference.standards' }),
  MZ_STANDARDS_CONSUMER_GROUP: env.string('Kafka consumer group of the standards consumer', { default: 'child-protection.standards' }),
  MZ_STANDARDS_CONSUMER: env.bool('run the standards consumer in this instance (false: another instance does)', { default: true }),
};
