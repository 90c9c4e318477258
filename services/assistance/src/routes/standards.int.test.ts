/**
 * Standards in the store: the seeded Zhongshan versions, the version in force, publishing a new
 * version (admin only, inside the jurisdiction, checked against the others) and its
 * `reference.standard-changed` event; a town's own standard then drives that town's decisions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const auth = async (role: 'caseworker' | 'supervisor' | 'analyst' | 'admin', jurisdiction = '442000', subject = `${role}-1`) => ({ authorization: `Bearer ${await service.token([role], jurisdiction, subject)}` });
const publish = async (payload: object, role: 'caseworker' | 'admin' = 'admin', jurisdiction = '442000') => service.app.inject({ method: 'POST', url: '/standards', payload, headers: await auth(role, jurisdiction) });

describe('standards', () => {
  it('lists the seeded versions and answers the version in force', async () => {
    const listed = await service.app.inject({ method: 'GET', url: '/standards?program=DIBAO', headers: await auth('analyst') });
    expect(listed.json<{ items: { id: string }[] }>().items.map((version) => version.id)).toEqual(['DIBAO-442000-2014-01-01', 'DIBAO-442000-2016-01-01', 'DIBAO-442000-2020-01-01', 'DIBAO-442000-2021-01-01']);
    const inForce = await service.app.inject({ method: 'GET', url: '/standards/in-force?program=DIBAO&regionCode=442000001002&date=2020-06-30', headers: await auth('caseworker') });
    expect(inForce.json()).toMatchObject({ id: 'DIBAO-442000-2020-01-01', monthlyStandardFen: 110_000, createdBy: 'system' });
    const none = await service.app.inject({ method: 'GET', url: '/standards/in-force?program=EXPENDITURE_HARDSHIP&regionCode=442000', headers: await auth('caseworker') });
    expect([none.statusCode, none.json()]).toMatchObject([422, { code: 'ASSIST_NO_STANDARD' }]);
  });

  it('publishes a town standard that then decides that town\'s applications, and refuses what is not allowed', async () => {
    expect((await publish({ program: 'DIBAO', regionCode: '442000003', effectiveFrom: '2026-01-01', source: '测试', monthlyStandardFen: 130_000 }, 'caseworker', '442000003')).statusCode).toBe(403);
    const outside = await publish({ program: 'DIBAO', regionCode: '442000003', effectiveFrom: '2026-01-01', source: '测试', monthlyStandardFen: 130_000 }, 'admin', '442000001');
    expect(outside.statusCode).toBe(403);
    const wrongField = await publish({ program: 'DIBAO', regionCode: '442000003', effectiveFrom: '2026-01-01', source: '测试', monthlyStandardFen: 130_000, rigidExpenditureRatioPermille: 500 });
    expect([wrongField.statusCode, wrongField.json()]).toMatchObject([400, { code: 'ASSIST_INVALID_INPUT', details: { field: 'rigidExpenditureRatioPermille' } }]);
    const missing = await publish({ program: 'EXPENDITURE_HARDSHIP', regionCode: '442000', effectiveFrom: '2026-01-01', source: '测试' });
    expect([missing.statusCode, missing.json()]).toMatchObject([400, { code: 'ASSIST_INVALID_INPUT', details: { field: 'rigidExpenditureRatioPermille' } }]);
    const duplicate = await publish({ program: 'DIBAO', regionCode: '442000', effectiveFrom: '2021-01-01', source: '测试', monthlyStandardFen: 99_000 });
    expect([duplicate.statusCode, duplicate.json()]).toMatchObject([409, { code: 'ASSIST_STANDARD_OVERLAP' }]);

    const published = await publish({ program: 'DIBAO', regionCode: '442000003', effectiveFrom: '2026-01-01', source: '某镇调整低保标准的通知（测试）', monthlyStandardFen: 130_000 });
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toMatchObject({ id: 'DIBAO-442000003-2026-01-01', createdBy: 'admin-1' });
    const events = await service.events('DIBAO-442000003-2026-01-01', 1);
    expect(events[0]).toMatchObject({
      eventType: 'reference.standard-changed',
      value: { standardId: 'DIBAO-442000003', versionId: 'DIBAO-442000003-2026-01-01', changeKind: 'PUBLISHED', supersedesVersionId: null, program: 'DIBAO', standardKind: 'MONTHLY_AMOUNT', valueFen: 130_000, effectiveFrom: '2026-01-01', region: { countyCode: '442000', townCode: '442000003', villageCode: null }, sourceDocument: '某镇调整低保标准的通知（测试）' },
    });
    const seeded = await service.events('LOW_INCOME-442000-2020-01-01', 1);
    expect(seeded[0]?.value).toMatchObject({ standardKind: 'INCOME_THRESHOLD_MULTIPLIER', ratioPermille: 1_500, baseStandardId: 'DIBAO-442000' });

    // One person, no income, in that town: the gap is the town's 1,300 yuan, citing its version.
    const town = '442000003';
    const household = await service.app.inject({
      method: 'POST',
      url: '/households',
      payload: { regionCode: `${town}001`, address: '中山市某镇某村1号', reason: 'APPLICATION', members: [{ idNumber: idNumber('1958-08-08', 'M'), name: '周伯', relationToHead: 'HEAD', localHukou: true, livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0, financialAssetsFen: 0 }] },
      headers: await auth('caseworker', town, 'clerk'),
    });
    const application = await service.app.inject({ method: 'POST', url: '/applications', payload: { householdId: household.json<{ id: string }>().id, program: 'DIBAO', channel: 'WINDOW' }, headers: await auth('caseworker', town, 'clerk') });
    const id = application.json<{ id: string }>().id;
    await service.app.inject({ method: 'POST', url: `/applications/${id}/review`, payload: {}, headers: await auth('caseworker', town, 'reviewer') });
    const decided = await service.app.inject({ method: 'POST', url: `/applications/${id}/decision`, payload: { decision: 'APPROVED' }, headers: await auth('supervisor', town, 'approver') });
    expect(decided.json()).toMatchObject({ determination: { monthlyAmountFen: 130_000, standardVersionId: 'DIBAO-442000003-2026-01-01' } });
  });
});
