/**
 * The registry, guardianship and visit routes on the real store and broker: every success and
 * coded failure, the strictest access (clear only for child-protection in its jurisdiction,
 * audited; masked for every other role), and the events through the outbox, in order per child.
 */
import type { Role } from '@minzheng/service-kit/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
  service.setNow('2026-11-15T02:00:00Z');
});
afterAll(() => service.close());

const VILLAGE = '442000001001';
const TOWN = '442000001';
const token = (roles: Role[] = ['child-protection'], jurisdiction = TOWN, subject = 'cd-0101') => service.token(roles, jurisdiction, subject);

interface Guardian { personKey: string; idNumber: string; name: string; situation: string; relation: string }
interface Child { id: string; personKey: string; idNumber: string; name: string; birthDate: string; masked: boolean; category: string; hasEffectiveGuardian: boolean | null; guardians: Guardian[]; guardianshipChanges: { note: string | null; hasEffectiveGuardian: boolean | null; categoryTo: string | null }[]; version: number; visitCount: number }

const leftBehind = (overrides: Record<string, unknown> = {}) => ({
  idNumber: idNumber('2015-03-15', 'F'),
  name: '陈小雨',
  regionCode: VILLAGE,
  hukouResident: true,
  category: 'LEFT_BEHIND',
  childDirectorId: 'cd-0101',
  guardians: [
    { idNumber: idNumber('1985-07-07', 'M'), name: '陈大海', relation: 'FATHER', livesWithChild: false, situation: 'WORKING_AWAY' },
    { idNumber: idNumber('1987-01-02', 'F'), name: '王丽', relation: 'MOTHER', livesWithChild: false, situation: 'WORKING_AWAY' },
  ],
  ...overrides,
});

