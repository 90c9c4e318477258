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

export const SERVICE_VERSION = '0.1.0';

/** No outbox yet (flags, issue 8, will have one). */
export const OUTBOX_COLLECTIONS = [] as const;

export async function ensureIndexes(connection: Connection): Promise<void> {
  // Documents are found by `_id` (FerretDB v1 indexes nothing else usefully); the audit's reads are by person.
  await connection.collection('access_audit').createIndexes([{ key: { personKeys: 1, at: -1 } }]);
}

export interface DataSharingAppOptions extends ServiceAppInput {
  readonly precedence?: Precedence;
  /** Statistics cells below this count are shown as "<N" to analysts (`MZ_SMALL_CELL_THRESHOLD`, default 5). */
  readonly smallCellThreshold?: number;
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
    ],
  });
  const deps = buildDeps(options);
  personRoutes(app, deps);
  householdRoutes(app, deps);
  statisticsRoutes(app, deps, options.smallCellThreshold ?? 5);
  auditRoutes(app, deps);
  return app;
}
