/**
 * The child-protection service's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies (and the standards consumer); tests build their own.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import { AccessAudit } from '@minzheng/service-kit/audit';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import { ChildRepository } from './children/child.repository.js';
import { childModel } from './children/child.schema.js';
import type { ChildDeps } from './deps.js';
import { zhongshanAllowanceRules, type AllowanceRuleVersion } from './domain/allowance.js';
import { ReportRepository } from './reports/report.repository.js';
import { reportModel } from './reports/report.schema.js';
import { ageTransitionRoutes } from './routes/age-transitions.js';
import { allowanceRoutes } from './routes/allowances.js';
import { childRoutes } from './routes/children.js';
import { reportRoutes } from './routes/reports.js';
import { DibaoBook } from './standards/dibao-book.js';
import { dibaoModel } from './standards/dibao.schema.js';

export const SERVICE_VERSION = '0.1.0';

/** The collections whose documents carry an outbox: the relay's list. */
export const OUTBOX_COLLECTIONS = ['children', 'reports'] as const;

/** Creates the indexes of every collection (at start; both stores skip existing ones). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of [childModel, reportModel, dibaoModel]) await model(connection).createIndexes();
}

export interface ChildProtectionAppOptions extends ServiceAppInput {
  /** Allowance rule versions (default: the Zhongshan 1.6 × 低保 rule of the seeds, from 2021-01-01). */
  readonly allowanceRules?: readonly AllowanceRuleVersion[];
}

/** The use cases' dependencies (server.ts hands the same to the standards consumer). */
export function buildDeps(options: ChildProtectionAppOptions): ChildDeps {
  const nudge = options.nudge ?? (() => undefined);
  return {
    children: new ChildRepository(options.connection, nudge),
    reports: new ReportRepository(options.connection, nudge),
    dibao: new DibaoBook(options.connection),
    allowanceRules: options.allowanceRules ?? zhongshanAllowanceRules,
    publisher: options.publisher,
    keyring: options.keyring,
    pseudonymizer: options.pseudonymizer,
    now: options.now ?? (() => new Date()),
  };
}

export async function buildChildProtectionApp(options: ChildProtectionAppOptions, deps: ChildDeps = buildDeps(options)): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'child-protection',
      version: SERVICE_VERSION,
      title: '儿童福利与未成年人保护服务 (child welfare and protection service)',
      description: '儿童信息台账、监护状况、孤儿及事实无人抚养儿童基本生活费（1.6×低保，随低保调整重算）、强制报告处置链、儿童主任探访、年龄节点。儿童个人信息仅儿童保护角色可见明文。所有变化以 Avro 事件经发件箱发布。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    tags: [
      { name: 'children', description: '儿童信息台账与监护状况 (children registry and guardianship)' },
      { name: 'visits', description: '儿童主任/督导员探访 (child-director visits)' },
      { name: 'allowances', description: '基本生活费：审核、审批、发放 (living allowance: review, approval, payment)' },
      { name: 'reports', description: '强制报告与处置链 (mandatory reports and the response chain)' },
      { name: 'standards', description: '低保标准版本与计算规则 (低保 versions and allowance rules)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const audit = new AccessAudit(options.connection);
  childRoutes(app, deps, audit);
  allowanceRoutes(app, deps, audit);
  reportRoutes(app, deps, audit);
  ageTransitionRoutes(app, deps, audit);
  return app;
}
