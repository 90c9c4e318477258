/**
 * The assistance service's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies; tests build their own and call this.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import { AccessAudit } from '@minzheng/service-kit/audit';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import type { AssistanceDeps } from './deps.js';
import { HouseholdRepository } from './households/household.repository.js';
import { householdModel } from './households/household.schema.js';
import { ApplicationRepository } from './applications/application.repository.js';
import { applicationModel } from './applications/application.schema.js';
import { zhongshanStandards, type StandardVersion } from './domain/standards.js';
import { EconomicCheckRepository } from './economic-checks/economic-check.repository.js';
import { economicCheckModel } from './economic-checks/economic-check.schema.js';
import { EnrolmentRepository } from './enrolments/enrolment.repository.js';
import { enrolmentModel } from './enrolments/enrolment.schema.js';
import { PaymentRunRepository } from './payment-runs/payment-run.repository.js';
import { paymentRunModel } from './payment-runs/payment-run.schema.js';
import { applicationRoutes } from './routes/applications.js';
import { economicCheckRoutes } from './routes/economic-checks.js';
import { enrolmentRoutes } from './routes/enrolments.js';
import { householdRoutes } from './routes/households.js';
import { standardRoutes } from './routes/standards.js';
import { StandardBook } from './standards/standard-book.js';
import { standardModel } from './standards/standard.schema.js';
import { seedStandards } from './use-cases/standards.js';

export const SERVICE_VERSION = '0.2.0';

/** The collections whose documents carry an outbox: the relay's list. */
export const OUTBOX_COLLECTIONS = ['households', 'applications', 'enrolments', 'economic_checks', 'standards'] as const;

/** Creates the indexes of every collection (at start; both stores skip existing ones). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of [householdModel, applicationModel, enrolmentModel, economicCheckModel, paymentRunModel, standardModel]) await model(connection).createIndexes();
}

export interface AssistanceAppOptions extends ServiceAppInput {
  /** Standard versions stored at start when the store lacks them (default: the Zhongshan values the seeds give, see domain/README.md). */
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
      { name: 'enrolments', description: '纳入保障：开始、调整、终止、渐退 (enrolments: start, change, end, gradual exit)' },
      { name: 'payments', description: '月度发放批次 (monthly payment runs)' },
      { name: 'economic-checks', description: '家庭经济状况核对结果 (economic-check results)' },
      { name: 'standards', description: '救助标准版本 (standard versions)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const nudge = options.nudge ?? (() => undefined);
  const deps: AssistanceDeps = {
    households: new HouseholdRepository(options.connection, nudge),
    applications: new ApplicationRepository(options.connection, nudge),
    enrolments: new EnrolmentRepository(options.connection, nudge),
    economicChecks: new EconomicCheckRepository(options.connection, nudge),
    paymentRuns: new PaymentRunRepository(options.connection, nudge),
    standards: new StandardBook(options.connection, nudge),
    publisher: options.publisher,
    keyring: options.keyring,
    pseudonymizer: options.pseudonymizer,
    now: options.now ?? (() => new Date()),
  };
  const seeded = await seedStandards(deps, options.standards ?? zhongshanStandards);
  if (seeded > 0) app.log.info({ seeded }, 'standards: stored the configured versions the store lacked');
  const audit = new AccessAudit(options.connection);
  householdRoutes(app, deps, audit);
  applicationRoutes(app, deps, audit);
  enrolmentRoutes(app, deps);
  economicCheckRoutes(app, deps);
  standardRoutes(app, deps);
  return app;
}
