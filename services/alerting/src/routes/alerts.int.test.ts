/**
 * The inbox on the real stack: flag events published on Kafka as data-sharing publishes them, the
 * alert routed by the routing table, deduplicated, scoped by jurisdiction, acknowledged, noted,
 * resolved, reassigned, cancelled with its flag, and the events it publishes read back.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdOf, type StoredAlert } from '../alerts/alert.schema.js';
import { flagRaised, idNumber, startTestService, type FlagInput, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const person = () => {
  const id = idNumber('1941-02-03', 'M');
  return { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: null };
};

async function raise(input: FlagInput = {}): Promise<StoredAlert> {
  const value = flagRaised(service, { person: person(), ...input });
  await service.flags.publish('data-sharing.flag-raised', value);
  const flagId = value.flagId as string;
  const found: StoredAlert[] = [];
  await waitFor(async () => {
    const alert = await service.deps.alerts.byId(alertIdOf(flagId));
    if (alert !== null) found.push(alert);
    return alert !== null;
  }, { timeoutMs: 20_000, description: `the alert of flag ${flagId}` });
  const [alert] = found;
  if (alert === undefined) throw new Error(`no alert of flag ${flagId}`);
  return alert;
}

/** The events of alert `alertId`, about `key` (the reader may see a message twice across a rebalance: by event id, once). */
async function alertEvents(key: string, alertId: string, flags: number, count: number) {
  const seen = new Set<string>();
  return (await service.events(key, flags + count)).filter((event) => {
    const id = (event.value.envelope as { eventId: string }).eventId;
    if (!event.eventType.startsWith('alerting.') || event.value.alertId !== alertId || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

const as = async (subject: string, jurisdiction: string, roles: Parameters<TestService['token']>[0] = ['caseworker']) => ({ authorization: `Bearer ${await service.token(roles, jurisdiction, subject)}` });
const gridWorker = () => as('gw-101002', '442000101002');

describe('a flag becomes one alert for the right caseworker', () => {
  it('routes a water-meter flag to the grid worker of the village, with the deadlines of P1, and publishes alert-delivered', async () => {
    const subject = person();
    const alert = await raise({ person: subject });
    expect(alert).toMatchObject({ ruleId: 'WATER_METER_SILENCE', urgency: 'P1', assigneeRole: 'GRID_WORKER', caseworkerId: 'gw-101002', routingVersion: 'test-1', status: 'OPEN', regionCode: '442000101002', personKey: subject.personKey });
    expect(alert.ackDueAt.getTime() - alert.createdAt.getTime()).toBe(2_000);
    expect(alert.personIdNumber).not.toContain(subject.idNumber);
    const events = await alertEvents(subject.personKey, alert._id, 1, 1);
    expect(events[0]).toMatchObject({ eventType: 'alerting.alert-delivered', value: { alertId: alert._id, flagId: alert.flagId, assigneeRole: 'GRID_WORKER', caseworkerId: 'gw-101002', channel: 'CONSOLE', envelope: { person: { personKey: subject.personKey, idNumber: subject.idNumber }, source: { department: 'CIVIL_AFFAIRS_PLATFORM' } } } });
  });

  it('makes one alert of a flag delivered twice (the same event again, and the same flag in a new event)', async () => {
    const value = flagRaised(service, { person: person() });
    for (const eventId of [(value.envelope as { eventId: string }).eventId, (value.envelope as { eventId: string }).eventId, randomUUID()]) {
      await service.flags.publish('data-sharing.flag-raised', { ...value, envelope: { ...(value.envelope as object), eventId } });
    }
    await service.flags.flush();
    await waitFor(() => service.consumer.metrics().raised + service.consumer.metrics().duplicatesSkipped >= 3, { timeoutMs: 20_000, description: 'the three deliveries handled' });
    const stored = await service.connection.collection('alerts').countDocuments({ flagId: value.flagId });
    expect(stored).toBe(1);
    const stream = await service.deps.stream.after(0, 10_000);
    expect(stream.filter((entry) => entry.alertId === alertIdOf(value.flagId as string))).toHaveLength(1);
  });

  it('routes by the flag’s role where no route matches, to the member of staff covering the area', async () => {
    const alert = await raise({ ruleId: 'MAJOR_ILLNESS_IMPOVERISHMENT', flagCode: 'MEDICAL_AID_CANDIDATE', urgency: 'P2', targetRole: 'SOCIAL_WORKER', villageCode: '442000101009' });
    expect(alert).toMatchObject({ assigneeRole: 'SOCIAL_WORKER', caseworkerId: 'sw-101' });
    const unstaffed = await raise({ ruleId: 'MAJOR_ILLNESS_IMPOVERISHMENT', flagCode: 'MEDICAL_AID_CANDIDATE', urgency: 'P2', targetRole: 'SOCIAL_WORKER', villageCode: '442000105001' });
    expect(unstaffed).toMatchObject({ assigneeRole: 'SOCIAL_WORKER', caseworkerId: null });
  });
});

describe('the inbox', () => {
  it('lists my alerts, scoped by jurisdiction: another village’s worker neither lists nor opens it', async () => {
    const alert = await raise();
    const mine = await service.app.inject({ method: 'GET', url: '/alerts?status=OPEN&pageSize=200', headers: await gridWorker() });
    expect(mine.statusCode).toBe(200);
    expect((mine.json<{ items: { alertId: string }[] }>()).items.map((item) => item.alertId)).toContain(alert._id);
    const detail = await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: await gridWorker() });
    expect(detail.json()).toMatchObject({ alertId: alert._id, explanation: alert.explanation, facts: expect.arrayContaining([expect.objectContaining({ sourceEventId: expect.any(String) as unknown, sourceDepartment: 'MEDICAL_INSURANCE' })]) as unknown });

    const other = await as('gw-102001', '442000102001');
    expect((await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: other })).json()).toMatchObject({ code: 'ALERT_NOT_FOUND' });
    const theirs = await service.app.inject({ method: 'GET', url: '/alerts?scope=all&pageSize=200', headers: other });
    expect(theirs.json<{ items: { alertId: string }[] }>().items.map((item) => item.alertId)).not.toContain(alert._id);
    // A social worker of the town sees it in "all" of the town, not in "mine".
    const socialWorker = await as('sw-101', '442000101');
    expect((await service.app.inject({ method: 'GET', url: '/alerts?scope=all&pageSize=200', headers: socialWorker })).json<{ items: { alertId: string }[] }>().items.map((item) => item.alertId)).toContain(alert._id);
    expect((await service.app.inject({ method: 'GET', url: '/alerts?pageSize=200', headers: socialWorker })).json<{ items: { alertId: string }[] }>().items.map((item) => item.alertId)).not.toContain(alert._id);
  });

  it('acknowledge, note (encrypted at rest), resolve with an outcome; only the holder may act', async () => {
    const subject = person();
    const alert = await raise({ person: subject });
    const stranger = await as('sw-101', '442000101');
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: stranger })).json()).toMatchObject({ code: 'ALERT_NOT_ASSIGNEE' });

    const acknowledged = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: await gridWorker() });
    expect(acknowledged.json()).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'gw-101002' });
    const again = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: await gridWorker() });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ALERT_ILLEGAL_STATE', details: { field: 'status' } });

    const noted = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/notes`, headers: await gridWorker(), payload: { note: '已电话联系张阿姨的女儿，正在赶往。' } });
    expect(noted.json<{ notes: { text: string }[] }>().notes.map((note) => note.text)).toEqual(['已电话联系张阿姨的女儿，正在赶往。']);
    expect(JSON.stringify(await service.connection.collection('alerts').findOne({ _id: alert._id } as never))).not.toContain('张阿姨');

    const bad = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/resolve`, headers: await gridWorker(), payload: { outcome: 'DONE' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'REQUEST_INVALID', details: expect.arrayContaining([expect.objectContaining({ path: 'body.outcome' })]) as unknown });
    const resolved = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/resolve`, headers: await gridWorker(), payload: { outcome: 'HELP_GIVEN', program: 'TEMPORARY_AID' } });
    expect(resolved.json()).toMatchObject({ status: 'RESOLVED', outcome: 'HELP_GIVEN', outcomeProgram: 'TEMPORARY_AID', resolvedBy: 'gw-101002' });

    const events = await alertEvents(subject.personKey, alert._id, 1, 3);
    expect(events.map((event) => event.eventType)).toEqual(['alerting.alert-delivered', 'alerting.alert-acknowledged', 'alerting.alert-outcome-recorded']);
    expect(events[2]?.value).toMatchObject({ alertId: alert._id, flagId: alert.flagId, outcome: 'HELP_GIVEN', program: 'TEMPORARY_AID', recordedById: 'gw-101002', recordedByRole: 'GRID_WORKER' });
  });

  it('a flag raised again after resolution (a new flag id) makes a new alert', async () => {
    const subject = person();
    const first = await raise({ person: subject });
    await service.app.inject({ method: 'POST', url: `/alerts/${first._id}/resolve`, headers: await gridWorker(), payload: { outcome: 'FALSE_ALARM' } });
    const second = await raise({ person: subject });
    expect(second._id).not.toBe(first._id);
    expect(second.status).toBe('OPEN');
  });

  it('reassigns to a member of staff covering the area (not one outside it), and the supervisor may act', async () => {
    const alert = await raise();
    const outside = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/reassign`, headers: await gridWorker(), payload: { caseworkerId: 'gw-102001' } });
    expect(outside.json()).toMatchObject({ code: 'ALERT_CASEWORKER_OUT_OF_AREA', details: { field: 'body.caseworkerId' } });
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/reassign`, headers: await gridWorker(), payload: { caseworkerId: 'nobody' } })).json()).toMatchObject({ code: 'ALERT_UNKNOWN_CASEWORKER' });
    const moved = await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/reassign`, headers: await gridWorker(), payload: { caseworkerId: 'sw-101', note: '转社工跟进。' } });
    expect(moved.json()).toMatchObject({ assigneeRole: 'SOCIAL_WORKER', caseworkerId: 'sw-101', escalationLevel: 0 });
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: await gridWorker() })).json()).toMatchObject({ code: 'ALERT_NOT_ASSIGNEE' });
    const supervisor = await as('sup-101', '442000101', ['supervisor']);
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/acknowledge`, headers: supervisor })).json()).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'sup-101' });
  });

  it('cancels an unacknowledged alert when its flag closes (condition cleared); keeps an acknowledged one, marked', async () => {
    const open = await raise();
    const inHand = await raise();
    await service.app.inject({ method: 'POST', url: `/alerts/${inHand._id}/acknowledge`, headers: await gridWorker() });
    for (const alert of [open, inHand]) {
      const closed = { ...flagRaised(service, { flagId: alert.flagId }), closeReason: 'CONDITION_CLEARED', supersededByFlagId: null, closedById: null, note: null };
      for (const field of ['urgency', 'title', 'explanation', 'suggestedProgram', 'standardVersionId']) Reflect.deleteProperty(closed, field);
      await service.flags.publish('data-sharing.flag-closed', closed);
    }
    // The two closings may come through different partitions: wait for both.
    await waitFor(async () => (await Promise.all([open, inHand].map((alert) => service.deps.alerts.byId(alert._id)))).every((alert) => alert?.flagClosedAt instanceof Date), { timeoutMs: 20_000, description: 'both flag closings recorded' });
    expect(await service.deps.alerts.byId(open._id)).toMatchObject({ status: 'CANCELLED', flagCloseReason: 'CONDITION_CLEARED' });
    expect(await service.deps.alerts.byId(inHand._id)).toMatchObject({ status: 'ACKNOWLEDGED', flagCloseReason: 'CONDITION_CLEARED' });
  });

  it('reports each rule’s precision (help given / resolved) to supervisors', async () => {
    const rule = `RULE_${randomUUID().slice(0, 8).toUpperCase().replace(/-/gu, '')}`;
    const outcomes = ['HELP_GIVEN', 'FALSE_ALARM', 'HELP_GIVEN'];
    for (const outcome of outcomes) {
      const alert = await raise({ ruleId: rule, targetRole: 'GRID_WORKER' });
      await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/resolve`, headers: await gridWorker(), payload: { outcome } });
    }
    await raise({ ruleId: rule, targetRole: 'GRID_WORKER' });
    const report = await service.app.inject({ method: 'GET', url: '/reports/precision', headers: await as('sup-101', '442000101', ['supervisor']) });
    expect(report.json<{ rules: { ruleId: string }[] }>().rules.find((row) => row.ruleId === rule)).toEqual({ ruleId: rule, alerts: 4, open: 1, resolved: 3, cancelled: 0, escalated: 0, outcomes: { HELP_GIVEN: 2, FALSE_ALARM: 1 }, precision: 0.667 });
    expect((await service.app.inject({ method: 'GET', url: '/reports/precision', headers: await gridWorker() })).statusCode).toBe(403);
  });
});

