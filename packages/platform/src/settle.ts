/**
 * Waits until the platform has worked through what it was given: the thematic database's person
 * count, the open flags and the delivered alerts have not changed for `quietMs` (read through the
 * APIs every second, so nothing internal is assumed), or `timeoutMs` has passed (then it says so).
 */
import type { Actor, PlatformApi } from './api.js';
import type { Display } from './progress.js';

const supervisor: Actor = { subject: 'demo-supervisor', roles: ['supervisor'], jurisdiction: '442000', name: '市级督导' };

export async function countsNow(api: PlatformApi): Promise<{ persons: number; flags: number; alerts: number }> {
  const [persons, flags, precision] = await Promise.all([
    api.get<{ total: number }>('data-sharing', '/persons', supervisor, { pageSize: 1 }),
    api.get<{ total: number }>('data-sharing', '/flags', supervisor, { pageSize: 1, status: 'open' }),
    api.get<{ rules: readonly { alerts: number }[] }>('alerting', '/reports/precision', supervisor),
  ]);
  return { persons: persons.total, flags: flags.total, alerts: precision.rules.reduce((sum, rule) => sum + rule.alerts, 0) };
}

export async function waitSettled(api: PlatformApi, display: Display, quietMs = 8_000, timeoutMs = 600_000): Promise<boolean> {
  const started = Date.now();
  let last = '';
  let since = Date.now();
  while (Date.now() - started < timeoutMs) {
    const counts = await countsNow(api);
    const now = JSON.stringify(counts);
    if (now !== last) {
      last = now;
      since = Date.now();
      display.step(`  thematic database ${String(counts.persons)} persons · ${String(counts.flags)} open flags · ${String(counts.alerts)} alerts`);
    } else if (Date.now() - since >= quietMs) {
      display.done(`settled (no change for ${String(quietMs / 1000)} s)`);
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  display.step(`still changing after ${String(timeoutMs / 1000)} s; the summary shows the state now`);
  return false;
}
