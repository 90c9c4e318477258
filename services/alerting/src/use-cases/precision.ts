/** Per-rule outcomes of the alerts in a region (computed here: FerretDB v1 has no `$group` worth the name). */
import type { AlertingDeps } from '../deps.js';

export interface PrecisionRow {
  readonly ruleId: string;
  readonly alerts: number;
  readonly open: number;
  readonly resolved: number;
  readonly cancelled: number;
  readonly escalated: number;
  readonly outcomes: Record<string, number>;
  readonly precision: number | null;
}

const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function precisionByRule(deps: AlertingDeps, scope: string, from?: string, to?: string): Promise<PrecisionRow[]> {
  const rows = new Map<string, { alerts: number; open: number; resolved: number; cancelled: number; escalated: number; outcomes: Record<string, number> }>();
  for await (const alert of deps.alerts.allIn(scope)) {
    const day = chinaDate(alert.createdAt);
    if ((from !== undefined && day < from) || (to !== undefined && day > to)) continue;
    const row = rows.get(alert.ruleId) ?? { alerts: 0, open: 0, resolved: 0, cancelled: 0, escalated: 0, outcomes: {} };
    row.alerts += 1;
    if (alert.status === 'OPEN' || alert.status === 'ACKNOWLEDGED') row.open += 1;
    if (alert.status === 'CANCELLED') row.cancelled += 1;
    if (alert.escalationLevel > 0) row.escalated += 1;
    if (alert.status === 'RESOLVED' && alert.outcome !== null) {
      row.resolved += 1;
      row.outcomes[alert.outcome] = (row.outcomes[alert.outcome] ?? 0) + 1;
    }
    rows.set(alert.ruleId, row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ruleId, row]) => ({ ruleId, ...row, precision: row.resolved === 0 ? null : Math.round(((row.outcomes.HELP_GIVEN ?? 0) / row.resolved) * 1000) / 1000 }));
}
