import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { RoutingTable, RoutingTableError, type RoutingTableInput } from './routing-table.js';

const base = (): RoutingTableInput => ({
  version: 't1',
  deadlines: { P1: { ackSeconds: 60, resolveSeconds: 3600 }, P2: { ackSeconds: 3600, resolveSeconds: 7200 }, P3: { ackSeconds: 7200, resolveSeconds: 7200 }, P4: { ackSeconds: 7200, resolveSeconds: 86400 } },
  routes: [
    { match: { ruleId: 'WATER_METER_SILENCE' }, role: 'GRID_WORKER' },
    { match: { flagCode: 'INTEGRITY_FLAG', regionPrefix: '442000101' }, role: 'AUDITOR', caseworkerId: 'au-1' },
    { match: { urgency: ['P1'], regionPrefix: '442000102' }, role: 'ELDERLY_DISPATCH_CENTRE' },
  ],
  escalation: { default: 'SUPERVISOR', byRole: { CHILD_DIRECTOR: 'CHILD_SUPERVISOR' }, maxLevel: 2 },
  staff: [
    { id: 'gw-1', name: '网格员甲', role: 'GRID_WORKER', regionCode: '442000101002' },
    { id: 'gw-town', name: '网格员乙', role: 'GRID_WORKER', regionCode: '442000101' },
    { id: 'au-1', name: '审计甲', role: 'AUDITOR', regionCode: '442000' },
    { id: 'sup-town', name: '主管甲', role: 'SUPERVISOR', regionCode: '442000101' },
    { id: 'sup-city', name: '主管乙', role: 'SUPERVISOR', regionCode: '442000' },
  ],
});

const problemsOf = (value: unknown): readonly { path: string; rule: string }[] => {
  try {
    RoutingTable.parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(RoutingTableError);
    return (error as RoutingTableError).problems;
  }
  throw new Error('the table was accepted');
};

describe('routing', () => {
  const table = RoutingTable.parse(base());
  const flag = { ruleId: 'INCOME_BELOW_DIBAO', flagCode: 'DIBAO_CANDIDATE', urgency: 'P3' as const, regionCode: '442000101002', targetRole: 'TOWN_ASSISTANCE_OFFICE' as const };

  it('routes by rule to the role, and to the member of staff covering the village most closely', () => {
    expect(table.route({ ...flag, ruleId: 'WATER_METER_SILENCE', urgency: 'P1' })).toEqual({ role: 'GRID_WORKER', caseworkerId: 'gw-1' });
    expect(table.route({ ...flag, ruleId: 'WATER_METER_SILENCE', regionCode: '442000101005' })).toEqual({ role: 'GRID_WORKER', caseworkerId: 'gw-town' });
    expect(table.route({ ...flag, ruleId: 'WATER_METER_SILENCE', regionCode: '442000103001' })).toEqual({ role: 'GRID_WORKER', caseworkerId: null });
  });

  it('matches flag code with region, urgency with region, and a named caseworker', () => {
    expect(table.route({ ...flag, flagCode: 'INTEGRITY_FLAG' })).toEqual({ role: 'AUDITOR', caseworkerId: 'au-1' });
    expect(table.route({ ...flag, flagCode: 'INTEGRITY_FLAG', regionCode: '442000102001', targetRole: 'AUDITOR' })).toEqual({ role: 'AUDITOR', caseworkerId: 'au-1' });
    expect(table.route({ ...flag, urgency: 'P1', regionCode: '442000102001' })).toEqual({ role: 'ELDERLY_DISPATCH_CENTRE', caseworkerId: null });
    expect(table.route({ ...flag, urgency: 'P2', regionCode: '442000102001' })).toEqual({ role: 'TOWN_ASSISTANCE_OFFICE', caseworkerId: null });
  });

  it('without a matching route, the role the rule names', () => {
    expect(table.route(flag)).toEqual({ role: 'TOWN_ASSISTANCE_OFFICE', caseworkerId: null });
  });

  it('escalates to the escalation role, then above the supervisor, and not past maxLevel', () => {
    const first = table.escalate({ role: 'GRID_WORKER', caseworkerId: 'gw-1' }, '442000101002', 1);
    expect(first).toEqual({ role: 'SUPERVISOR', caseworkerId: 'sup-town' });
    expect(table.escalate(first ?? { role: 'OTHER', caseworkerId: null }, '442000101002', 2)).toEqual({ role: 'SUPERVISOR', caseworkerId: 'sup-city' });
    expect(table.escalate({ role: 'SUPERVISOR', caseworkerId: 'sup-city' }, '442000101002', 2)).toEqual({ role: 'SUPERVISOR', caseworkerId: 'sup-city' });
    expect(table.escalate({ role: 'CHILD_DIRECTOR', caseworkerId: null }, '442000101002', 1)).toEqual({ role: 'CHILD_SUPERVISOR', caseworkerId: null });
    expect(table.escalate({ role: 'SUPERVISOR', caseworkerId: 'sup-town' }, '442000101002', 3)).toBeNull();
  });

  it('gives the deadlines of each urgency in milliseconds', () => {
    expect(table.deadlines('P1')).toEqual({ ackMs: 60_000, resolveMs: 3_600_000 });
  });

  it('loads the default table of the service', () => {
    const text = readFileSync(new URL('../../config/routing.json', import.meta.url), 'utf8');
    expect(RoutingTable.fromJson(text).route({ ...flag, ruleId: 'WATER_METER_SILENCE', urgency: 'P1' }).role).toBe('GRID_WORKER');
  });
});

describe('validation on load', () => {
  it('names the field and the rule of every schema problem', () => {
    const table = base() as unknown as Record<string, unknown>;
    const problems = problemsOf({ ...table, version: '', deadlines: { ...base().deadlines, P2: { ackSeconds: 0, resolveSeconds: 10 } }, routes: [{ match: { ruleId: 'water' }, role: 'BOSS' }], extra: 1 });
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: '/version' }),
      expect.objectContaining({ path: '/deadlines/P2/ackSeconds', rule: 'must be >= 1' }),
      expect.objectContaining({ path: '/routes/0/match/ruleId' }),
      expect.objectContaining({ path: '/routes/0/role', rule: expect.stringContaining('SOCIAL_WORKER, CHILD_DIRECTOR') as unknown as string }),
      expect.objectContaining({ path: '', rule: expect.stringContaining('extra') as unknown as string }),
    ]));
  });

  it('refuses duplicate staff, unknown or mismatched named caseworkers, empty matches, resolve before ack, unknown escalation roles', () => {
    const table = base();
    const problems = problemsOf({
      ...table,
      staff: [...table.staff, { id: 'gw-1', name: '重复', role: 'GRID_WORKER', regionCode: '442000101' }],
      routes: [{ match: {}, role: 'GRID_WORKER' }, { match: { ruleId: 'A' }, role: 'GRID_WORKER', caseworkerId: 'nobody' }, { match: { ruleId: 'B' }, role: 'GRID_WORKER', caseworkerId: 'au-1' }],
      deadlines: { ...table.deadlines, P3: { ackSeconds: 100, resolveSeconds: 50 } },
      escalation: { ...table.escalation, byRole: { BOSS: 'SUPERVISOR' } },
    });
    expect(problems.map((problem) => problem.path)).toEqual(['/staff/5/id', '/routes/0/match', '/routes/1/caseworkerId', '/routes/2/caseworkerId', '/deadlines/P3/resolveSeconds', '/escalation/byRole/BOSS']);
  });

  it('refuses text that is not JSON', () => {
    expect(() => RoutingTable.fromJson('{')).toThrow(RoutingTableError);
  });
});
