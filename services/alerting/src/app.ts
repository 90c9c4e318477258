/**
 * The alerting service's app: the kit's `buildApp` and the routes. `buildDeps` makes what the use
 * cases share (the stream hub, the routing table); `server.ts` adds the flag consumer, the
 * escalator and the webhook dispatcher as components. Tests build their own.
 */
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { AlertRepository } from './alerts/alert.repository.js';
import { ALERTS, alertModel } from './alerts/alert.schema.js';
import type { AlertingDeps, Notifier } from './deps.js';
import { DeadlineQueue } from './escalation/deadlines.js';
import { alertRoutes } from './routes/alerts.js';
import { reportRoutes } from './routes/reports.js';
import { routingRoutes } from './routes/routing.js';
import type { RoutingTable } from './routing/routing-table.js';
import { StreamHub } from './stream/hub.js';
import { StreamLog } from './stream/stream-log.js';

export const SERVICE_VERSION = '0.1.0';

/** The collections whose documents carry an outbox: the relay's list. */
export const OUTBOX_COLLECTIONS = [ALERTS] as const;

export async function ensureIndexes(connection: Connection): Promise<void> {
  await alertModel(connection).createIndexes();
}

export interface AlertingAppOptions extends ServiceAppInput {
  readonly routing: RoutingTable;
  readonly notifier?: Notifier | null;
  /** How often the stream hub looks for entries other instances wrote (ms). */
  readonly streamPollMs?: number;
}

const isLogger = (logger: unknown): logger is Logger => typeof (logger as Partial<Logger> | undefined)?.warn === 'function';

export function buildDeps(options: AlertingAppOptions): AlertingDeps {
  const stream = new StreamLog(options.connection);
  return {
    alerts: new AlertRepository(options.connection, options.nudge),
    deadlines: new DeadlineQueue(options.connection),
    stream,
    hub: new StreamHub({ log: stream, ...(options.streamPollMs === undefined ? {} : { pollMs: options.streamPollMs }), ...(isLogger(options.logger) ? { logger: options.logger } : {}) }),
    routing: options.routing,
    notifier: options.notifier ?? null,
    publisher: options.publisher,
    keyring: options.keyring,
    now: options.now ?? (() => new Date()),
  };
}

/** The app; the stream hub starts with it and stops when it closes. */
export async function buildAlertingApp(options: AlertingAppOptions, deps: AlertingDeps = buildDeps(options), register?: (app: App) => void): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'alerting',
      version: SERVICE_VERSION,
      title: '预警推送服务 (alerting service)',
      description: '接收政策找人线索，按路由表（版本化、加载即校验）派给负责的角色和工作人员；每条线索只有一条在办预警；按紧急程度设签收、办结时限，超时升级至主管（重启不丢）；工作台：签收、备注、办结登记处置结果、改派；实时推送（SSE，断线续传不丢失）；签名 Webhook；推送、签收、升级、处置结果以 Avro 事件发布，供数据共享服务统计各规则精度。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: { ...options.readiness, streamHub: () => Promise.resolve(deps.hub.metrics()) },
    tags: [
      { name: 'alerts', description: '工作台：我的预警、签收、备注、办结、改派、实时推送 (the caseworker inbox and live stream)' },
      { name: 'routing', description: '路由表 (the routing table)' },
      { name: 'reports', description: '规则精度 (per-rule precision)' },
      { name: 'webhooks', description: 'Webhook 推送与死信重放 (webhooks and their dead letters)' },
    ],
  });
  alertRoutes(app, deps);
  routingRoutes(app, deps);
  reportRoutes(app, deps);
  register?.(app);
  await deps.hub.start();
  // Before the server waits for its connections: the open streams are ended, or a close would wait for them.
  app.addHook('preClose', async () => {
    await deps.hub.stop();
  });
  return app;
}
