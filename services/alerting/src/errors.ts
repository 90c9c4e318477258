/**
 * The coded errors of the alerting service. 404 and 409 on an alert come from the kit's repository
 * (`ALERT_NOT_FOUND`, `ALERT_CONCURRENT_CHANGE`); the others are below. Messages are Chinese with
 * English in parentheses; details name the field and the rule and never carry personal data.
 */
import { defineError } from '@minzheng/service-kit/errors';

export const AlertErrors = {
  /** The repository's 404, for an alert that exists but is not the caller's to see (a child's case). */
  notFound: defineError('ALERT_NOT_FOUND', 404, '预警不存在或不在管辖范围内 (no such alert in your jurisdiction)', (alertId: string) => ({
    message: `预警不存在或不在管辖范围内 (${alertId} not found in your jurisdiction)`,
    details: { field: 'id', rule: "must name a record in the caller's jurisdiction", id: alertId },
  })),
  notAssignee: defineError('ALERT_NOT_ASSIGNEE', 403, '非预警接收人 (only the assignee, their role queue in the area, or a supervisor may act on an alert)', (alertId: string) => ({
    message: '您不是该预警的接收人，不能处理 (you do not hold this alert: it is assigned to someone else)',
    details: { field: 'id', rule: 'must be held by the caller (named caseworker, their role queue, or a supervisor)', alertId },
  })),
  illegalState: defineError('ALERT_ILLEGAL_STATE', 409, '预警状态不允许该操作 (the alert is not in a state that allows the action)', (alertId: string, status: string, action: string, allowed: readonly string[]) => ({
    message: `预警当前状态为 ${status}，不能${action} (the alert is ${status}: cannot ${action})`,
    details: { field: 'status', rule: `must be one of ${allowed.join(', ')}`, alertId, status },
  })),
  unknownCaseworker: defineError('ALERT_UNKNOWN_CASEWORKER', 400, '工作人员不在名册中 (the caseworker is not in the routing table\'s staff directory)', (caseworkerId: string) => ({
    message: `工作人员 ${caseworkerId} 不在名册中 (not in the staff directory)`,
    details: { field: 'body.caseworkerId', rule: 'must name a member of staff of the routing table', caseworkerId },
  })),
  outOfArea: defineError('ALERT_CASEWORKER_OUT_OF_AREA', 400, '工作人员不负责该区域 (the caseworker\'s area does not contain the alert\'s region)', (caseworkerId: string, regionCode: string) => ({
    message: `工作人员 ${caseworkerId} 不负责区域 ${regionCode} (their area does not contain the alert's region)`,
    details: { field: 'body.caseworkerId', rule: "the caseworker's area must contain the alert's region", caseworkerId, regionCode },
  })),
  reassignNothing: defineError('ALERT_REASSIGN_EMPTY', 400, '改派须给出角色或工作人员 (a reassignment names a role or a caseworker)', () => ({
    message: '改派须给出角色或工作人员 (name a role or a caseworker)',
    details: { field: 'body', rule: 'must name role or caseworkerId' },
  })),
  badLastEventId: defineError('ALERT_STREAM_BAD_LAST_EVENT_ID', 400, 'Last-Event-ID 无效 (must be the id of a stream event: a non-negative integer)', (value: string) => ({
    message: `Last-Event-ID 无效：${value.slice(0, 40)} (must be a non-negative integer)`,
    details: { field: 'headers.last-event-id', rule: 'must be a non-negative integer (the id of an event of this stream)' },
  })),
  routingInvalid: defineError('ROUTING_INVALID', 400, '路由表无效 (the routing table does not validate; details list each problem)', (problems: readonly { path: string; rule: string }[]) => ({
    message: `路由表无效，共 ${String(problems.length)} 处问题 (the routing table does not validate)`,
    details: { problems },
  })),
};
