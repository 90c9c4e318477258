/**
 * What the platform knows after the load and the scenario, read back through its own APIs: persons
 * in the thematic database, open flags by rule and urgency, alerts by rule (delivered, open).
 */
import type { Actor, PlatformApi } from './api.js';

export interface PlatformSummary {
  readonly persons: number;
  readonly openFlags: number;
  readonly flagsByRule: Readonly<Record<string, number>>;
  readonly flagsByUrgency: Readonly<Record<string, number>>;
  readonly alerts: number;
  readonly alertsByRule: Readonly<Record<string, number>>;
}

const cityAnalyst: Actor = { subject: 'demo-analyst', roles: ['analyst'], jurisdiction: '442000', name: '市级分析员' };
const citySupervisor: Actor = { subject: 'demo-supervisor', roles: ['supervisor'], jurisdiction: '442000', name: '市级督导' };

interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export async function readSummary(api: PlatformApi): Promise<PlatformSummary> {
  const persons = (await api.get<Page<unknown>>('data-sharing', '/persons', cityAnalyst, { pageSize: 1 })).total;
  const flagsByRule: Record<string, number> = {};
  const flagsByUrgency: Record<string, number> = {};
  let openFlags: number;
  for (let page = 1; ; page += 1) {
    const result = await api.get<Page<{ ruleId: string; urgency: string }>>('data-sharing', '/flags', citySupervisor, { page, pageSize: 200 });
    for (const flag of result.items) {
      flagsByRule[flag.ruleId] = (flagsByRule[flag.ruleId] ?? 0) + 1;
      flagsByUrgency[flag.urgency] = (flagsByUrgency[flag.urgency] ?? 0) + 1;
    }
    openFlags = result.total;
    if (page * 200 >= result.total) break;
  }
  const precision = await api.get<{ rules: readonly { ruleId: string; alerts: number }[] }>('alerting', '/reports/precision', citySupervisor);
  const alertsByRule = Object.fromEntries(precision.rules.map((rule) => [rule.ruleId, rule.alerts]));
  return { persons, openFlags, flagsByRule, flagsByUrgency, alerts: precision.rules.reduce((sum, rule) => sum + rule.alerts, 0), alertsByRule };
}
