/**
 * A household after registration, on the real store and broker: composition changes (a birth, a
 * departure, changed circumstances) keep every past record, and each refusal names its field and
 * rule; economic-check results are recorded against the household and published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  service.setNow(undefined);
  await service.close();
});

const TOWN = '442000001';
const auth = async (role: 'caseworker' | 'analyst' | 'department-system' = 'caseworker', jurisdiction = TOWN) => ({ authorization: `Bearer ${await service.token([role], jurisdiction, `${role}-1`)}` });
const post = async (url: string, payload: object, role: 'caseworker' | 'department-system' = 'caseworker', jurisdiction = TOWN) => service.app.inject({ method: 'POST', url, payload, headers: await auth(role, jurisdiction) });

interface Member { personKey: string; relationToHead: string; monthlyIncomeFen: number; labourCapacity: string; fromDate: string; toDate: string | null; name: string }

async function register(): Promise<{ id: string; version: number; members: Member[] }> {
  const response = await post('/households', {
    regionCode: `${TOWN}004`,
    address: '中山市石岐街道某街5号',
    reason: 'APPLICATION',
    members: [
      { idNumber: idNumber('1975-02-03', 'F'), name: '冯丽娟', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'FULL', monthlyIncomeFen: 150_000, financialAssetsFen: 0, fromDate: '2026-01-01' },
      { idNumber: idNumber('1950-06-07', 'M'), name: '冯伯', relationToHead: 'PARENT', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0, fromDate: '2026-01-01' },
    ],
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe('POST /households/:id/composition-changes', () => {
  it('records a birth, a departure and a change of income from a date, keeping the earlier records, and publishes the whole membership', async () => {
    service.setNow('2026-06-20T02:00:00Z');
    const household = await register();
    const [head, parent] = household.members;
    if (!head || !parent) throw new Error('members missing');
    const changed = await post(`/households/${household.id}/composition-changes`, {
      date: '2026-06-01',
      reason: 'CHANGE_REPORTED',
      joins: [{ idNumber: idNumber('2026-05-20', 'M'), name: '冯小宝', relationToHead: 'CHILD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 }],
      leaves: [parent.personKey],
      updates: [{ personKey: head.personKey, monthlyIncomeFen: 90_000, labourCapacity: 'PARTIAL', seriouslyIll: true }],
      version: household.version,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const members = changed.json<{ members: (Member & { seriouslyIll: boolean | null })[]; version: number }>();
    expect(members.version).toBe(household.version + 1);
    const records = members.members.map(({ relationToHead, monthlyIncomeFen, labourCapacity, fromDate, toDate, seriouslyIll }) => ({ relationToHead, monthlyIncomeFen, labourCapacity, fromDate, toDate, seriouslyIll }));
    expect(records).toEqual([
      { relationToHead: 'HEAD', monthlyIncomeFen: 150_000, labourCapacity: 'FULL', fromDate: '2026-01-01', toDate: '2026-05-31', seriouslyIll: null },
      { relationToHead: 'PARENT', monthlyIncomeFen: 0, labourCapacity: 'NONE', fromDate: '2026-01-01', toDate: '2026-05-31', seriouslyIll: null },
      { relationToHead: 'HEAD', monthlyIncomeFen: 90_000, labourCapacity: 'PARTIAL', fromDate: '2026-06-01', toDate: null, seriouslyIll: true },
      { relationToHead: 'CHILD', monthlyIncomeFen: 0, labourCapacity: 'NONE', fromDate: '2026-06-01', toDate: null, seriouslyIll: null },
    ]);
    // The caseworker sees names in clear, also on the records opened by the change.
    expect(members.members.map((member) => member.name)).toEqual(['冯丽娟', '冯伯', '冯丽娟', '冯小宝']);

    const events = await service.events(household.id, 2);
    expect(events[1]).toMatchObject({ eventType: 'assistance.household-composition-recorded', value: { recordReason: 'CHANGE_REPORTED' } });
    expect((events[1]?.value.members as unknown[]).length).toBe(4);
  });

  it('refuses a stale version, a future date, a member who is not there, and a second head, naming the field', async () => {
    service.setNow('2026-06-20T02:00:00Z');
    const household = await register();
    const [head] = household.members;
    if (!head) throw new Error('members missing');
    const url = `/households/${household.id}/composition-changes`;
    const stale = await post(url, { date: '2026-06-01', reason: 'CHANGE_REPORTED', updates: [{ personKey: head.personKey, monthlyIncomeFen: 1 }], version: household.version + 5 });
    expect([stale.statusCode, stale.json()]).toMatchObject([409, { code: 'ASSIST_CONCURRENT_CHANGE', details: { field: 'version' } }]);
    const future = await post(url, { date: '2026-07-01', reason: 'CHANGE_REPORTED', leaves: [head.personKey] });
    expect([future.statusCode, future.json()]).toMatchObject([400, { code: 'ASSIST_DATE_IN_FUTURE', details: { field: 'date' } }]);
    const unknown = await post(url, { date: '2026-06-01', reason: 'CHANGE_REPORTED', leaves: ['pk-nobody'] });
    expect([unknown.statusCode, unknown.json()]).toMatchObject([400, { code: 'ASSIST_UNKNOWN_MEMBER', details: { field: 'change.leaves.0' } }]);
    const twoHeads = await post(url, { date: '2026-06-01', reason: 'CHANGE_REPORTED', joins: [{ idNumber: idNumber('1980-01-01', 'M'), name: '何强', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'FULL', monthlyIncomeFen: 0, financialAssetsFen: 0 }] });
    expect([twoHeads.statusCode, twoHeads.json()]).toMatchObject([400, { code: 'ASSIST_HOUSEHOLD_MULTIPLE_HEADS' }]);
    const negative = await post(url, { date: '2026-06-01', reason: 'CHANGE_REPORTED', updates: [{ personKey: head.personKey, monthlyIncomeFen: -5 }] });
    expect(negative.statusCode).toBe(400);
    expect(JSON.stringify(negative.json())).toContain('monthlyIncomeFen');
  });
});

describe('economic checks', () => {
  it('records a result (by the checking centre\'s system), publishes it, lists it, and refuses bad periods and other jurisdictions', async () => {
    service.setNow('2026-11-10T02:00:00Z');
    const household = await register();
    const url = `/households/${household.id}/economic-checks`;
    const result = { purpose: 'PERIODIC_REVIEW', periodFrom: '2026-05-01', periodTo: '2026-10-31', monthlyIncomePerCapitaFen: 75_000, annualDisposableIncomeFen: 1_800_000, financialAssetsFen: 200_000, realEstateCount: 1, vehicleCount: 0, rigidExpenditures: [{ kind: 'MEDICAL', amountFen: 900_000 }] };
    const recorded = await post(url, result, 'department-system');
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ ...result, householdSize: 2, householdId: household.id, applicationId: null, recordedBy: 'department-system-1', vehicleValueFen: null });

    const reversed = await post(url, { ...result, periodFrom: '2026-11-01', periodTo: '2026-10-31' });
    expect([reversed.statusCode, reversed.json()]).toMatchObject([400, { code: 'ASSIST_DATE_ORDER' }]);
    const future = await post(url, { ...result, periodTo: '2026-12-31' });
    expect([future.statusCode, future.json()]).toMatchObject([400, { code: 'ASSIST_DATE_IN_FUTURE', details: { field: 'periodTo' } }]);
    const elsewhere = await post(url, result, 'caseworker', '442000002');
    expect([elsewhere.statusCode, elsewhere.json()]).toMatchObject([404, { code: 'ASSIST_NOT_FOUND' }]);

    const listed = await service.app.inject({ method: 'GET', url, headers: await auth('analyst') });
    expect(listed.json()).toMatchObject({ total: 1, items: [{ purpose: 'PERIODIC_REVIEW', monthlyIncomePerCapitaFen: 75_000 }] });
    const events = await service.events(household.id, 2);
    expect(events[1]).toMatchObject({ eventType: 'assistance.economic-check-completed', value: { purpose: 'PERIODIC_REVIEW', householdSize: 2, annualDisposableIncomeFen: 1_800_000, rigidExpenditures: [{ kind: 'MEDICAL', amountFen: 900_000 }] } });
  });
});
