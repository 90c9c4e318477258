/**
 * The data-sharing service's app: the kit's `buildApp` and the analyst API over the thematic
 * database. `server.ts` builds the real dependencies and runs the projection consumer beside it;
 * tests build their own and call this.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import { AccessAudit } from '@minzheng/service-kit/audit';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import type { Connection } from 'mongoose';
import type { DataSharingDeps } from './deps.js';
import { DEFAULT_PRECEDENCE, type Precedence } from './projection/precedence.js';
import type { SubjectSummaryDocument } from './projection/fold.js';
import type { StoredContribution } from './projection/model.js';
import { CONTRIBUTIONS, SUMMARIES } from './projection/projector.js';
import { auditRoutes } from './routes/audit.js';
import { householdRoutes } from './routes/households.js';
import { personRoutes } from './routes/persons.js';
import { statisticsRoutes } from './routes/statistics.js';
import { flagRoutes } from './routes/flags.js';
import { ruleRoutes } from './routes/rules.js';
import { eligibilityRoutes } from './routes/eligibility.js';
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { OutboxNudge } from '@minzheng/service-kit/repository';
import { FlagRepository } from './flags/flag.repository.js';
import { FLAGS } from './flags/flag.schema.js';
import { RULES } from './rules/definitions.js';
import { RuleEngine } from './rules/engine.js';
import { DEFAULT_PARAMETERS, type RuleParameters } from './rules/parameters.js';
import { ReferenceBook } from './rules/reference.js';
import { Screener } from './rules/screener.js';
import { WakeupStore } from './rules/scheduler.js';
import { WaterUseStore } from './rules/water-use.js';

export const SERVICE_VERSION = '0.1.0';

/** The flags carry their events in an outbox (the kit's relay publishes them). */
export const OUTBOX_COLLECTIONS = [FLAGS] as const;

export interface ScreenerInput {
  readonly connection: Connection;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly nudge?: OutboxNudge;
  readonly now?: () => Date;
  readonly parameters?: RuleParameters;
}

/** The 政策找人 screener over a database: the compiled rules, the reference book, the flags store. */
export function createScreener(input: ScreenerInput): Screener {
  const parameters = input.parameters ?? DEFAULT_PARAMETERS;
  return new Screener({
    connection: input.connection,
    engine: new RuleEngine(RULES, parameters),
    reference: new ReferenceBook(),
    parameters,
    flags: new FlagRepository(input.connection, input.publisher, input.nudge),
    keyring: input.keyring,
    now: input.now ?? (() => new Date()),
    wakeups: new WakeupStore(input.connection),
    waterUse: new WaterUseStore(input.connection),
  });
}

export async function ensureIndexes(connection: Connection): Promise<void> {
  // Documents are found by `_id` (FerretDB v1 indexes nothing else usefully); the audit's reads are by person.
  // Flags: by slot `_id`, by flag id through `flag_ids`.
  await connection.collection('access_audit').createIndexes([{ key: { personKeys: 1, at: -1 } }]);
}

export interface DataSharingAppOptions extends ServiceAppInput {
  readonly precedence?: Precedence;
  /** Statistics cells below this count are shown as "<N" to analysts (`MZ_SMALL_CELL_THRESHOLD`, default 5). */
  readonly smallCellThreshold?: number;
  readonly ruleParameters?: RuleParameters;
}

export function buildDeps(options: DataSharingAppOptions): DataSharingDeps {
  return {
    connection: options.connection,
    contributions: options.connection.collection<StoredContribution>(CONTRIBUTIONS),
    persons: options.connection.collection<SubjectSummaryDocument>(SUMMARIES.person),
    households: options.connection.collection<SubjectSummaryDocument>(SUMMARIES.household),
    keyring: options.keyring,
    precedence: options.precedence ?? DEFAULT_PRECEDENCE,
    audit: new AccessAudit(options.connection),
    now: options.now ?? (() => new Date()),
    flags: new FlagRepository(options.connection, options.publisher, options.nudge),
    ruleParameters: options.ruleParameters ?? DEFAULT_PARAMETERS,
  };
}

export async function buildDataSharingApp(options: DataSharingAppOptions): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'data-sharing',
      version: SERVICE_VERSION,
      title: '数据共享与救助帮扶专题库 (data sharing: the thematic database)',
      description: '汇聚民政各业务与外部部门事件，按人员假名键与家庭编号形成救助帮扶专题库：每个取值带来源，来源冲突按优先级取值并保留；可按历史时点查看；分析人员见脱敏信息，辖区内社工凭访问事由查看完整信息并留痕。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    tags: [
      { name: 'persons', description: '人员检索与画像 (persons)' },
      { name: 'households', description: '家庭画像 (households)' },
      { name: 'statistics', description: '统计与覆盖率（小格抑制） (statistics and coverage, small cells suppressed)' },
      { name: 'audit', description: '访问审计 (access audit)' },
      { name: 'flags', description: '政策找人线索：查看、确认、办结 (flags of the detection rules)' },
      { name: 'rules', description: '政策找人规则与参数 (detection rules and parameters)' },
      { name: 'eligibility', description: '应享未享与政策模拟 (take-up and what-if)' },
    ],
  });
  const deps = buildDeps(options);
  personRoutes(app, deps);
  householdRoutes(app, deps);
  statisticsRoutes(app, deps, options.smallCellThreshold ?? 5);
  auditRoutes(app, deps);
  flagRoutes(app, deps);
  ruleRoutes(app, deps);
  eligibilityRoutes(app, deps, options.smallCellThreshold ?? 5);
  return app;
}
