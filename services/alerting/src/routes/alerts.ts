/**
 * The caseworker inbox (工作台): my alerts (or all in my jurisdiction), one alert with the flag's
 * explanation and the facts' sources, acknowledge, notes, the outcome, reassignment; and the live
 * stream (server-sent events) of my alerts, resumable with `Last-Event-ID`.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { ProgramType } from '@minzheng/contracts';
import type { App } from '@minzheng/service-kit/app';
import type { Role } from '@minzheng/service-kit/auth';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import { LIVE_STATUSES } from '../alerts/alert.schema.js';
import { AlertStatusSchema, AlertView, OutcomeSchema, UrgencySchema, WorkerRoleSchema, alertView } from '../alerts/alert.view.js';
import type { AlertingDeps } from '../deps.js';
import { AlertErrors } from '../errors.js';
import type { StreamEntry } from '../stream/stream-log.js';
import { acknowledge, addNote, readNote, reassign, resolve, seesChildCases, visibleAlert } from '../use-cases/alerts.js';

/** Who works alerts: caseworkers (社工, 网格员, 镇街救助所, ...), 儿童主任 and 未保站 (child-protection), supervisors, admins. */
export const ALERT_ROLES: Role[] = ['caseworker', 'child-protection', 'supervisor', 'admin'];

const Params = Type.Object({ id: Type.String({ description: '预警编号 (alert id)' }) });
const PROGRAMS = ['DIBAO', 'LOW_INCOME', 'TEKUN', 'TEMPORARY_AID', 'EXPENDITURE_HARDSHIP', 'MEDICAL_AID', 'EDUCATION_AID', 'HOUSING_AID', 'EMPLOYMENT_AID', 'DISASTER_RELIEF', 'ADVANCED_AGE_ALLOWANCE', 'ELDERLY_CARE_SUBSIDY', 'HOME_CARE_SERVICE', 'ORPHAN_ALLOWANCE', 'DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY', 'CHARITY_AID', 'OTHER'] as const satisfies readonly ProgramType[];

