/**
 * What every service's `server.ts` does, once: the common configuration, the database, the event
 * publisher and the outbox relay, the service's own components (consumers, jobs), the HTTP app with
 * its readiness checks, and a graceful stop in the reverse order. A service's `server.ts` starts
 * telemetry first (it patches modules as they load), then imports this and calls `runService`.
 *
 * ```ts
 * const telemetry = startTelemetry({ serviceName: 'assistance' });
 * const { loadServiceConfig, runService } = await import('@minzheng/service-kit/service');
 * const config = loadServiceConfig('assistance', configSpec);
 * const { OUTBOX_COLLECTIONS, buildAssistanceApp, ensureIndexes } = await import('./app.js');
 * await runService({ name: 'assistance', config, telemetry, outboxCollections: OUTBOX_COLLECTIONS, ensureIndexes, build: (runtime) => buildAssistanceApp(runtime.app) });
 * ```
 */
import { contractRegistry, type ContractRegistry } from '@minzheng/contracts';
import { describeCluster } from '@minzheng/event-bus/admin';
import { createKafka } from '@minzheng/event-bus/client';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { parseKeyring, type Keyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer, parseKey, type Pseudonymizer } from '@minzheng/identity/pseudonym';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { listenUntilSignal, type App, type ReadinessCheck } from './app.js';
import { parseJwtKeys, type JwtKeys } from './auth.js';
import { ConfigError, env, parseConfig, type ConfigOf, type Spec } from './config.js';
import { createLogger } from './logger.js';
import { OutboxRelay } from './outbox.js';
import type { OutboxNudge } from './repository.js';

