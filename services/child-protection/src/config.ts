/**
 * The child-protection service's configuration, read once from the environment (see README for the
 * table). A bad or missing value stops start-up with a message naming each variable.
 */
import { parseKeyring, type Keyring } from '@minzheng/identity/field-crypto';
import { parseKey } from '@minzheng/identity/pseudonym';
import { parseJwtKeys, type JwtKeys } from '@minzheng/service-kit/auth';
import { env, parseConfig } from '@minzheng/service-kit/config';

export const configSpec = {
  MZ_PORT: env.int('HTTP port (0: any free port, logged at start)', { default: 3103, min: 0, max: 65_535 }),
  MZ_HOST: env.string('HTTP listen address', { default: '0.0.0.0' }),
  MZ_LOG_LEVEL: env.oneOf('pino log level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  MZ_MONGO_URL: env.url('MongoDB-wire URL of the service\'s own database (the database name is part of the URL)', { protocols: ['mongodb', 'mongodb+srv'] }),
  KAFKA_BROKERS: env.list('Kafka bootstrap brokers, host:port, comma-separated', { min: 1 }),
  MZ_JWT_KEYS: env.secret<JwtKeys>('JWT verification keys, kid:base64key,... (the last signs)', parseJwtKeys),
  MZ_FIELD_KEYS: env.secret<Keyring>('personal-field encryption keys, kid:base64key,... (the last encrypts)', (raw) => parseKeyring(raw, undefined, 'MZ_FIELD_KEYS')),
  MZ_PSEUDONYM_KEY: env.secret<Uint8Array>('HMAC key of the person pseudonym (base64, ≥ 32 bytes; the same on every service)', (raw) => parseKey(raw, 'MZ_PSEUDONYM_KEY')),
  MZ_OUTBOX_RELAY: env.bool('relay this instance\'s outbox to Kafka (false: only write; another instance or process relays)', { default: true }),
  MZ_ENCODING_THREADS: env.int('worker threads for event encryption/encoding (0 = inline)', { default: 0, min: 0, max: 8 }),
  MZ_STANDARDS_TOPIC: env.string('topic of reference.standard-changed (低保 versions from the assistance service)', { default: 'mz.reference.standards' }),
  MZ_STANDARDS_CONSUMER_GROUP: env.string('Kafka consumer group of the standards consumer', { default: 'child-protection.standards' }),
  MZ_STANDARDS_CONSUMER: env.bool('run the standards consumer in this instance (false: another instance does)', { default: true }),
};

export type ChildProtectionConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: Readonly<Record<string, string | undefined>> = process.env) {
  return parseConfig(configSpec, source);
}
