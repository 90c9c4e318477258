/**
 * Brings up the seven services as processes against a Kafka broker and a MongoDB-wire server:
 * writes the alerting routing table with the city's staff directory, starts every service with its
 * environment (its own database, the shared keys), waits until each is ready, and hands back the
 * API client and a stop function. The main job and the end-to-end tests both use it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoStaff } from '@minzheng/demo-city';
import { PlatformApi } from './api.js';
import { secretEnv, type PlatformSecrets } from './secrets.js';
import { SERVICE_NAMES, SERVICES, databaseOf, type ServiceName } from './services.js';
import { startServiceProcess, stopServices, waitReady, type RunningService } from './supervisor.js';

export interface PlatformOptions {
  /** The repository root (services are started from `services/<name>/dist`). */
  readonly root: string;
  readonly kafkaBrokers: string;
  /** The MongoDB-wire URL of a database. */
  readonly mongoUrl: (database: string) => string;
  readonly secrets: PlatformSecrets;
  /** Where the routing table and the logs go. */
  readonly workDir: string;
  /** The staff directory of the alerting routing table. */
  readonly staff: readonly DemoStaff[];
  /** The port of each service (default: its own). */
  readonly ports?: Partial<Record<ServiceName, number>>;
  /** Appended to database and consumer-group names (tests: a fresh platform beside others). */
  readonly suffix?: string;
  readonly logLevel?: string;
  /** How often data-sharing's scheduler runs its periodic sweeps (ms). */
  readonly schedulerIntervalMs?: number;
  /** Told when a service is ready (ms it took). */
  readonly onReady?: (name: ServiceName, ms: number, url: string) => void;
}

export interface Platform {
  readonly api: PlatformApi;
  readonly services: readonly RunningService[];
  readonly routingFile: string;
  stop(): Promise<void>;
}

/** The default routing table (services/alerting/config/routing.json) with `staff` as its directory. */
export function writeRoutingTable(root: string, file: string, staff: readonly DemoStaff[]): void {
  const base = JSON.parse(readFileSync(join(root, 'services/alerting/config/routing.json'), 'utf8')) as Record<string, unknown>;
  const table = { ...base, version: `${String(base.version)}+city-${String(staff.length)}`, staff: staff.map(({ id, name, role, regionCode }) => ({ id, name, role, regionCode })) };
  writeFileSync(file, `${JSON.stringify(table, null, 2)}\n`);
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const suffix = options.suffix ?? '';
  mkdirSync(options.workDir, { recursive: true });
  const routingFile = join(options.workDir, 'routing.json');
  writeRoutingTable(options.root, routingFile, options.staff);
  const common = { ...secretEnv(options.secrets), KAFKA_BROKERS: options.kafkaBrokers, MZ_LOG_LEVEL: options.logLevel ?? 'info' };
  const own: Record<ServiceName, Record<string, string>> = {
    assistance: {},
    'elderly-care': {},
    'child-protection': { MZ_STANDARDS_CONSUMER_GROUP: `child-protection.standards${suffix}` },
    charity: {},
    exchange: {},
    'data-sharing': {
      MZ_PROJECTION_GROUP: `data-sharing-projection${suffix}`,
      MZ_OUTCOME_GROUP: `data-sharing-outcomes${suffix}`,
      ...(options.schedulerIntervalMs === undefined ? {} : { MZ_SCHEDULER_INTERVAL_MS: String(options.schedulerIntervalMs) }),
    },
    alerting: { MZ_ROUTING_FILE: routingFile, MZ_FLAG_CONSUMER_GROUP: `alerting-flags${suffix}` },
  };
  const services: RunningService[] = [];
  const stop = () => stopServices(services);
  try {
    for (const name of SERVICE_NAMES) {
      services.push(
        startServiceProcess({
          root: options.root,
          name,
          port: options.ports?.[name] ?? SERVICES[name].port,
          env: { ...common, ...own[name], MZ_MONGO_URL: options.mongoUrl(databaseOf(name, suffix)) },
          logDir: join(options.workDir, 'logs'),
        }),
      );
    }
    await Promise.all(
      services.map(async (service) => {
        const ms = await waitReady(service);
        options.onReady?.(service.name, ms, service.url);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = Object.fromEntries(services.map((service) => [service.name, service.url])) as Record<ServiceName, string>;
  return { api: new PlatformApi(urls, options.secrets.jwtKeys), services, routingFile, stop };
}