/** The variables every service reads (its own come on top). */
export function serviceConfigSpec(defaultPort: number) {
  return {
    MZ_PORT: env.int('HTTP port (0: any free port, logged at start)', { default: defaultPort, min: 0, max: 65_535 }),
    MZ_HOST: env.string('HTTP listen address', { default: '0.0.0.0' }),
    MZ_LOG_LEVEL: env.oneOf('pino log level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
    MZ_MONGO_URL: env.url("MongoDB-wire URL of the service's own database (the database name is part of the URL)", { protocols: ['mongodb', 'mongodb+srv'] }),
    KAFKA_BROKERS: env.list('Kafka bootstrap brokers, host:port, comma-separated', { min: 1 }),
    MZ_JWT_KEYS: env.secret<JwtKeys>('JWT verification keys, kid:base64key,... (the last signs)', parseJwtKeys),
    MZ_FIELD_KEYS: env.secret<Keyring>('personal-field encryption keys, kid:base64key,... (the last encrypts)', (raw) => parseKeyring(raw, undefined, 'MZ_FIELD_KEYS')),
    MZ_PSEUDONYM_KEY: env.secret<Uint8Array>('HMAC key of the person pseudonym (base64, ≥ 32 bytes; the same on every service)', (raw) => parseKey(raw, 'MZ_PSEUDONYM_KEY')),
    MZ_OUTBOX_RELAY: env.bool("relay this instance's outbox to Kafka (false: only write; another instance or process relays)", { default: true }),
    MZ_ENCODING_THREADS: env.int('worker threads for event encryption/encoding (0 = inline)', { default: 0, min: 0, max: 8 }),
  };
}

export type ServiceConfig = ConfigOf<ReturnType<typeof serviceConfigSpec>>;

/** Parses the configuration; a bad or missing variable prints one message naming each and exits 1. */
export function loadServiceConfig<S extends Spec>(name: string, spec: S, source: Readonly<Record<string, string | undefined>> = process.env): ConfigOf<S> {
  try {
    return parseConfig(spec, source);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** What the app factory of every service takes. */
export interface ServiceAppOptions {
  readonly connection: Connection;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly jwtKeys: JwtKeys;
  readonly logger: Logger;
  readonly nudge: OutboxNudge;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
}

export interface ServiceRuntime<C extends ServiceConfig> {
  readonly config: C;
  readonly logger: Logger;
  readonly connection: Connection;
  readonly kafka: ReturnType<typeof createKafka>;
  readonly registry: ContractRegistry;
  readonly publisher: EventPublisher;
  readonly relay: OutboxRelay;
  /** The options to hand to the service's app factory, readiness included. */
  readonly app: ServiceAppOptions;
}

/** A part of the service that runs beside the HTTP app (a consumer, a scheduled job). */
export interface ServiceComponent {
  /** Joins the app's readiness checks. */
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Stopped before the relay and the connections, in reverse order of start. */
  stop(): Promise<void>;
}

export interface RunServiceOptions<C extends ServiceConfig> {
  readonly name: string;
  readonly config: C;
  readonly telemetry: { shutdown(): Promise<void> };
  readonly outboxCollections: readonly string[];
  readonly ensureIndexes: (connection: Connection) => Promise<void>;
  /** Starts the service's components before the app listens (they get the same runtime). */
  readonly components?: (runtime: ServiceRuntime<C>) => Promise<readonly ServiceComponent[]>;
  /** Builds the app; may also return components that need what it built (scheduled jobs over its use cases). */
  readonly build: (runtime: ServiceRuntime<C>) => Promise<App | { readonly app: App; readonly components: readonly ServiceComponent[] }>;
}

/** Starts the service and serves until SIGTERM/SIGINT, then stops everything in reverse order. */
export async function runService<C extends ServiceConfig>(options: RunServiceOptions<C>): Promise<void> {
  const { config, name } = options;
  const logger = createLogger({ service: name, level: config.MZ_LOG_LEVEL });
  const connection = await mongoose.createConnection(config.MZ_MONGO_URL, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  await options.ensureIndexes(connection);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${name}-service` });
  const registry = contractRegistry();
  const publisher = new EventPublisher({ kafka, registry, keyring: config.MZ_FIELD_KEYS, source: `${name}-service`, logger, encodingThreads: config.MZ_ENCODING_THREADS });
  await publisher.connect();
  const relay = new OutboxRelay({ connection, collections: options.outboxCollections, publisher, logger });
  if (config.MZ_OUTBOX_RELAY) relay.start();
  const base: ServiceRuntime<C> = {
    config,
    logger,
    connection,
    kafka,
    registry,
    publisher,
    relay,
    app: {
      connection,
      publisher,
      keyring: config.MZ_FIELD_KEYS,
      pseudonymizer: createPseudonymizer(config.MZ_PSEUDONYM_KEY),
      jwtKeys: config.MZ_JWT_KEYS,
      logger,
      nudge: (hint) => {
        if (config.MZ_OUTBOX_RELAY) relay.nudge(hint);
      },
      readiness: {
        database: async () => {
          if (!connection.db) throw new Error('no database handle');
          return connection.db.admin().ping();
        },
        kafka: () => describeCluster(config.KAFKA_BROKERS),
      },
    },
  };
  const components = (await options.components?.(base)) ?? [];
  const readiness = components.reduce((checks, component) => ({ ...checks, ...component.readiness }), base.app.readiness);
  const runtime: ServiceRuntime<C> = { ...base, app: { ...base.app, readiness } };
  const built = await options.build(runtime);
  const app = 'components' in built ? built.app : built;
  const later = 'components' in built ? built.components : [];
  await listenUntilSignal(app, {
    port: config.MZ_PORT,
    host: config.MZ_HOST,
    onShutdown: async () => {
      for (const component of [...components, ...later].reverse()) await component.stop();
      if (config.MZ_OUTBOX_RELAY) await relay.stop();
      await publisher.disconnect();
      await connection.close();
      await options.telemetry.shutdown();
    },
  });
}

/**
 * What every service's app factory takes (`build...App(options)`); a service adds its own options
 * by extending it. Tests pass their own (the kit's harness), `runService` the real ones.
 */
export interface ServiceAppInput {
  readonly connection: Connection;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly jwtKeys: JwtKeys;
  readonly logger?: Logger | { level?: string } | false;
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Wakes the outbox relay after a write, naming the document (absent in tests that relay by hand). */
  readonly nudge?: OutboxNudge;
  readonly now?: () => Date;
}