describe('the routing table', () => {
  it('shows the table in force and validates a candidate, naming each problem', async () => {
    const supervisor = await as('sup-101', '442000101', ['supervisor']);
    expect((await service.app.inject({ method: 'GET', url: '/routing', headers: supervisor })).json()).toMatchObject({ version: 'test-1' });
    const good = await service.app.inject({ method: 'POST', url: '/routing/validate', headers: supervisor, payload: service.deps.routing.input });
    expect(good.json()).toEqual({ valid: true, version: 'test-1', routes: 1, staff: 5 });
    const bad = await service.app.inject({ method: 'POST', url: '/routing/validate', headers: supervisor, payload: { ...service.deps.routing.input, routes: [{ match: {}, role: 'BOSS' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ROUTING_INVALID', details: { problems: [expect.objectContaining({ path: '/routes/0/role' })] } });
  });
});

describe("children's cases", () => {
  it('are seen by child-protection staff and supervisors only, not by the other caseworkers of the area', async () => {
    const alert = await raise({ ruleId: 'GUARDIANSHIP_LOSS', flagCode: 'CHILD_GUARDIANSHIP_GAP', targetRole: 'CHILD_DIRECTOR' });
    expect(alert.assigneeRole).toBe('CHILD_DIRECTOR');
    const caseworker = await as('sw-101', '442000101');
    expect((await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: caseworker })).json()).toMatchObject({ code: 'ALERT_NOT_FOUND' });
    const listed = (await service.app.inject({ method: 'GET', url: '/alerts?scope=all&pageSize=200', headers: caseworker })).json<{ items: { alertId: string }[] }>();
    expect(listed.items.map((item) => item.alertId)).not.toContain(alert._id);
    const director = await as('cd-101002', '442000101002', ['child-protection']);
    expect((await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: director })).json()).toMatchObject({ alertId: alert._id, assigneeRole: 'CHILD_DIRECTOR' });
    const supervisor = await as('sup-101', '442000101', ['supervisor']);
    expect((await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: supervisor })).statusCode).toBe(200);
    // Reassigned to a social worker (or escalated to a supervisor), it stays a child's case.
    expect((await service.app.inject({ method: 'POST', url: `/alerts/${alert._id}/reassign`, headers: supervisor, payload: { caseworkerId: 'sw-101' } })).json()).toMatchObject({ assigneeRole: 'SOCIAL_WORKER' });
    expect((await service.app.inject({ method: 'GET', url: `/alerts/${alert._id}`, headers: caseworker })).json()).toMatchObject({ code: 'ALERT_NOT_FOUND' });
  });
});