export function alertRoutes(app: App, deps: AlertingDeps): void {
  const view = (alert: Parameters<typeof alertView>[0]) => alertView(alert, (note) => readNote(deps, alert._id, note));

  app.get('/alerts', {
    config: { roles: ALERT_ROLES },
    schema: {
      tags: ['alerts'],
      summary: '我的预警 / 辖区预警（分页，按状态、紧急程度、规则、区划、超时筛选） (my alerts, or all in my jurisdiction)',
      description: 'scope=mine（默认）：指派给我本人的，及指派给我所在角色、我负责区域内而未指定个人的；scope=all：辖区内全部。overdue=true：已过签收或办结时限的在办预警（督办视图）。按创建时间倒序。',
      querystring: Type.Object({
        ...PageQuery.properties,
        scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('all')], { default: 'mine' })),
        status: Type.Optional(AlertStatusSchema),
        urgency: Type.Optional(UrgencySchema),
        ruleId: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' })),
        regionCode: Type.Optional(RegionCodeSchema),
        overdue: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 200: pageSchema(AlertView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { scope, status, urgency, ruleId, regionCode, overdue } = request.query;
    const and: Record<string, unknown>[] = [];
    if (status !== undefined) and.push({ status });
    if (urgency !== undefined) and.push({ urgency });
    if (ruleId !== undefined) and.push({ ruleId });
    // Children's cases (儿童主任, 儿童督导员, 未保站) only for child-protection staff, supervisors and admins.
    if (!seesChildCases(principal)) and.push({ childCase: { $ne: true } });
    if (scope !== 'all') {
      const member = deps.routing.staffMember(principal.subject);
      and.push({ $or: [{ caseworkerId: principal.subject }, ...(member === undefined ? [] : [{ caseworkerId: null, assigneeRole: member.role, regionCode: { $gte: member.regionCode, $lt: `${member.regionCode}~` } }])] });
    }
    if (overdue === true) {
      const now = deps.now();
      and.push({ $or: [{ status: 'OPEN', ackDueAt: { $lt: now } }, { status: { $in: LIVE_STATUSES }, resolveDueAt: { $lt: now } }] });
    }
    const result = await deps.alerts.list(principal.jurisdiction, regionCode, and.length === 0 ? {} : { $and: and }, pageOf(request.query));
    return { ...result, items: result.items.map(view) };
  });

  app.get('/alerts/stream', {
    config: { roles: ALERT_ROLES },
    schema: {
      tags: ['alerts'],
      summary: '实时推送（server-sent events）：我的新预警、升级、改派、撤销 (live stream of my alerts)',
      description: '每条事件：`id` 为推送序号，`event` 为 ALERT / UPDATED / ESCALATED / REASSIGNED / CANCELLED / RESOLVED / ACKNOWLEDGED，`data` 为预警摘要 JSON（不含个人信息）。断线重连时带 `Last-Event-ID`（浏览器 EventSource 自动带上），即补发其后的全部事件，不丢失；不带则从现在起。每 15 秒一行注释保活。',
      querystring: Type.Object({ lastEventId: Type.Optional(Type.String({ description: '同 Last-Event-ID 请求头 (for clients that cannot set headers)' })) }, { additionalProperties: false }),
      produces: ['text/event-stream'],
      response: { 200: Type.String({ description: 'text/event-stream', examples: ['id: 42\nevent: ALERT\ndata: {"alertId":"…","urgency":"P1",…}\n\n'] }), ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const header = request.headers['last-event-id'];
    const raw = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
    if (raw !== undefined && !/^\d{1,15}$/u.test(raw)) throw AlertErrors.badLastEventId(raw);
    const from = raw === undefined ? null : Number(raw);
    reply.hijack();
    const socket = reply.raw;
    const state: { closed: boolean; disconnect: (() => void) | null } = { closed: socket.destroyed, disconnect: null };
    // The client went away while it was authenticated: nothing to stream to.
    if (state.closed) return;
    const heartbeat = setInterval(() => {
      if (!state.closed) socket.write(': keep-alive\n\n');
    }, 15_000);
    heartbeat.unref();
    const close = () => {
      state.closed = true;
      clearInterval(heartbeat);
      state.disconnect?.();
    };
    // The response's close: the client went away (the request's own 'close' fires once its body is read).
    socket.on('close', close);
    socket.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-request-id': request.id });
    socket.write('retry: 3000\n\n');
    const send = (entry: StreamEntry) => {
      if (state.closed) return;
      socket.write(`id: ${String(entry.seq)}\nevent: ${entry.kind}\ndata: ${JSON.stringify({ ...entry.alert, assigneeRole: entry.assigneeRole, caseworkerId: entry.caseworkerId, previous: entry.previous, at: entry.at.toISOString() })}\n\n`);
    };
    const member = deps.routing.staffMember(principal.subject);
    const viewer = { subject: principal.subject, jurisdiction: principal.jurisdiction, workerRole: member?.role ?? null, area: member?.regionCode ?? null, seesChildCases: seesChildCases(principal) };
    try {
      const isClosed = () => state.closed;
      const disconnect = await deps.hub.subscribe(viewer, from, send, { closed: isClosed, end: () => socket.end() });
      // The close handler may have run while the backlog was read.
      if (isClosed()) disconnect();
      else state.disconnect = disconnect;
    } catch (error) {
      request.log.error({ err: error }, 'stream backlog read failed; the console reconnects');
      close();
      socket.end();
    }
  });

  app.get('/alerts/:id', {
    config: { roles: ALERT_ROLES },
    schema: { tags: ['alerts'], summary: '预警详情：线索说明、事实来源、时限、处理记录 (one alert with the explanation and the facts\' sources)', params: Params, response: { 200: AlertView, ...errorResponses } },
  }, async (request) => view(await visibleAlert(deps, principalOf(request), request.params.id)));

  app.post('/alerts/:id/acknowledge', {
    config: { roles: ALERT_ROLES },
    schema: { tags: ['alerts'], summary: '签收 (acknowledge: stops the acknowledgement deadline)', params: Params, response: { 200: AlertView, ...errorResponses } },
  }, async (request) => view(await acknowledge(deps, principalOf(request), request.params.id)));

  app.post('/alerts/:id/notes', {
    config: { roles: ALERT_ROLES },
    schema: {
      tags: ['alerts'],
      summary: '添加处理备注（加密保存） (add a note; stored encrypted)',
      params: Params,
      body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false, examples: [{ note: '已电话联系，老人外出探亲，明日返回。' }] }),
      response: { 200: AlertView, ...errorResponses },
    },
  }, async (request) => view(await addNote(deps, principalOf(request), request.params.id, request.body.note)));

  app.post('/alerts/:id/resolve', {
    config: { roles: ALERT_ROLES },
    schema: {
      tags: ['alerts'],
      summary: '办结：登记处置结果 (record the outcome; published as alerting.alert-outcome-recorded)',
      params: Params,
      body: Type.Object({
        outcome: OutcomeSchema,
        program: Type.Optional(Type.Enum(PROGRAMS, { description: '帮扶或转介的项目 (mz.common.ProgramType)' })),
        note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
      }, { additionalProperties: false, examples: [{ outcome: 'HELP_GIVEN', program: 'TEMPORARY_AID', note: '上门确认安全，已申请临时救助。' }] }),
      response: { 200: AlertView, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body;
    return view(await resolve(deps, principalOf(request), request.params.id, { outcome: body.outcome, ...(body.program === undefined ? {} : { program: body.program }), ...(body.note === undefined ? {} : { note: body.note }) }));
  });

  app.post('/alerts/:id/reassign', {
    config: { roles: ALERT_ROLES },
    schema: {
      tags: ['alerts'],
      summary: '改派：给另一名工作人员或角色 (reassign to a member of staff or a role; published as alert-escalated, reason MANUAL)',
      params: Params,
      body: Type.Object({
        caseworkerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '名册中的工作人员 (must cover the alert\'s region)' })),
        role: Type.Optional(WorkerRoleSchema),
        note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
      }, { additionalProperties: false, examples: [{ caseworkerId: 'sw-442000101', note: '转社工跟进。' }] }),
      response: { 200: AlertView, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body;
    return view(await reassign(deps, principalOf(request), request.params.id, { ...(body.caseworkerId === undefined ? {} : { caseworkerId: body.caseworkerId }), ...(body.role === undefined ? {} : { role: body.role }), ...(body.note === undefined ? {} : { note: body.note }) }));
  });
}
