/**
 * What a caller sees of a report: the `child-protection` role sees the description, place, phone,
 * the child's identity and step notes in clear (audited); every other role sees the facts of the
 * chain (kind, channel, danger, state, who and when) with free text and phone `null` and the
 * child's name and ID number masked.
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskResidentId } from '@minzheng/identity/masking';
import { allowedNext, REPORT_STATES } from '../domain/report-workflow.js';
import { reportContext, reportStepContext, unseal, unsealOptional } from '../protect.js';
import { CONCERN_KINDS, REPORTER_KINDS, REPORT_CHANNELS, type StoredReport } from './report.schema.js';

export const ReportStateSchema = Type.Enum(REPORT_STATES, { description: '处置状态 (state): 已接收, 应急处置, 评估帮扶, 监护干预, 已结案' });
export const ReporterKindSchema = Type.Enum(REPORTER_KINDS, { description: '报告主体 (who reported)' });
export const ChannelSchema = Type.Enum(REPORT_CHANNELS, { description: '报告渠道 (channel)' });
export const ConcernSchema = Type.Enum(CONCERN_KINDS, { description: '关注类型 (concern)' });
const Nullable = (schema: Parameters<typeof Type.Union>[0][number], description: string) => Type.Union([schema, Type.Null()], { description });

export const ReportView = Type.Object({
  id: Type.String({ description: '报告编号 (report id)' }),
  regionCode: Type.String(),
  reporterKind: ReporterKindSchema,
  channel: ChannelSchema,
  concernKind: ConcernSchema,
  immediateDanger: Type.Boolean({ description: '紧急危险 (immediate danger)' }),
  hotlineIncidentId: Nullable(Type.String(), '12345工单号 (12345 incident id)'),
  description: Nullable(Type.String(), '报告内容 (null unless child-protection)'),
  locationDescription: Nullable(Type.String(), '发生地点 (null unless child-protection)'),
  reporterPhone: Nullable(Type.String(), '报告人电话 (null unless child-protection)'),
  childId: Nullable(Type.String(), '儿童档案编号 (registry record, when identified)'),
  childPersonKey: Nullable(Type.String(), '儿童假名键 (child person key, when identified)'),
  childIdNumber: Nullable(Type.String(), '儿童身份证号 (masked unless child-protection)'),
  childName: Nullable(Type.String(), '儿童姓名 (masked unless child-protection)'),
  status: ReportStateSchema,
  allowedNext: Type.Array(ReportStateSchema, { description: '现在可转入的状态 (states it may move to now)' }),
  steps: Type.Array(Type.Object({
    from: Type.Union([ReportStateSchema, Type.Null()]),
    to: ReportStateSchema,
    by: Type.String({ description: '操作人 (staff or system id)' }),
    at: Type.String({ format: 'date-time' }),
    note: Nullable(Type.String(), '处置说明 (null unless child-protection)'),
  })),
  masked: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    id: 'RPT-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', regionCode: '442000001001', reporterKind: 'SCHOOL', channel: 'HOTLINE_12345', concernKind: 'NEGLECT', immediateDanger: true,
    hotlineIncidentId: '12345-20261108-0042', description: '学生连续三天未到校，家中无成年人', locationDescription: '石岐第1社区某巷', reporterPhone: '13800138000',
    childId: 'CH-6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a', childPersonKey: '3b1f0c…', childIdNumber: '442000201503150022', childName: '陈小雨',
    status: 'EMERGENCY_HANDLING', allowedNext: ['ASSESSMENT'],
    steps: [{ from: null, to: 'RECEIVED', by: 'hotline-12345', at: '2026-11-08T01:00:00.000Z', note: null }, { from: 'RECEIVED', to: 'EMERGENCY_HANDLING', by: 'cd-0101', at: '2026-11-08T01:20:00.000Z', note: '已联系派出所上门' }],
    masked: false, version: 2, createdAt: '2026-11-08T01:00:00.000Z', updatedAt: '2026-11-08T01:20:00.000Z',
  }],
});
export type ReportView = Static<typeof ReportView>;

export function reportView(report: StoredReport, keyring: Keyring, clear: boolean): ReportView {
  const id = report._id;
  const childIdNumber = unsealOptional(keyring, report.childIdNumber, reportContext(id, 'childIdNumber'));
  const childName = unsealOptional(keyring, report.childName, reportContext(id, 'childName'));
  return {
    id,
    regionCode: report.regionCode,
    reporterKind: report.reporterKind,
    channel: report.channel,
    concernKind: report.concernKind,
    immediateDanger: report.immediateDanger,
    hotlineIncidentId: report.hotlineIncidentId,
    description: clear ? unseal(keyring, report.description, reportContext(id, 'description')) : null,
    locationDescription: clear ? unsealOptional(keyring, report.locationDescription, reportContext(id, 'locationDescription')) : null,
    reporterPhone: clear ? unsealOptional(keyring, report.reporterPhone, reportContext(id, 'reporterPhone')) : null,
    childId: report.childId,
    childPersonKey: report.childPersonKey,
    childIdNumber: childIdNumber === null ? null : clear ? childIdNumber : maskResidentId(childIdNumber),
    childName: childName === null ? null : clear ? childName : maskName(childName),
    status: report.status,
    allowedNext: allowedNext(report.status, report.immediateDanger),
    steps: report.steps.map((step, index) => ({ from: step.from, to: step.to, by: step.by, at: step.at.toISOString(), note: clear ? unsealOptional(keyring, step.note, reportStepContext(id, index)) : null })),
    masked: !clear,
    version: report.version,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
  };
}
