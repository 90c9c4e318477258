/**
 * The assistance service's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies; tests build their own and call this.
 */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import { buildApp, type App, type ReadinessCheck } from '@minzheng/service-kit/app';
import { AccessAudit } from '@minzheng/service-kit/audit';
import type { JwtKeys } from '@minzheng/service-kit/auth';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { AssistanceDeps } from './deps.js';
import { HouseholdRepository } from './households/household.repository.js';
import { ApplicationRepository } from './applications/application.repository.js';
import { zhongshanStandards, type StandardVersion } from './domain/standards.js';
import { applicationRoutes } from './routes/applications.js';
import { householdRoutes } from './routes/households.js';

export const SERVICE_VERSION = '0.1.0';

export interface AssistanceAppOptions {
  readonly connection: Connection;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly jwtKeys: JwtKeys;
  readonly logger?: Logger | { level?: string } | false;
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  readonly nudge?: () => void;
  readonly now?: () => Date;
  /** Standard versions (default: the Zhongshan values the seeds give, see domain/README.md). */
  readonly standards?: readonly StandardVersion[];
}

export async function buildAssistanceApp(options: AssistanceAppOptions): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'assistance',
      version: SERVICE_VERSION,
      title: '社会救助服务 (social assistance service)',
      description: '低保、低收入、特困、临时救助与支出型困难家庭：家庭与成员、申请审核审批、救助标准、待遇与发放。所有变化以 Avro 事件经发件箱发布。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    tags: [
      { name: 'households', description: '家庭与成员 (households and members)' },
      { name: 'applications', description: '救助申请：受理、审核、审批、发放 (applications: submit, review, decide, pay)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const deps: AssistanceDeps = {
    households: new HouseholdRepository(options.connection),
    applications: new ApplicationRepository(options.connection),
    standards: options.standards ?? zhongshanStandards,
    publisher: options.publisher,
    keyring: options.keyring,
    pseudonymizer: options.pseudonymizer,
    nudge: options.nudge ?? (() => undefined),
    now: options.now ?? (() => new Date()),
  };
  const audit = new AccessAudit(options.connection);
  householdRoutes(app, deps, audit);
  applicationRoutes(app, deps, audit);
  return app;
}
