/** 强制报告 (mandatory reports): intake, read, list, the response chain. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { FastifyRequest } from 'fastify';
import { MASKED_READERS, seesChildData } from '../access.js';
import type { ChildDeps } from '../deps.js';
import type { StoredReport } from '../reports/report.schema.js';
import { ChannelSchema, ConcernSchema, ReportStateSchema, ReportView, ReporterKindSchema, reportView } from '../reports/report.view.js';
import { moveReport, receiveReport } from '../use-cases/reports.js';

const Params = Type.Object({ id: Type.String({ description: '报告编号 (report id)' }) });

export function reportRoutes(app: App, deps: ChildDeps, audit: AccessAudit): void {
  const answer = async (request: FastifyRequest, report: StoredReport, action: 'read' | 'write') => {
    const clear = seesChildData(principalOf(request));
    if (clear || action === 'write') await audit.record(request, { action, resource: 'report', resourceId: report._id, personKeys: report.childPersonKey === null ? [] : [report.childPersonKey] });
    return reportView(report, deps.keyring, clear);
  };

  app.post('/reports', {
    config: { roles: ['department-system', 'child-protection'], idempotent: true },
    schema: {
      tags: ['reports'],
      summary: '接收强制报告（12345 系统或工作人员） (receive a mandatory report: from the 12345 system or staff)',
      description: '经 12345 渠道须给工单号。儿童可按档案编号或身份证号识别。事件 child-protection.mandatory-report-received。',
      body: Type.Object({
        regionCode: Type.String({ pattern: '^\\d{9}(\\d{3})?$', description: '儿童所在镇街或村居 (9 or 12 digits)' }),
        reporterKind: ReporterKindSchema,
        channel: ChannelSchema,
        concernKind: ConcernSchema,
        immediateDanger: Type.Boolean({ description: '紧急危险 (immediate danger)' }),
        hotlineIncidentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '12345工单号 (required for HOTLINE_12345)' })),
        description: Type.String({ minLength: 1, maxLength: 4000, description: '报告内容 (free text; encrypted)' }),
        locationDescription: Type.Optional(Type.String({ maxLength: 500, description: '发生地点 (encrypted)' })),
        reporterPhone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$', description: '报告人电话 (encrypted)' })),
        child: Type.Optional(Type.Object({
          childId: Type.Optional(Type.String({ description: '儿童档案编号 (registry record id)' })),
          idNumber: Type.Optional(Type.String({ description: '儿童身份证号 (ID number)' })),
          name: Type.Optional(Type.String({ maxLength: 50 })),
        }, { additionalProperties: false })),
      }, {
        additionalProperties: false,
        examples: [{ regionCode: '442000001001', reporterKind: 'SCHOOL', channel: 'HOTLINE_12345', concernKind: 'NEGLECT', immediateDanger: true, hotlineIncidentId: '12345-20261108-0042', description: '学生连续三天未到校，家中无成年人', locationDescription: '石岐第1社区某巷', reporterPhone: '13800138000' }],
      }),
      response: { 201: ReportView, ...errorResponses },
    },
  }, async (request, reply) => {
    const report = await receiveReport(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/reports/${report._id}`).send(await answer(request, report, 'write'));
  });

  app.get('/reports/:id', {
    config: { roles: ['child-protection', 'department-system', ...MASKED_READERS] },
    schema: {
      tags: ['reports'],
      summary: '查看强制报告及处置链（仅儿童保护角色可见内容） (one report and its chain; content only for child-protection)',
      params: Params,
      response: { 200: ReportView, ...errorResponses },
    },
  }, async (request) => answer(request, await deps.reports.get(request.params.id, principalOf(request).jurisdiction), 'read'));

  app.get('/reports', {
    config: { roles: ['child-protection', ...MASKED_READERS] },
    schema: {
      tags: ['reports'],
      summary: '强制报告列表（分页，按区划、状态筛选） (reports in the jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), status: Type.Optional(ReportStateSchema), immediateDanger: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: pageSchema(ReportView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const clear = seesChildData(principal);
    const { regionCode, status, immediateDanger } = request.query;
    const filter: Record<string, unknown> = {};
    if (status !== undefined) filter.status = status;
    if (immediateDanger !== undefined) filter.immediateDanger = immediateDanger;
    const result = await deps.reports.list(principal.jurisdiction, regionCode, filter, pageOf(request.query));
    if (clear && result.items.length > 0) {
      await audit.record(request, { action: 'read', resource: 'report-list', resourceId: regionCode ?? principal.jurisdiction, personKeys: result.items.flatMap((report) => (report.childPersonKey === null ? [] : [report.childPersonKey])) });
    }
    return { ...result, items: result.items.map((report) => reportView(report, deps.keyring, clear)) };
  });

  app.post('/reports/:id/transitions', {
    config: { roles: ['child-protection'] },
    schema: {
      tags: ['reports'],
      summary: '处置链状态转换：应急处置、评估帮扶、监护干预、结案 (move the report along the response chain)',
      description: 'RECEIVED → EMERGENCY_HANDLING（紧急危险必经） → ASSESSMENT → GUARDIANSHIP_INTERVENTION 或 CLOSED。非法转换为 CHILD_ILLEGAL_TRANSITION。记录操作人与时间。事件 child-protection.report-status-changed。',
      params: Params,
      body: Type.Object({
        to: ReportStateSchema,
        note: Type.Optional(Type.String({ maxLength: 4000, description: '处置说明 (encrypted)' })),
        version: Type.Optional(Type.Integer({ minimum: 1 })),
      }, { additionalProperties: false, examples: [{ to: 'EMERGENCY_HANDLING', note: '已联系派出所上门' }] }),
      response: { 200: ReportView, ...errorResponses },
    },
  }, async (request) => answer(request, await moveReport(deps, principalOf(request), request.params.id, request.body), 'write'));
}
