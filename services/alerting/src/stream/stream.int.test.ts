/**
 * The live stream over real HTTP on the real stack: a caseworker's console receives their new
 * alerts (and only theirs); after a disconnect, reconnecting with Last-Event-ID delivers exactly
 * what was missed, in order; escalation reaches the supervisor's stream and tells the one it left.
 */
import { waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdOf } from '../alerts/alert.schema.js';
import { flagRaised, idNumber, openStream, startTestService, type StreamClient, type TestService } from '../test-support/service.js';

let service: TestService;
let baseUrl: string;
const clients: StreamClient[] = [];
beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  // The service closes with its streams still open (it ends them; it does not wait for the consoles).
  await service.close();
  for (const client of clients) client.close();
});

const open = async (subject: string, jurisdiction: string, lastEventId?: number, roles: Parameters<TestService['token']>[0] = ['caseworker']) => {
  const client = await openStream(baseUrl, await service.token(roles, jurisdiction, subject), lastEventId);
  clients.push(client);
  return client;
};

async function raise(villageCode = '442000101002'): Promise<string> {
  const id = idNumber('1940-01-01', 'F');
  const value = flagRaised(service, { villageCode, person: { personKey: service.pseudonymizer.personKey(id), idNumber: id, name: null } });
  await service.flags.publish('data-sharing.flag-raised', value);
  return alertIdOf(value.flagId as string);
}

const ids = (client: StreamClient) => client.events.filter((event) => event.event === 'ALERT').map((event) => event.data.alertId);

describe('the live stream', () => {
  it('delivers my new alert, not another village’s; refuses a malformed Last-Event-ID with a coded error', async () => {
    const mine = await open('gw-101002', '442000101002');
    const other = await open('gw-102001', '442000102001');
    expect(mine.status).toBe(200);
    const alertId = await raise();
    const theirs = await raise('442000102001');
    await waitFor(() => ids(mine).includes(alertId) && ids(other).includes(theirs), { timeoutMs: 20_000, description: 'each alert on its stream' });
    expect(ids(mine)).not.toContain(theirs);
    expect(ids(other)).not.toContain(alertId);
    const event = mine.events.find((item) => item.data.alertId === alertId);
    expect(event?.data).toMatchObject({ urgency: 'P1', ruleId: 'WATER_METER_SILENCE', assigneeRole: 'GRID_WORKER', caseworkerId: 'gw-101002', status: 'OPEN' });
    expect(JSON.stringify(event?.data)).not.toMatch(/\d{17}[\dX]/u);

    const response = await fetch(`${baseUrl}/alerts/stream`, { headers: { authorization: `Bearer ${await service.token(['caseworker'], '442000101002', 'gw-101002')}`, 'last-event-id': 'abc' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'ALERT_STREAM_BAD_LAST_EVENT_ID', details: { field: 'headers.last-event-id' } });
    expect((await fetch(`${baseUrl}/alerts/stream`)).status).toBe(401);
  });

  it('resumes after a disconnect with Last-Event-ID: every alert missed, none twice, in stream order', async () => {
    const first = await open('gw-101002', '442000101002');
    const before = await raise();
    await waitFor(() => ids(first).includes(before), { timeoutMs: 20_000, description: 'the first alert' });
    const last = first.events[first.events.length - 1]?.id ?? 0;
    first.close();

    const missed: string[] = [];
    for (let index = 0; index < 5; index += 1) missed.push(await raise());
    await service.flags.flush();
    await waitFor(async () => (await Promise.all(missed.map((id) => service.deps.alerts.byId(id)))).every((alert) => alert !== null), { timeoutMs: 20_000, description: 'the five alerts made while disconnected' });

    const resumed = await open('gw-101002', '442000101002', last);
    const after = await raise();
    await waitFor(() => ids(resumed).includes(after), { timeoutMs: 20_000, description: 'the missed alerts and the new one' });
    // Every one, once (flags of different persons come through different partitions: the stream's order is the order they were handled).
    expect([...ids(resumed)].sort()).toEqual([...missed, after].sort());
    const sequence = resumed.events.map((event) => event.id);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    expect(sequence.every((id) => id > last)).toBe(true);
  });

  it('an escalation reaches the supervisor’s stream and tells the grid worker it left', async () => {
    const worker = await open('gw-101002', '442000101002');
    const supervisor = await open('sup-101', '442000101', undefined, ['supervisor']);
    const alertId = await raise();
    await waitFor(() => ids(worker).includes(alertId), { timeoutMs: 20_000, description: 'the alert' });
    const alert = await service.deps.alerts.byId(alertId);
    service.setNow(new Date((alert?.ackDueAt.getTime() ?? 0) + 1_000).toISOString());
    try {
      await service.escalator.runOnce();
    } finally {
      service.setNow(undefined);
    }
    await waitFor(() => supervisor.events.some((event) => event.event === 'ESCALATED' && event.data.alertId === alertId) && worker.events.some((event) => event.event === 'ESCALATED' && event.data.alertId === alertId), { timeoutMs: 20_000, description: 'the escalation on both streams' });
    expect(supervisor.events.find((event) => event.event === 'ESCALATED' && event.data.alertId === alertId)?.data).toMatchObject({ assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-101', escalationLevel: 1, previous: { role: 'GRID_WORKER', caseworkerId: 'gw-101002' } });
  });
});
