/**
 * Mandatory reports on the real store and broker: intake from the 12345 system and from staff,
 * the response chain with who and when, illegal transitions, and content shown only to the
 * child-protection role.
 */
import type { Role } from '@minzheng/service-kit/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
  service.setNow('2026-11-15T02:00:00Z');
});
afterAll(() => service.close());

const VILLAGE = '442000001001';
const TOWN = '442000001';
const token = (roles: Role[], subject: string, jurisdiction = TOWN) => service.token(roles, jurisdiction, subject);
interface Report { id: string; status: string; allowedNext: string[]; description: string | null; reporterPhone: string | null; childName: string | null; childIdNumber: string | null; childId: string | null; childPersonKey: string | null; masked: boolean; steps: { from: string | null; to: string; by: string; note: string | null }[] }

async function post(url: string, payload: unknown, auth: string, headers: Record<string, string> = {}) {
  return service.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${auth}`, ...headers } });
}
async function get(url: string, auth: string) {
  return service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${auth}` } });
}
const hotline = (overrides: Record<string, unknown> = {}) => ({
  regionCode: VILLAGE, reporterKind: 'SCHOOL', channel: 'HOTLINE_12345', concernKind: 'NEGLECT', immediateDanger: true,
  hotlineIncidentId: '12345-20261115-0042', description: '学生连续三天未到校，家中无成年人', locationDescription: '石岐第1社区某巷', reporterPhone: '13800138000',
  ...overrides,
});

