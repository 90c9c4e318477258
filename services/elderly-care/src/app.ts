/**
 * The elderly-care service's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies; tests build their own and call this.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import { AccessAudit } from '@minzheng/service-kit/audit';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import { AllowanceGrantRepository } from './allowances/allowance-grant.repository.js';
import { allowanceGrantModel } from './allowances/allowance-grant.schema.js';
import type { ElderlyCareDeps, ElderlyCareParameters } from './deps.js';
import { deviceBatchModel } from './device-signals/device-batch.schema.js';
import { DeviceRepository } from './device-signals/device.repository.js';
import { deviceModel } from './device-signals/device.schema.js';
import { DEMO_AGE_ALLOWANCE_TABLES, checkAgeAllowanceTables } from './domain/age-allowance.js';
import { DEFAULT_CARE_SUBSIDY_TABLES, checkCareSubsidyTables } from './domain/care-subsidy.js';
import { ElderRepository } from './elders/elder.repository.js';
import { elderModel } from './elders/elder.schema.js';
import { allowanceRoutes } from './routes/allowances.js';
import { assessmentRoutes } from './routes/assessments.js';
import { deviceEventRoutes } from './routes/device-events.js';
import { elderRoutes } from './routes/elders.js';
import { serviceOrderRoutes } from './routes/service-orders.js';
import { visitRoutes } from './routes/visits.js';
import { ServiceOrderRepository } from './service-orders/service-order.repository.js';
import { serviceOrderModel } from './service-orders/service-order.schema.js';
import { StandardRowRepository } from './standards/standard.repository.js';
import { standardRowModel } from './standards/standard.schema.js';
import { publishStandards } from './use-cases/standards.js';
import { VisitRepository } from './visits/visit.repository.js';
import { visitModel } from './visits/visit.schema.js';

export const SERVICE_VERSION = '0.1.0';

/** The collections whose documents carry an outbox: the relay's list (server.ts and the test harness). */
export const OUTBOX_COLLECTIONS = ['elders', 'allowance_grants', 'visits', 'service_orders', 'devices', 'device_signal_batches', 'standards'] as const;

/** Creates the indexes of every collection (at start; both stores skip existing ones). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of [elderModel, allowanceGrantModel, visitModel, serviceOrderModel, deviceModel, deviceBatchModel, standardRowModel]) await model(connection).createIndexes();
}

export interface ElderlyCareAppOptions extends ServiceAppInput {
  /** PARAMETER tables and limits (defaults: demo tiers, 2018 seed + demo 2019 subsidy rows, minimum age 60). */
  readonly parameters?: Partial<ElderlyCareParameters>;
  /** How long device ingestion caches device and elder lookups (default 30 s; 0: no cache). */
  readonly deviceCacheTtlMs?: number;
}

/** Device batches carry up to 500 events: room for them in the body limit. */
const BODY_LIMIT = 4 * 1_048_576;

/** The app (what the test harness builds). */
export async function buildElderlyCareApp(options: ElderlyCareAppOptions): Promise<App> {
  return (await buildElderlyCare(options)).app;
}

/** The app and its dependencies (server.ts runs the scheduled jobs with the same dependencies). */
export async function buildElderlyCare(options: ElderlyCareAppOptions): Promise<{ app: App; deps: ElderlyCareDeps }> {
  const parameters: ElderlyCareParameters = {
    ageAllowanceTables: options.parameters?.ageAllowanceTables ?? DEMO_AGE_ALLOWANCE_TABLES,
    careSubsidyTables: options.parameters?.careSubsidyTables ?? DEFAULT_CARE_SUBSIDY_TABLES,
    minimumAge: options.parameters?.minimumAge ?? 60,
  };
  checkAgeAllowanceTables(parameters.ageAllowanceTables);
  checkCareSubsidyTables(parameters.careSubsidyTables);
  const app = await buildApp({
    service: {
      name: 'elderly-care',
      version: SERVICE_VERSION,
      title: '养老服务 (elderly-care service)',
      description: '老人档案、高龄津贴免申可领、老年人能力评估与照护补助、居家养老服务与适老化改造、巡访、智能设备事件（紧急呼叫、生命体征告警、设备离线）。所有变化以 Avro 事件经发件箱发布。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    bodyLimit: BODY_LIMIT,
    tags: [
      { name: 'elders', description: '老人档案 (elders registry)' },
      { name: 'allowances', description: '高龄津贴免申可领 (advanced-age allowance granted without application)' },
      { name: 'assessments', description: '老年人能力评估与照护补助 (ability assessments and the care subsidy)' },
      { name: 'services', description: '居家养老服务与适老化改造 (home services and age-friendly renovations)' },
      { name: 'visits', description: '巡访与月探访 (visits and the monthly-visit obligation)' },
      { name: 'devices', description: '智能设备与设备事件 (devices and device events)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const nudge = options.nudge ?? (() => undefined);
  const deps: ElderlyCareDeps = {
    elders: new ElderRepository(options.connection, nudge),
    grants: new AllowanceGrantRepository(options.connection, nudge),
    visits: new VisitRepository(options.connection, nudge),
    serviceOrders: new ServiceOrderRepository(options.connection, nudge),
    devices: new DeviceRepository(options.connection, nudge, options.deviceCacheTtlMs ?? 30_000),
    standards: new StandardRowRepository(options.connection, nudge),
    publisher: options.publisher,
    keyring: options.keyring,
    pseudonymizer: options.pseudonymizer,
    parameters,
    now: options.now ?? (() => new Date()),
  };
  // The tier and subsidy tables as reference standards, each row once (as services/assistance seeds its standards).
  const published = await publishStandards(deps);
  if (published > 0) app.log.info({ published }, 'standards: published the configured table rows the store lacked');
  const audit = new AccessAudit(options.connection);
  elderRoutes(app, deps, audit);
  allowanceRoutes(app, deps);
  assessmentRoutes(app, deps, audit);
  serviceOrderRoutes(app, deps, audit);
  visitRoutes(app, deps, audit);
  deviceEventRoutes(app, deps, options.deviceCacheTtlMs ?? 30_000);
  return { app, deps };
}
