/** How an alert leaves the service (the response schema is an allow-list: nothing else leaves). */
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { ALERT_OUTCOMES, ALERT_STATUSES, type StoredAlert } from './alert.schema.js';
import { URGENCIES, WORKER_ROLES } from '../routing/routing-table.js';

export const AlertStatusSchema = Type.Enum(ALERT_STATUSES, { description: '状态：OPEN 待签收, ACKNOWLEDGED 已签收, RESOLVED 已办结, CANCELLED 线索已消除（未签收即撤销）' });
export const UrgencySchema = Type.Enum(URGENCIES, { description: '紧急程度 P1-P4' });
export const WorkerRoleSchema = Type.Enum(WORKER_ROLES, { description: '工作人员角色 (mz.common.WorkerRole)' });
export const OutcomeSchema = Type.Enum(ALERT_OUTCOMES, { description: '处置结果：HELP_GIVEN 已帮扶, REFERRED 已转介, NOT_ELIGIBLE 不符合条件, FALSE_ALARM 误报, UNREACHABLE 联系不上, OTHER 其他' });

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const example = {
  alertId: '0d9c7f1e-3a52-8b1c-9d4e-5f6a7b8c9d0e',
  flagId: '049a2dee-ef00-4fa4-9619-1b8d4e799166',
  ruleId: 'WATER_METER_SILENCE',
  ruleVersion: '1',
  flagCode: 'RISK_WELLBEING_CHECK',
  urgency: 'P1',
  title: '独居老人水表长时间无用水',
  explanation: '独居老人（85岁）的智能水表已连续30小时无用水（阈值24（参数）小时），请立即上门或电话确认安全。',
  suggestedProgram: null,
  standardVersionId: null,
  facts: [{ name: 'waterSilenceHours', value: '30', sourceEventId: '21d91d3b-f85a-4157-a809-c69529ef113b', sourceDepartment: 'WATER', occurredAt: '2026-12-07T01:00:00.000Z' }],
  regionCode: '442000101002',
  subject: { kind: 'person', personKey: 'd49f21a959b23073d55cf679c0bed4c7e3ed076a69d0eb5ef1c57ffce4bfdafb', householdId: null },
  assigneeRole: 'GRID_WORKER',
  caseworkerId: 'gw-442000101002',
  routingVersion: '2026-12-07.1',
  status: 'OPEN',
  escalationLevel: 0,
  ackDueAt: '2026-12-07T02:15:00.000Z',
  resolveDueAt: '2026-12-08T02:00:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  outcome: null,
  outcomeProgram: null,
  flagClosedAt: null,
  flagCloseReason: null,
  notes: [],
  log: [{ at: '2026-12-07T02:00:00.000Z', action: 'DELIVERED', by: 'system', detail: 'GRID_WORKER gw-442000101002 (routing 2026-12-07.1)' }],
  version: 1,
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
};

export const AlertView = Type.Object(
  {
    alertId: Type.String({ description: '预警编号' }),
    flagId: Type.String({ description: '线索编号 (data-sharing flag)' }),
    ruleId: Type.String({ description: '规则编号' }),
    ruleVersion: Type.String(),
    flagCode: Type.String(),
    urgency: UrgencySchema,
    title: Type.String({ description: '规则标题' }),
    explanation: Type.String({ description: '线索说明（中文）：规则、标准版本与所依据的事实' }),
    suggestedProgram: Nullable(Type.String()),
    standardVersionId: Nullable(Type.String()),
    facts: Type.Array(Type.Object({ name: Type.String(), value: Type.String(), sourceEventId: Type.String(), sourceDepartment: Type.String(), occurredAt: Type.String() }), { description: '事实依据及其来源（部门、事件、时间）' }),
    regionCode: Type.String({ description: '对象所在村居/镇街' }),
    subject: Type.Object({ kind: Type.Union([Type.Literal('person'), Type.Literal('household')]), personKey: Nullable(Type.String({ description: '人员假名键 (open the profile in data-sharing, with a purpose)' })), householdId: Nullable(Type.String()) }),
    assigneeRole: WorkerRoleSchema,
    caseworkerId: Nullable(Type.String({ description: '接收人（名册中的工作人员）' })),
    routingVersion: Type.String({ description: '路由表版本' }),
    status: AlertStatusSchema,
    escalationLevel: Type.Integer({ description: '升级层级，0 未升级' }),
    ackDueAt: Instant,
    resolveDueAt: Instant,
    acknowledgedAt: Nullable(Instant),
    acknowledgedBy: Nullable(Type.String()),
    resolvedAt: Nullable(Instant),
    resolvedBy: Nullable(Type.String()),
    outcome: Nullable(OutcomeSchema),
    outcomeProgram: Nullable(Type.String()),
    flagClosedAt: Nullable(Instant),
    flagCloseReason: Nullable(Type.String()),
    notes: Type.Array(Type.Object({ noteId: Type.String(), at: Instant, by: Type.String(), text: Type.String() })),
    log: Type.Array(Type.Object({ at: Instant, action: Type.String(), by: Type.String(), detail: Nullable(Type.String()) })),
    version: Type.Integer(),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { examples: [example] },
);
export type AlertViewValue = Static<typeof AlertView>;

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** The alert as its readers see it; notes decrypted by `readNote` (staff of the area only reach this). */
export function alertView(alert: StoredAlert, readNote: (note: { noteId: string; text: string }) => string): AlertViewValue {
  return {
    alertId: alert._id,
    flagId: alert.flagId,
    ruleId: alert.ruleId,
    ruleVersion: alert.ruleVersion,
    flagCode: alert.flagCode,
    urgency: alert.urgency,
    title: alert.title,
    explanation: alert.explanation,
    suggestedProgram: alert.suggestedProgram,
    standardVersionId: alert.standardVersionId,
    facts: alert.facts,
    regionCode: alert.regionCode,
    subject: { kind: alert.subjectKind, personKey: alert.personKey, householdId: alert.householdId },
    assigneeRole: alert.assigneeRole,
    caseworkerId: alert.caseworkerId,
    routingVersion: alert.routingVersion,
    status: alert.status,
    escalationLevel: alert.escalationLevel,
    ackDueAt: alert.ackDueAt.toISOString(),
    resolveDueAt: alert.resolveDueAt.toISOString(),
    acknowledgedAt: iso(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy,
    resolvedAt: iso(alert.resolvedAt),
    resolvedBy: alert.resolvedBy,
    outcome: alert.outcome,
    outcomeProgram: alert.outcomeProgram,
    flagClosedAt: iso(alert.flagClosedAt),
    flagCloseReason: alert.flagCloseReason,
    notes: alert.notes.map((note) => ({ noteId: note.noteId, at: note.at.toISOString(), by: note.by, text: readNote(note) })),
    log: alert.log.map((entry) => ({ at: entry.at.toISOString(), action: entry.action, by: entry.by, detail: entry.detail })),
    version: alert.version,
    createdAt: alert.createdAt.toISOString(),
    updatedAt: alert.updatedAt.toISOString(),
  };
}