describe('POST /reports and the response chain', () => {
  it('takes a 12345 report of a registered child, publishes mandatory-report-received, and runs RECEIVED → EMERGENCY_HANDLING → ASSESSMENT → GUARDIANSHIP_INTERVENTION → CLOSED with who and when', async () => {
    const registered = await post('/children', { idNumber: idNumber('2014-04-04', 'M'), name: '黄小明', regionCode: VILLAGE, hukouResident: true, category: 'IN_DIFFICULTY', guardians: [] }, await token(['child-protection'], 'cd-0101'));
    const child = registered.json<{ id: string; personKey: string; idNumber: string }>();

    const system = await token(['department-system'], 'hotline-12345', '442000');
    const received = await post('/reports', hotline({ child: { idNumber: child.idNumber } }), system, { 'idempotency-key': '12345-20261115-0042' });
    expect(received.statusCode, received.body).toBe(201);
    const report = received.json<Report>();
    // The hotline system gets the id and the state, not the content back.
    expect(report).toMatchObject({ status: 'RECEIVED', allowedNext: ['EMERGENCY_HANDLING'], masked: true, description: null, reporterPhone: null, childId: child.id, childName: '黄**' });

    const [, event] = await service.events(child.personKey, 2);
    expect(event?.eventType).toBe('child-protection.mandatory-report-received');
    expect(event?.value).toMatchObject({ reportId: report.id, reporterKind: 'SCHOOL', channel: 'HOTLINE_12345', concernKind: 'NEGLECT', immediateDanger: true, hotlineIncidentId: '12345-20261115-0042', description: '学生连续三天未到校，家中无成年人', reporterPhone: '13800138000', envelope: { person: { personKey: child.personKey, name: '黄小明' } } });
    const stored = JSON.stringify(await service.connection.collection('reports').findOne({ _id: report.id as never }));
    expect(stored).not.toContain('13800138000');
    expect(stored).not.toContain('未到校');

    const worker = await token(['child-protection'], 'cd-0101');
    const skip = await post(`/reports/${report.id}/transitions`, { to: 'ASSESSMENT' }, worker);
    expect(skip.statusCode).toBe(409);
    expect(skip.json()).toMatchObject({ code: 'CHILD_ILLEGAL_TRANSITION', details: { allowed: ['EMERGENCY_HANDLING'] } });

    service.setNow('2026-11-15T02:20:00Z');
    expect((await post(`/reports/${report.id}/transitions`, { to: 'EMERGENCY_HANDLING', note: '已联系派出所上门' }, worker)).json()).toMatchObject({ status: 'EMERGENCY_HANDLING', allowedNext: ['ASSESSMENT'] });
    expect((await post(`/reports/${report.id}/transitions`, { to: 'ASSESSMENT', version: 1 }, worker)).json()).toMatchObject({ code: 'CHILD_CONCURRENT_CHANGE' });
    await post(`/reports/${report.id}/transitions`, { to: 'ASSESSMENT', note: '评估：监护缺失' }, await token(['child-protection'], 'sup-cd-02'));
    await post(`/reports/${report.id}/transitions`, { to: 'GUARDIANSHIP_INTERVENTION' }, worker);
    const closed = (await post(`/reports/${report.id}/transitions`, { to: 'CLOSED', note: '已指定临时监护' }, worker)).json<Report>();
    expect(closed.status).toBe('CLOSED');
    expect(closed.steps.map((step) => [step.from, step.to, step.by])).toEqual([
      [null, 'RECEIVED', 'hotline-12345'],
      ['RECEIVED', 'EMERGENCY_HANDLING', 'cd-0101'],
      ['EMERGENCY_HANDLING', 'ASSESSMENT', 'sup-cd-02'],
      ['ASSESSMENT', 'GUARDIANSHIP_INTERVENTION', 'cd-0101'],
      ['GUARDIANSHIP_INTERVENTION', 'CLOSED', 'cd-0101'],
    ]);
    expect(closed.steps[1]?.note).toBe('已联系派出所上门');
    expect((await post(`/reports/${report.id}/transitions`, { to: 'ASSESSMENT' }, worker)).json()).toMatchObject({ code: 'CHILD_ILLEGAL_TRANSITION', details: { allowed: [] } });

    // Every step is published, keyed by the child like the report, in order, with who and the note (decrypted here).
    const events = (await service.events(child.personKey, 6)).slice(2);
    expect(events.map((one) => one.eventType)).toEqual(Array<string>(4).fill('child-protection.report-status-changed'));
    expect(events.map((one) => [one.value.fromStatus, one.value.toStatus, one.value.stepNo, one.value.actorId])).toEqual([
      ['RECEIVED', 'EMERGENCY_HANDLING', 1, 'cd-0101'],
      ['EMERGENCY_HANDLING', 'ASSESSMENT', 2, 'sup-cd-02'],
      ['ASSESSMENT', 'GUARDIANSHIP_INTERVENTION', 3, 'cd-0101'],
      ['GUARDIANSHIP_INTERVENTION', 'CLOSED', 4, 'cd-0101'],
    ]);
    expect(events[0]?.value).toMatchObject({ reportId: report.id, immediateDanger: true, note: '已联系派出所上门', envelope: { source: { recordId: report.id }, person: { personKey: child.personKey, idNumber: child.idNumber, name: '黄小明' } } });
    expect(events[2]?.value).toMatchObject({ note: null });

    // Content in clear for child-protection (audited); facts only for others.
    const clear = (await get(`/reports/${report.id}`, worker)).json<Report>();
    expect(clear).toMatchObject({ masked: false, description: '学生连续三天未到校，家中无成年人', reporterPhone: '13800138000', childName: '黄小明', childIdNumber: child.idNumber });
    expect(await service.connection.collection('access_audit').countDocuments({ resourceId: report.id, action: 'read' })).toBe(1);
    const supervisor = (await get(`/reports/${report.id}`, await token(['supervisor'], 'sup-1', '442000'))).json<Report>();
    expect(supervisor).toMatchObject({ masked: true, description: null, reporterPhone: null, childName: '黄**', status: 'CLOSED' });
    expect(supervisor.steps.map((step) => step.note)).toEqual([null, null, null, null, null]);
    expect((await get(`/reports/${report.id}`, await token(['child-protection'], 'cd-9', '442000002'))).json()).toMatchObject({ code: 'CHILD_NOT_FOUND' });
  });

  it('takes a staff report without a child, not in danger, straight to assessment and closing; lists by state', async () => {
    const worker = await token(['child-protection'], 'cd-0101');
    const response = await post('/reports', hotline({ channel: 'IN_PERSON', hotlineIncidentId: undefined, immediateDanger: false, reporterKind: 'PUBLIC', concernKind: 'UNATTENDED', regionCode: TOWN }), worker);
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<Report>();
    expect(report).toMatchObject({ masked: false, childId: null, childPersonKey: null, allowedNext: ['EMERGENCY_HANDLING', 'ASSESSMENT'] });
    const [event] = await service.events(report.id, 1);
    expect(event?.value).toMatchObject({ reportId: report.id, channel: 'IN_PERSON', immediateDanger: false, hotlineIncidentId: null, envelope: { person: null, region: { townCode: TOWN, villageCode: null } } });
    await post(`/reports/${report.id}/transitions`, { to: 'ASSESSMENT' }, worker);
    expect((await post(`/reports/${report.id}/transitions`, { to: 'CLOSED' }, worker)).json()).toMatchObject({ status: 'CLOSED' });
    // Without a child, the steps are keyed by the report id, like the intake.
    const steps = (await service.events(report.id, 3)).slice(1);
    expect(steps.map((one) => [one.eventType, one.value.fromStatus, one.value.toStatus])).toEqual([
      ['child-protection.report-status-changed', 'RECEIVED', 'ASSESSMENT'],
      ['child-protection.report-status-changed', 'ASSESSMENT', 'CLOSED'],
    ]);
    expect(steps[0]?.value).toMatchObject({ immediateDanger: false, envelope: { person: null } });

    const list = (await get('/reports?status=CLOSED', worker)).json<{ items: Report[]; total: number }>();
    expect(list.items.map((item) => item.id)).toContain(report.id);
    expect(list.items.every((item) => item.status === 'CLOSED')).toBe(true);
    const analyst = (await get('/reports', await token(['analyst'], 'an-1', '442000'))).json<{ items: Report[] }>();
    expect(analyst.items.every((item) => item.masked && item.description === null)).toBe(true);
  });

  it('refuses bad input with its code: 12345 without incident id, city-level region, other jurisdiction, bad child ID, wrong role', async () => {
    const system = await token(['department-system'], 'hotline-12345', '442000');
    expect((await post('/reports', hotline({ hotlineIncidentId: undefined }), system)).json()).toMatchObject({ code: 'CHILD_INVALID_INPUT', details: { field: 'hotlineIncidentId' } });
    expect((await post('/reports', hotline({ regionCode: '442000999' }), system)).json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });
    expect((await post('/reports', hotline({ regionCode: '442000002001' }), await token(['child-protection'], 'cd-0101'))).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await post('/reports', hotline({ child: { idNumber: '442000201404040000' } }), system)).json()).toMatchObject({ details: { field: 'child.idNumber' } });
    expect((await post('/reports', hotline(), await token(['caseworker'], 'cw-1'))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect((await post('/reports', hotline({ child: { childId: 'CH-none' } }), system)).json()).toMatchObject({ code: 'CHILD_NOT_FOUND' });
    expect((await post('/reports/RPT-none/transitions', { to: 'CLOSED' }, await token(['child-protection'], 'cd-0101'))).statusCode).toBe(404);
  });
});