async function post(url: string, payload: unknown, auth?: string, headers: Record<string, string> = {}) {
  return service.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${auth ?? (await token())}`, ...headers } });
}
async function get(url: string, auth?: string) {
  return service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${auth ?? (await token())}` } });
}
async function register(overrides: Record<string, unknown> = {}): Promise<Child> {
  const response = await post('/children', leftBehind(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Child>();
}

describe('POST /children', () => {
  it('registers a child in clear for the child-protection caller, encrypted at rest, audited, with child-registered through the outbox', async () => {
    const body = leftBehind();
    const response = await post('/children', body, undefined, { 'idempotency-key': 'reg-1' });
    expect(response.statusCode).toBe(201);
    const child = response.json<Child>();
    expect(child).toMatchObject({ idNumber: body.idNumber, name: '陈小雨', birthDate: '2015-03-15', masked: false, category: 'LEFT_BEHIND', hasEffectiveGuardian: true });
    expect(child.guardians.map((guardian) => guardian.name)).toEqual(['陈大海', '王丽']);

    const stored = JSON.stringify(await service.connection.collection('children').findOne({ _id: child.id as never }));
    for (const secret of [body.idNumber, '陈小雨', '陈大海', body.guardians[0]?.idNumber ?? '']) expect(stored).not.toContain(secret);

    const replay = await post('/children', body, undefined, { 'idempotency-key': 'reg-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json<Child>().id).toBe(child.id);

    const [event] = await service.events(child.personKey, 1);
    expect(event?.eventType).toBe('child-protection.child-registered');
    expect(event?.value).toMatchObject({ childRecordId: child.id, category: 'LEFT_BEHIND', hukouResident: true, childDirectorId: 'cd-0101', envelope: { person: { personKey: child.personKey, idNumber: body.idNumber, name: '陈小雨' }, region: { villageCode: VILLAGE } } });
    expect((event?.value as { guardians: { situation: string }[] }).guardians.map((guardian) => guardian.situation)).toEqual(['WORKING_AWAY', 'WORKING_AWAY']);

    const audit = await service.connection.collection('access_audit').find({ resourceId: child.id }).toArray();
    expect(audit).toEqual([expect.objectContaining({ action: 'write', subject: 'cd-0101', personKeys: [child.personKey, ...child.guardians.map((guardian) => guardian.personKey)] })]);
  });

  it('names the field and the rule: check digit, 18 or older, town-level or unknown region, other jurisdiction, category that does not fit, duplicate guardian, already registered', async () => {
    expect((await post('/children', leftBehind({ idNumber: withWrongCheckDigit(idNumber('2015-03-15')) }))).json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'idNumber' } });
    const adult = await post('/children', leftBehind({ idNumber: idNumber('2008-11-15') }));
    expect(adult.statusCode).toBe(422);
    expect(adult.json()).toMatchObject({ code: 'CHILD_NOT_MINOR', details: { field: 'idNumber', age: 18 } });
    expect((await post('/children', leftBehind({ idNumber: idNumber('2008-11-16') }))).statusCode).toBe(201);
    expect((await post('/children', leftBehind({ regionCode: '442000001999' }))).json()).toMatchObject({ code: 'REGION_UNKNOWN', details: { field: 'regionCode' } });
    expect((await post('/children', leftBehind({ regionCode: '442000002001' }))).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    const orphan = await post('/children', leftBehind({ category: 'SCATTERED_ORPHAN' }));
    expect(orphan.statusCode).toBe(422);
    expect(orphan.json()).toMatchObject({ code: 'CHILD_CATEGORY_NOT_ALLOWED', details: { field: 'category' } });
    const guardian = leftBehind().guardians[0];
    expect((await post('/children', leftBehind({ guardians: [guardian, guardian] }))).json()).toMatchObject({ code: 'CHILD_GUARDIAN_DUPLICATE', details: { field: 'guardians.1.idNumber' } });
    const twice = leftBehind();
    expect((await post('/children', twice)).statusCode).toBe(201);
    const again = await post('/children', twice, await token(['child-protection'], '442000'));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CHILD_ALREADY_REGISTERED', details: { field: 'idNumber' } });
  });

  it('lets only the child-protection role register', async () => {
    for (const role of ['caseworker', 'supervisor', 'analyst', 'admin', 'department-system'] as const) {
      expect((await post('/children', leftBehind(), await token([role]))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    }
  });
});

describe('strictest access: GET /children/:id, GET /children, GET /children/statistics', () => {
  it('shows names and ID numbers in clear only to child-protection inside its jurisdiction (audited); masked for every other role; not found outside the jurisdiction', async () => {
    const child = await register();
    const body = await get(`/children/${child.id}`);
    expect(body.json()).toMatchObject({ name: '陈小雨', idNumber: child.idNumber, masked: false });
    const reads = await service.connection.collection('access_audit').find({ resourceId: child.id, action: 'read' }).toArray();
    expect(reads).toHaveLength(1);

    for (const role of ['caseworker', 'supervisor', 'analyst', 'admin'] as const) {
      const masked = (await get(`/children/${child.id}`, await token([role], '442000', `${role}-1`))).json<Child>();
      expect(masked.masked, role).toBe(true);
      expect(masked.name).toBe('陈**');
      expect(masked.idNumber).toBe(`${child.idNumber.slice(0, 6)}********${child.idNumber.slice(-4)}`);
      expect(masked.birthDate).toBe('2015');
      expect(masked.guardians.map((guardian) => guardian.name)).toEqual(['陈**', '王*']);
    }
    // Masked reads are not clear reads: nothing more in the audit.
    expect(await service.connection.collection('access_audit').countDocuments({ resourceId: child.id, action: 'read' })).toBe(1);

    const elsewhere = await get(`/children/${child.id}`, await token(['child-protection'], '442000002'));
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toMatchObject({ code: 'CHILD_NOT_FOUND' });
    expect((await get(`/children/${child.id}`, await token(['department-system']))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
  });

  it('lists children by jurisdiction and category, masked for others, and gives aggregates without personal data', async () => {
    await register({ category: 'IN_DIFFICULTY' });
    const mine = (await get('/children?category=IN_DIFFICULTY')).json<{ items: { name: string; masked: boolean }[]; total: number }>();
    expect(mine.total).toBeGreaterThanOrEqual(1);
    expect(mine.items.every((item) => item.name === '陈小雨' && !item.masked)).toBe(true);
    const analyst = (await get('/children?category=IN_DIFFICULTY', await token(['analyst'], '442000'))).json<{ items: { name: string; masked: boolean }[] }>();
    expect(analyst.items.every((item) => item.name === '陈**' && item.masked)).toBe(true);
    expect((await get('/children', await token(['child-protection'], '442000002'))).json()).toMatchObject({ total: 0 });

    const stats = (await get('/children/statistics', await token(['analyst'], '442000'))).json<{ total: number; rows: { townCode: string; category: string; count: number }[] }>();
    expect(stats.rows.find((row) => row.category === 'IN_DIFFICULTY')).toMatchObject({ townCode: TOWN });
    expect(stats.total).toBe(stats.rows.reduce((sum, row) => sum + row.count, 0));
    expect(JSON.stringify(stats)).not.toContain('陈');
  });
});

describe('POST /children/:id/guardianship-changes', () => {
  it('a parent detained and the other missing: no effective guardian, re-categorised DEFACTO_UNSUPPORTED; then temporary guardianship by civil affairs; events in order', async () => {
    const child = await register();
    const [father, mother] = child.guardians;
    const detained = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'DETENTION', effectiveDate: '2026-10-08', guardianPersonKey: father?.personKey, note: '父亲服刑' });
    expect(detained.statusCode, detained.body).toBe(200);
    expect(detained.json()).toMatchObject({ hasEffectiveGuardian: true, guardians: [{ situation: 'DETAINED', since: '2026-10-08' }, { situation: 'WORKING_AWAY' }] });

    // Refused while the mother can still exercise guardianship.
    const tooSoon = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'SERIOUS_ILLNESS', effectiveDate: '2026-10-09', guardianPersonKey: father?.personKey, newCategory: 'DEFACTO_UNSUPPORTED' });
    expect(tooSoon.json()).toMatchObject({ code: 'CHILD_CATEGORY_NOT_ALLOWED', details: { field: 'newCategory' } });

    const missing = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'MISSING', effectiveDate: '2026-10-20', guardianPersonKey: mother?.personKey, newCategory: 'DEFACTO_UNSUPPORTED', note: '母亲失联' });
    expect(missing.json()).toMatchObject({ hasEffectiveGuardian: false, category: 'DEFACTO_UNSUPPORTED', guardianshipChanges: [{ hasEffectiveGuardian: true, note: '父亲服刑' }, { hasEffectiveGuardian: false, categoryTo: 'DEFACTO_UNSUPPORTED', note: '母亲失联' }] });
    // Other roles see the facts, never the notes.
    const masked = (await get(`/children/${child.id}`, await token(['supervisor'], '442000'))).json<Child>();
    expect(masked.guardianshipChanges.map((change) => change.note)).toEqual([null, null]);

    const temporary = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'TEMPORARY_GUARDIANSHIP_BY_CIVIL_AFFAIRS', effectiveDate: '2026-10-21', guardianPersonKey: mother?.personKey });
    expect(temporary.json()).toMatchObject({ hasEffectiveGuardian: true, temporaryGuardianshipFrom: '2026-10-21', category: 'DEFACTO_UNSUPPORTED' });

    const events = await service.events(child.personKey, 5);
    expect(events.map((event) => event.eventType)).toEqual([
      'child-protection.child-registered',
      'child-protection.guardianship-changed',
      'child-protection.guardianship-changed',
      'child-protection.child-registered',
      'child-protection.guardianship-changed',
    ]);
    expect(events[1]?.value).toMatchObject({ changeKind: 'DETENTION', effectiveDate: '2026-10-08', hasEffectiveGuardian: true, note: '父亲服刑', guardian: { personKey: father?.personKey, name: '陈大海' } });
    expect(events[2]?.value).toMatchObject({ changeKind: 'MISSING', hasEffectiveGuardian: false });
    expect(events[3]?.value).toMatchObject({ category: 'DEFACTO_UNSUPPORTED', guardians: [{ situation: 'DETAINED' }, { situation: 'MISSING' }] });
    expect(events[4]?.value).toMatchObject({ changeKind: 'TEMPORARY_GUARDIANSHIP_BY_CIVIL_AFFAIRS', hasEffectiveGuardian: true });
  });

  it('both parents dead: re-categorised SCATTERED_ORPHAN; a new guardian appointed', async () => {
    const child = await register();
    const [father, mother] = child.guardians;
    await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'DEATH', effectiveDate: '2026-09-01', guardianPersonKey: father?.personKey });
    const orphan = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'DEATH', effectiveDate: '2026-09-01', guardianPersonKey: mother?.personKey, newCategory: 'SCATTERED_ORPHAN' });
    expect(orphan.json()).toMatchObject({ hasEffectiveGuardian: false, category: 'SCATTERED_ORPHAN' });
    const aunt = idNumber('1970-01-01', 'F');
    const appointed = await post(`/children/${child.id}/guardianship-changes`, { changeKind: 'NEW_GUARDIAN_APPOINTED', effectiveDate: '2026-10-01', newGuardian: { idNumber: aunt, name: '陈秀兰', relation: 'OTHER_RELATIVE', livesWithChild: true } });
    expect(appointed.statusCode).toBe(200);
    expect(appointed.json()).toMatchObject({ hasEffectiveGuardian: true, category: 'SCATTERED_ORPHAN', guardians: [{ situation: 'DECEASED' }, { situation: 'DECEASED' }, { name: '陈秀兰', idNumber: aunt, situation: 'ABLE' }] });
    const events = await service.events(child.personKey, 5);
    expect(events[4]?.value).toMatchObject({ changeKind: 'NEW_GUARDIAN_APPOINTED', guardian: { name: '陈秀兰' }, hasEffectiveGuardian: true });
  });

  it('refuses impossible changes: unknown guardian, future date, date before birth, a deceased guardian, missing fields, stale version, wrong role', async () => {
    const child = await register();
    const [father] = child.guardians;
    const url = `/children/${child.id}/guardianship-changes`;
    expect((await post(url, { changeKind: 'DEATH', effectiveDate: '2026-10-01', guardianPersonKey: 'nobody' })).json()).toMatchObject({ code: 'CHILD_UNKNOWN_GUARDIAN', details: { field: 'guardianPersonKey' } });
    const future = await post(url, { changeKind: 'DEATH', effectiveDate: '2026-11-16', guardianPersonKey: father?.personKey });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ code: 'CHILD_DATE_IN_FUTURE', details: { field: 'effectiveDate' } });
    expect((await post(url, { changeKind: 'DEATH', effectiveDate: '2015-03-14', guardianPersonKey: father?.personKey })).json()).toMatchObject({ code: 'CHILD_DATE_BEFORE_BIRTH', details: { field: 'effectiveDate' } });
    expect((await post(url, { changeKind: 'DEATH', effectiveDate: '2026-10-01' })).json()).toMatchObject({ code: 'CHILD_INVALID_INPUT', details: { field: 'guardianPersonKey' } });
    expect((await post(url, { changeKind: 'NEW_GUARDIAN_APPOINTED', effectiveDate: '2026-10-01' })).json()).toMatchObject({ code: 'CHILD_INVALID_INPUT', details: { field: 'newGuardian' } });
    expect((await post(url, { changeKind: 'DEATH', effectiveDate: '2026-10-01', guardianPersonKey: father?.personKey })).statusCode).toBe(200);
    const again = await post(url, { changeKind: 'DETENTION', effectiveDate: '2026-10-02', guardianPersonKey: father?.personKey });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CHILD_ILLEGAL_GUARDIANSHIP_CHANGE' });
    expect((await post(url, { changeKind: 'MISSING', effectiveDate: '2026-10-02', guardianPersonKey: child.guardians[1]?.personKey, version: 1 })).json()).toMatchObject({ code: 'CHILD_CONCURRENT_CHANGE' });
    expect((await post(url, { changeKind: 'MISSING', effectiveDate: '2026-10-02', guardianPersonKey: child.guardians[1]?.personKey }, await token(['caseworker']))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
    expect((await post('/children/CH-none/guardianship-changes', { changeKind: 'DEATH', effectiveDate: '2026-10-01', guardianPersonKey: 'x' })).statusCode).toBe(404);
  });
});

