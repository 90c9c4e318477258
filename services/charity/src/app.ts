/**
 * The charity service's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies; tests build their own and call this.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import { AccessAudit } from '@minzheng/service-kit/audit';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import { ALLOWANCE_COLLECTION, aidParameterModel, allowanceModel, type AllowanceBody, type AllowanceState } from './aid-parameters/aid-parameter.schema.js';
import { AidParameterBook } from './aid-parameters/parameter-book.js';
import { CampaignRepository } from './campaigns/campaign.repository.js';
import { campaignModel } from './campaigns/campaign.schema.js';
import { LEDGER_COLLECTION, ledgerModel, type LedgerBody } from './campaigns/ledger.schema.js';
import { Chain } from './chain/chain.js';
import type { CharityDeps } from './deps.js';
import { SEED_AID_PARAMETERS, type AidParameterVersion } from './domain/aid-parameters.js';
import { OPENED_LEDGER, type LedgerState } from './domain/ledger.js';
import { WishRepository } from './micro-wishes/micro-wish.repository.js';
import { NEW_WISH, WISH_STEP_COLLECTION, wishModel, wishStepModel, type WishState, type WishStepBody } from './micro-wishes/micro-wish.schema.js';
import { OrganisationRepository } from './organisations/organisation.repository.js';
import { organisationModel } from './organisations/organisation.schema.js';
import { aidParameterRoutes } from './routes/aid-parameters.js';
import { campaignRoutes } from './routes/campaigns.js';
import { ledgerRoutes } from './routes/ledger.js';
import { microWishRoutes } from './routes/micro-wishes.js';
import { organisationRoutes } from './routes/organisations.js';
import { seedAidParameters } from './use-cases/aid-parameters.js';

export const SERVICE_VERSION = '0.1.0';

/**
 * The collections whose documents carry an outbox: the relay's list. (`aid_allowances` never
 * carries events: the ledger's aid-disbursed is the fact.)
 */
export const OUTBOX_COLLECTIONS = ['organisations', 'campaigns', LEDGER_COLLECTION, 'aid_parameters', 'micro_wishes', WISH_STEP_COLLECTION] as const;

/** Creates the indexes of every collection (at start; both stores skip existing ones). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of [organisationModel, campaignModel, ledgerModel, aidParameterModel, allowanceModel, wishModel, wishStepModel]) await model(connection).createIndexes();
}

export interface CharityAppOptions extends ServiceAppInput {
  /** Aid parameter versions stored at start when the store lacks them (default: the R-E12 seeds). */
  readonly aidParameters?: readonly AidParameterVersion[];
}

export async function buildCharityApp(options: CharityAppOptions): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'charity',
      version: SERVICE_VERSION,
      title: '慈善服务 (charity service)',
      description: '慈善组织、募捐活动（微基金、冠名基金、三大帮扶中心）、捐赠与帮扶发放（账目始终平衡：收入 = 发放 + 余额）、公开透明、微心愿。所有变化以 Avro 事件经发件箱发布。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    tags: [
      { name: 'organisations', description: '慈善组织 (charitable organisations)' },
      { name: 'campaigns', description: '募捐活动：开启、结束 (campaigns: open, close)' },
      { name: 'ledger', description: '捐赠与发放账目 (donations and disbursements)' },
      { name: 'transparency', description: '公开透明，无需登录 (public transparency, no token)' },
      { name: 'aid-parameters', description: '帮扶标准参数 (aid parameters, e.g. R-E12)' },
      { name: 'micro-wishes', description: '微心愿 (micro-wishes)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const nudge = options.nudge ?? (() => undefined);
  const deps: CharityDeps = {
    organisations: new OrganisationRepository(options.connection, nudge),
    campaigns: new CampaignRepository(options.connection, nudge),
    ledger: new Chain<LedgerState, LedgerBody>(options.connection, LEDGER_COLLECTION, OPENED_LEDGER, nudge),
    allowances: new Chain<AllowanceState, AllowanceBody>(options.connection, ALLOWANCE_COLLECTION, { paidFen: 0 }),
    parameters: new AidParameterBook(options.connection, nudge),
    wishes: new WishRepository(options.connection, nudge),
    wishSteps: new Chain<WishState, WishStepBody>(options.connection, WISH_STEP_COLLECTION, NEW_WISH, nudge),
    publisher: options.publisher,
    keyring: options.keyring,
    pseudonymizer: options.pseudonymizer,
    now: options.now ?? (() => new Date()),
  };
  const seeded = await seedAidParameters(deps, options.aidParameters ?? SEED_AID_PARAMETERS);
  if (seeded > 0) app.log.info({ seeded }, 'aid parameters: stored the configured versions the store lacked');
  const audit = new AccessAudit(options.connection);
  organisationRoutes(app, deps);
  campaignRoutes(app, deps);
  ledgerRoutes(app, deps, audit);
  aidParameterRoutes(app, deps);
  microWishRoutes(app, deps, audit);
  return app;
}
