/**
 * The analyst API on the real stack: masking by role, jurisdiction scope, the purpose a full view
 * needs, the access audit (who, when, whom, why) that supervisors query and nobody alters, search
 * with its filters and pagination, household profiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_HOUSEHOLD, projected, publishFamily, startTestService, type Family, type TestService } from '../test-support/service.js';

let service: TestService;
let family: Family;
beforeAll(async () => {
  service = await startTestService();
  family = await publishFamily(service);
  await projected(await service.projection(), family.events);
});
afterAll(() => service.close());

type Roles = Parameters<TestService['token']>[0];
const headers = async (roles: Roles, jurisdiction: string, subject: string, purpose?: string) => ({
  authorization: `Bearer ${await service.token(roles, jurisdiction, subject)}`,
  ...(purpose === undefined ? {} : { 'x-access-purpose': encodeURIComponent(purpose) }),
});

interface Profile { view: string; idNumber: string; birthDate: string; attributes: Record<string, { value: unknown; conflicts: { value: unknown }[] }> }

describe('who sees what', () => {
  it('shows analysts masked values only, and refuses them a full view', async () => {
    const masked = await service.app.inject({ url: `/persons/${family.elder.personKey}`, headers: await headers(['analyst'], '442000', 'an-1') });
    expect(masked.json<Profile>()).toMatchObject({ view: 'masked', birthDate: '1940', attributes: { name: { value: '郑**' }, emergencyContactPhone: { value: expect.stringMatching(/\*{4}/u) as unknown } } });
    const full = await service.app.inject({ url: `/persons/${family.elder.personKey}?view=full`, headers: await headers(['analyst'], '442000', 'an-1', '统计分析') });
    expect(full.statusCode).toBe(403);
    expect(full.json()).toMatchObject({ code: 'DS_FULL_VIEW_FORBIDDEN', details: { field: 'view' } });
  });

  it('shows a caseworker inside the jurisdiction the full profile only with a stated purpose, and audits it', async () => {
    const without = await service.app.inject({ url: `/persons/${family.elder.personKey}?view=full`, headers: await headers(['caseworker'], '442000101', 'sw-0107') });
    expect(without.statusCode).toBe(400);
    expect(without.json()).toMatchObject({ code: 'DS_PURPOSE_REQUIRED', details: { field: 'X-Access-Purpose' } });

    const full = await service.app.inject({ url: `/persons/${family.elder.personKey}?view=full`, headers: await headers(['caseworker'], '442000101', 'sw-0107', '低保复核 CASE-2026-0117') });
    expect(full.statusCode, full.body).toBe(200);
    const profile = full.json<Profile>();
    expect(profile).toMatchObject({ view: 'full', idNumber: family.elder.idNumber, birthDate: '1940-03-12', attributes: { name: { value: '郑子轩', conflicts: [{ value: '郑子軒' }] } } });

    const audit = await service.app.inject({ url: `/access-audit?personKey=${family.elder.personKey}`, headers: await headers(['supervisor'], '442000', 'sup-1') });
    expect(audit.statusCode, audit.body).toBe(200);
    const items = audit.json<{ items: { subject: string; resource: string }[] }>().items;
    // The caseworker's full view, with its purpose; the refused request left nothing.
    expect(items.filter((item) => item.subject === 'sw-0107')).toEqual([expect.objectContaining({ subject: 'sw-0107', roles: ['caseworker'], action: 'read', resource: 'person', resourceId: family.elder.personKey, personKeys: [family.elder.personKey], purpose: '低保复核 CASE-2026-0117' })]);
    // Masked reads are recorded too, as such.
    expect(items.filter((item) => item.subject === 'an-1').map((item) => item.resource)).toContain('person-masked');
    // Only supervisors query the audit, and nothing on the API changes it.
    expect((await service.app.inject({ url: `/access-audit?personKey=${family.elder.personKey}`, headers: await headers(['caseworker'], '442000', 'sw-0107') })).statusCode).toBe(403);
    expect((await service.app.inject({ method: 'DELETE', url: '/access-audit', headers: await headers(['admin'], '442000', 'adm') })).statusCode).toBe(404);
  });

  it('refuses a full view outside the caseworker\'s jurisdiction', async () => {
    const other = await service.app.inject({ url: `/persons/${family.elder.personKey}?view=full`, headers: await headers(['caseworker'], '442000102', 'sw-0200', '核查') });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'DS_FULL_VIEW_FORBIDDEN', details: { regionCode: '442000101002', jurisdiction: '442000102' } });
  });

  it('answers an unknown person with a coded 404', async () => {
    const missing = await service.app.inject({ url: `/persons/${'0'.repeat(64)}`, headers: await headers(['analyst'], '442000', 'an-1') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'DS_NOT_FOUND', details: { field: 'personKey' } });
  });
});

describe('search', () => {
  interface Page { total: number; items: { personKey: string; maskedName: string; programs: string[]; ageBand: string; deceased: boolean }[] }
  const search = async (query: string, jurisdiction = '442000') => (await service.app.inject({ url: `/persons?${query}`, headers: await headers(['analyst'], jurisdiction, 'an-1') })).json<Page>();

  it('filters by program (through the household too), category, age band, death and masked text, masked and paginated', async () => {
    expect((await search('')).total).toBe(3);
    expect((await search('program=DIBAO')).items.map((item) => item.personKey).sort()).toEqual([family.elder.personKey, family.son.personKey].sort());
    expect((await search('program=ADVANCED_AGE_ALLOWANCE')).items.map((item) => item.personKey)).toEqual([family.elder.personKey]);
    expect((await search('category=livingArrangement:ALONE')).items.map((item) => item.personKey)).toEqual([family.elder.personKey]);
    expect((await search('ageBand=0-17')).items.map((item) => item.personKey)).toEqual([family.child.personKey]);
    expect((await search('deceased=true')).items).toMatchObject([{ personKey: family.elder.personKey, maskedName: '郑**', ageBand: '80+' }]);
    expect((await search(`q=${encodeURIComponent('郑*')}&pageSize=2&sort=age&order=desc`))).toMatchObject({ total: 3, items: [{ personKey: family.elder.personKey }, { personKey: family.son.personKey }] });
  });

  it('stays inside the caller\'s jurisdiction and names a region outside it as a bad query', async () => {
    expect((await search('', '442000102')).total).toBe(0);
    const outside = await service.app.inject({ url: '/persons?regionCode=442000101', headers: await headers(['analyst'], '442000102', 'an-2') });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'regionCode' } });
  });
});

describe('households', () => {
  it('shows members over time and the household\'s enrolments', async () => {
    const profile = await service.app.inject({ url: `/households/${FAMILY_HOUSEHOLD}`, headers: await headers(['analyst'], '442000', 'an-1') });
    expect(profile.statusCode, profile.body).toBe(200);
    const body = profile.json<{ members: { personKey: string; name: string; relationToHead: string }[]; enrolments: { program: string; status: string; monthlyAmountFen: number }[] }>();
    expect(body.members.map((member) => [member.relationToHead, member.name]).sort()).toEqual([['CHILD', '郑*'], ['HEAD', '郑**']]);
    expect(body.enrolments).toMatchObject([{ program: 'DIBAO', status: 'ACTIVE', monthlyAmountFen: 230_000 }]);
  });
});

describe('statistics', () => {
  const stats = async (path: string, roles: Roles = ['supervisor']) => {
    const answer = await service.app.inject({ url: `/statistics/${path}`, headers: await headers(roles, '442000', 'st-1') });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer;
  };

  it('counts enrolments, persons covered and monthly sums by program and month, as of each month\'s end', async () => {
    const byProgram = (await stats('enrolments?groupBy=program&from=2025-06')).json<{ cells: unknown[] }>();
    expect(byProgram.cells).toEqual([
      { key: { program: 'ADVANCED_AGE_ALLOWANCE' }, enrolments: 1, persons: 1, monthlyAmountFen: 10_000, suppressed: false },
      { key: { program: 'DIBAO' }, enrolments: 1, persons: 2, monthlyAmountFen: 230_000, suppressed: false },
    ]);
    const byMonth = (await stats('enrolments?groupBy=month&program=DIBAO&from=2025-01&to=2025-03')).json<{ months: string[]; cells: { key: { month: string }; enrolments: number }[] }>();
    expect(byMonth.months).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(byMonth.cells.map((cell) => [cell.key.month, cell.enrolments])).toEqual([['2025-02', 1], ['2025-03', 1]]);
  });

  it('computes coverage (elders 80+ receiving the allowance / all elders 80+), the dead left out from their death on', async () => {
    const coverage = (await stats('coverage?groupBy=town&program=ADVANCED_AGE_ALLOWANCE&ageBand=80%2B&from=2025-06')).json<{ cells: unknown[] }>();
    expect(coverage.cells).toEqual([{ key: { town: '442000101' }, population: 1, covered: 1, ratio: 1, suppressed: false }]);
    const afterDeath = (await stats('coverage?groupBy=town&program=ADVANCED_AGE_ALLOWANCE&ageBand=80%2B&from=2026-02')).json<{ cells: unknown[] }>();
    expect(afterDeath.cells).toEqual([]);
  });

  it('suppresses cells below the threshold for analysts', async () => {
    const analyst = (await stats('coverage?groupBy=town&program=ADVANCED_AGE_ALLOWANCE&ageBand=80%2B&from=2025-06', ['analyst'])).json<{ threshold: number; cells: unknown[] }>();
    expect(analyst.threshold).toBe(5);
    expect(analyst.cells).toEqual([{ key: { town: '442000101' }, population: '<5', covered: '<5', ratio: null, suppressed: true }]);
    const persons = (await stats('persons?groupBy=ageBand', ['analyst'])).json<{ cells: unknown[] }>();
    expect(persons.cells).toEqual([
      { key: { ageBand: '0-17' }, persons: '<5', suppressed: true },
      { key: { ageBand: '18-59' }, persons: '<5', suppressed: true },
      { key: { ageBand: '80+' }, persons: '<5', suppressed: true },
    ]);
  });

  it('names a bad statistics query by field and rule', async () => {
    const missing = await service.app.inject({ url: '/statistics/coverage?groupBy=town', headers: await headers(['supervisor'], '442000', 'st-1') });
    expect(missing.json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'program' } });
    const backwards = await service.app.inject({ url: '/statistics/persons?from=2025-06&to=2025-01', headers: await headers(['supervisor'], '442000', 'st-1') });
    expect(backwards.json()).toMatchObject({ code: 'DS_INVALID_QUERY', details: { field: 'from' } });
    const unknown = await service.app.inject({ url: '/statistics/persons?groupBy=street', headers: await headers(['supervisor'], '442000', 'st-1') });
    expect(unknown.json()).toMatchObject({ code: 'REQUEST_INVALID' });
  });
});

describe('exports', () => {
  it('streams the statistics and the masked search results as CSV, and audits the export', async () => {
    const csv = await service.app.inject({ url: '/statistics/enrolments?groupBy=program&from=2025-06&format=csv', headers: await headers(['supervisor'], '442000', 'st-1') });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')).toEqual(['\uFEFF项目 program,在享笔数 enrolments,人数 persons,月金额（分） monthly amount (fen)', 'ADVANCED_AGE_ALLOWANCE,1,1,10000', 'DIBAO,1,2,230000', '']);

    const exported = await service.app.inject({ url: '/persons/export?program=DIBAO&sort=age&order=desc', headers: await headers(['analyst'], '442000', 'an-9') });
    expect(exported.statusCode, exported.body).toBe(200);
    const lines = exported.body.split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${family.elder.personKey},郑**,${family.elder.idNumber.slice(0, 6)}********${family.elder.idNumber.slice(-4)},M,`);
    expect(exported.body).not.toContain(family.elder.idNumber);
    expect(exported.body).not.toContain('郑子轩');
    const audit = await service.connection.collection('access_audit').findOne({ subject: 'an-9' });
    expect(audit).toMatchObject({ action: 'export', resource: 'persons', resourceId: 'program=DIBAO&sort=age&order=desc' });
  });
});