describe('visits', () => {
  it('records a visit by the caller with child-director-visit-recorded; notes in clear only for child-protection; coded date errors', async () => {
    const child = await register();
    const visit = await post(`/children/${child.id}/visits`, { visitedOn: '2026-11-10', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NEEDS_SUPPORT', note: '由祖母临时照看' }, undefined, { 'idempotency-key': 'visit-1' });
    expect(visit.statusCode, visit.body).toBe(201);
    expect(visit.json()).toMatchObject({ visitorId: 'cd-0101', outcome: 'NEEDS_SUPPORT', note: '由祖母临时照看' });
    await post(`/children/${child.id}/visits`, { visitedOn: '2026-11-12', visitorRole: 'CHILD_SUPERVISOR', visitKind: 'PHONE_CALL', guardianPresent: true, outcome: 'NORMAL' }, await token(['child-protection'], TOWN, 'sup-cd-02'));

    const list = (await get(`/children/${child.id}/visits`)).json<{ items: { visitedOn: string; note: string | null }[]; total: number }>();
    expect(list.total).toBe(2);
    expect(list.items.map((item) => item.visitedOn)).toEqual(['2026-11-12', '2026-11-10']);
    expect(list.items[1]?.note).toBe('由祖母临时照看');
    const masked = (await get(`/children/${child.id}/visits`, await token(['caseworker'], '442000'))).json<{ items: { note: string | null }[] }>();
    expect(masked.items.map((item) => item.note)).toEqual([null, null]);

    expect((await post(`/children/${child.id}/visits`, { visitedOn: '2026-11-16', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NORMAL' })).json()).toMatchObject({ code: 'CHILD_DATE_IN_FUTURE', details: { field: 'visitedOn' } });
    expect((await post(`/children/${child.id}/visits`, { visitedOn: '2015-01-01', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NORMAL' })).json()).toMatchObject({ code: 'CHILD_DATE_BEFORE_BIRTH' });
    expect((await post(`/children/${child.id}/visits`, { visitedOn: '2026-11-10', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NORMAL' }, await token(['admin']))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });

    const events = await service.events(child.personKey, 3);
    expect(events.map((event) => event.eventType)).toEqual(['child-protection.child-registered', 'child-protection.child-director-visit-recorded', 'child-protection.child-director-visit-recorded']);
    expect(events[1]?.value).toMatchObject({ visitorId: 'cd-0101', visitorRole: 'CHILD_DIRECTOR', visitKind: 'HOME_VISIT', guardianPresent: false, outcome: 'NEEDS_SUPPORT', note: '由祖母临时照看' });
  });
});

describe('GET /age-transitions', () => {
  it('lists children turning 18 within 6 months (placement plan) and 特困 minors turning 16 (covered to 18), for the jurisdiction', async () => {
    const orphanParents = [
      { idNumber: idNumber('1980-01-01', 'M'), name: '张父', relation: 'FATHER', livesWithChild: false, situation: 'DECEASED' },
      { idNumber: idNumber('1981-01-01', 'F'), name: '李母', relation: 'MOTHER', livesWithChild: false, situation: 'DECEASED' },
    ];
    const soon = await register({ idNumber: idNumber('2009-03-20', 'M'), name: '张成', category: 'SCATTERED_ORPHAN', guardians: orphanParents });
    const later = await register({ idNumber: idNumber('2009-08-20', 'M'), name: '张远', category: 'SCATTERED_ORPHAN', guardians: [] });
    const tekun = await register({ idNumber: idNumber('2011-01-10', 'F'), name: '李想', category: 'IN_DIFFICULTY', tekunMinor: true, guardians: [] });
    const result = (await get('/age-transitions')).json<{ months: number; items: { childId: string; kind: string; date: string; actions: string[]; coverageUntil: string | null; name: string }[] }>();
    expect(result.months).toBe(6);
    const mine = result.items.filter((item) => [soon.id, later.id, tekun.id].includes(item.childId));
    expect(mine).toEqual([
      expect.objectContaining({ childId: tekun.id, kind: 'TEKUN_TURNS_16', date: '2027-01-10', actions: ['TEKUN_COVERAGE_CONTINUES_TO_18'], coverageUntil: '2029-01-09', name: '李想' }),
      expect.objectContaining({ childId: soon.id, kind: 'TURNS_18', date: '2027-03-20', actions: ['ADULT_ORPHAN_PLACEMENT_PLAN', 'ALLOWANCE_ENDS'], name: '张成' }),
    ]);
    const wider = (await get('/age-transitions?months=12', await token(['caseworker']))).json<{ items: { childId: string; name: string }[] }>();
    expect(wider.items.find((item) => item.childId === later.id)?.name).toBe('张*');
    expect((await get('/age-transitions', await token(['child-protection'], '442000002'))).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get('/age-transitions?months=0')).json()).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((await get('/age-transitions', await token(['analyst'], '442000'))).json()).toMatchObject({ code: 'AUTH_FORBIDDEN_ROLE' });
  });
});
