/**
 * 强制报告 response chain (DOMAIN.md §5: 发现报告 → 应急处置 → 评估帮扶 → 监护干预; Jinan adds 监测预警 and
 * 强制报告 before it) as states and a transition table:
 *
 *   RECEIVED → EMERGENCY_HANDLING → ASSESSMENT → GUARDIANSHIP_INTERVENTION → CLOSED
 *   RECEIVED → ASSESSMENT            (only when the report does not say immediate danger)
 *   ASSESSMENT → CLOSED              (help given or concern not confirmed; no intervention needed)
 *
 * A report that says the child is in immediate danger must pass through EMERGENCY_HANDLING. CLOSED
 * is final. Any other move is `CHILD_ILLEGAL_TRANSITION` with the allowed states in `details`.
 * No response-time SLA is set: the seeds give none (DOMAIN.md §5).
 */
import { ChildError } from './errors.js';

export const REPORT_STATES = ['RECEIVED', 'EMERGENCY_HANDLING', 'ASSESSMENT', 'GUARDIANSHIP_INTERVENTION', 'CLOSED'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export interface ReportTransition {
  readonly from: ReportState;
  readonly to: ReportState;
  /** Only when the report did not say immediate danger. */
  readonly onlyWithoutImmediateDanger?: boolean;
}

export const REPORT_TRANSITIONS: readonly ReportTransition[] = [
  { from: 'RECEIVED', to: 'EMERGENCY_HANDLING' },
  { from: 'RECEIVED', to: 'ASSESSMENT', onlyWithoutImmediateDanger: true },
  { from: 'EMERGENCY_HANDLING', to: 'ASSESSMENT' },
  { from: 'ASSESSMENT', to: 'GUARDIANSHIP_INTERVENTION' },
  { from: 'ASSESSMENT', to: 'CLOSED' },
  { from: 'GUARDIANSHIP_INTERVENTION', to: 'CLOSED' },
];

/** The states a report may move to now. */
export function allowedNext(from: ReportState, immediateDanger: boolean): ReportState[] {
  return REPORT_TRANSITIONS.filter((row) => row.from === from && !(immediateDanger && row.onlyWithoutImmediateDanger === true)).map((row) => row.to);
}

/** Checks one move; throws `CHILD_ILLEGAL_TRANSITION` naming the allowed states. */
export function assertTransition(from: ReportState, to: ReportState, immediateDanger: boolean): void {
  const allowed = allowedNext(from, immediateDanger);
  if (!allowed.includes(to)) {
    const why = from === 'RECEIVED' && to === 'ASSESSMENT' && immediateDanger ? 'a report of immediate danger goes to EMERGENCY_HANDLING first' : `${from} → ${to} is not in the transition table`;
    throw new ChildError('CHILD_ILLEGAL_TRANSITION', `报告状态不允许该转换 (${why})`, { field: 'to', rule: why, from, to, allowed });
  }
}
