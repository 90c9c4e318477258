/**
 * The projection on the real broker and store: events from the four 民政 departments and from
 * other departments through the exchange (公安, 残联), about the same persons, become one person
 * record and one household with every value's provenance; a conflicting value is resolved by
 * precedence and the conflict is visible; an event that cannot be projected is dead-lettered alone;
 * replaying the topic into the same database changes nothing, and replaying it into a fresh
 * database gives identical checksums.
 */
import mongoose from 'mongoose';
import { testMongoUrl, uniqueDatabaseName } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksums } from './checksum.js';
import { decrypter } from './crypto.js';
import type { StoredSubject } from './model.js';
import { eventFor, idNumber, projected, startTestService, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
let elder: TestPerson;
let son: TestPerson;
const HOUSEHOLD = 'HH-442000101002-0001';
const VILLAGE = '442000101002';
const published: Record<string, unknown>[] = [];

async function publish(eventType: string, value: Record<string, unknown>): Promise<void> {
  await service.publisher.publish(eventType, value);
  published.push(value);
}

beforeAll(async () => {
  service = await startTestService();
  const elderId = idNumber('1940-03-12', 'M');
  const sonId = idNumber('1968-07-01', 'M');
  elder = { personKey: service.pseudonymizer.personKey(elderId), idNumber: elderId, name: '郑子轩' };
  son = { personKey: service.pseudonymizer.personKey(sonId), idNumber: sonId, name: '郑文' };
  const at = (date: string) => `${date}T02:00:00.000Z`;
  const member = (person: TestPerson, relationToHead: string, labourCapacity: string) => ({ person, relationToHead, livingTogether: true, labourCapacity, disabilityKind: null, disabilityGrade: null });

  // 社会救助: the household and its 低保.
  const composition = eventFor(service, 'assistance.household-composition-recorded', { person: elder, household: HOUSEHOLD, department: 'CIVIL_AFFAIRS_ASSISTANCE', occurredAt: at('2025-01-10'), villageCode: VILLAGE });
  const fixtureMember = (composition.members as Record<string, unknown>[])[0] ?? {};
  await publish('assistance.household-composition-recorded', { ...composition, members: [{ ...fixtureMember, ...member(elder, 'HEAD', 'NONE') }, { ...fixtureMember, ...member(son, 'CHILD', 'FULL') }] });
  await publish('assistance.enrolment-started', eventFor(service, 'assistance.enrolment-started', { person: elder, household: HOUSEHOLD, department: 'CIVIL_AFFAIRS_ASSISTANCE', occurredAt: at('2025-02-01'), villageCode: VILLAGE, body: { enrolmentId: 'ENR-1', program: 'DIBAO', startDate: '2025-02-01', coveredMembers: [elder, son], monthlyAmountFen: 230_000 } }));
  // 养老: registered living alone (a different spelling of the name), 高龄津贴 granted.
  await publish('elderly-care.elder-registered', eventFor(service, 'elderly-care.elder-registered', { person: { ...elder, name: '郑子軒' }, department: 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt: at('2025-03-01'), villageCode: VILLAGE, body: { livingArrangement: 'ALONE' } }));
  await publish('elderly-care.advanced-age-allowance-granted', eventFor(service, 'elderly-care.advanced-age-allowance-granted', { person: { ...elder, name: '郑子軒' }, department: 'CIVIL_AFFAIRS_ELDERLY_CARE', occurredAt: at('2025-03-12'), villageCode: VILLAGE, body: { allowanceId: 'AAA-1', startDate: '2025-03-01', monthlyAmountFen: 10_000 } }));
  // 儿童福利: a child registered with the son as guardian (a reference).
  const childId = idNumber('2015-05-05', 'F');
  const registered = eventFor(service, 'child-protection.child-registered', { person: { personKey: service.pseudonymizer.personKey(childId), idNumber: childId, name: '郑小' }, department: 'CIVIL_AFFAIRS_CHILD_PROTECTION', occurredAt: at('2025-04-01'), villageCode: VILLAGE });
  const fixtureGuardian = (registered.guardians as Record<string, unknown>[])[0] ?? {};
  await publish('child-protection.child-registered', { ...registered, guardians: [{ ...fixtureGuardian, person: son, relation: 'FATHER' }] });
  // 慈善: aid to the elder.
  await publish('charity.aid-disbursed', eventFor(service, 'charity.aid-disbursed', { person: elder, department: 'CIVIL_AFFAIRS_CHARITY', occurredAt: at('2025-05-01'), villageCode: VILLAGE }));
  // 公安 through the exchange: marriage status (the name as the hukou register spells it), later death.
  await publish('public-security.marriage-status-changed', eventFor(service, 'public-security.marriage-status-changed', { person: elder, department: 'PUBLIC_SECURITY', occurredAt: at('2024-06-01'), villageCode: VILLAGE, body: { newStatus: 'WIDOWED' } }));
  await publish('public-security.death-registered', eventFor(service, 'public-security.death-registered', { person: { ...elder, name: null }, department: 'PUBLIC_SECURITY', occurredAt: at('2026-01-27'), villageCode: VILLAGE, body: { dateOfDeath: '2026-01-27' } }));
  // 残联 through the exchange: a certificate for the son.
  await publish('disabled-persons-federation.disability-certified', eventFor(service, 'disabled-persons-federation.disability-certified', { person: son, department: 'DISABLED_PERSONS_FEDERATION', occurredAt: at('2025-06-01'), villageCode: VILLAGE }));
  // An event about nobody, and one whose person reference cannot be projected (a broken ID number).
  await publish('charity.campaign-opened', eventFor(service, 'charity.campaign-opened', { person: null, department: 'CIVIL_AFFAIRS_CHARITY', occurredAt: at('2025-01-01'), villageCode: VILLAGE }));
  await publish('charity.aid-disbursed', eventFor(service, 'charity.aid-disbursed', { person: { personKey: 'f'.repeat(64), idNumber: '442000194003129999', name: '无效' }, department: 'CIVIL_AFFAIRS_CHARITY', occurredAt: at('2025-05-02'), villageCode: VILLAGE }));
  await service.publisher.flush();
});
afterAll(() => service.close());

const auth = async (roles: Parameters<TestService['token']>[0], jurisdiction = '442000', subject = 'u-1') => ({ authorization: `Bearer ${await service.token(roles, jurisdiction, subject)}` });

describe('the thematic database built from the topics', () => {
  let live: Awaited<ReturnType<TestService['projection']>>;
  beforeAll(async () => {
    live = await service.projection();
    await projected(live, published.length);
  });

  it('joins the departments\' events about one person into one record with provenance, and dead-letters only the event it cannot project', async () => {
    expect(live.metrics()).toMatchObject({ handled: published.length - 1, deadLettered: 1 });
    const person = await service.connection.collection<StoredSubject>('persons').findOne({ _id: elder.personKey });
    expect(person?.applied).toHaveLength(7);
    expect(new Set(person?.timeline.map((entry) => entry.department))).toEqual(new Set(['CIVIL_AFFAIRS_ASSISTANCE', 'CIVIL_AFFAIRS_ELDERLY_CARE', 'CIVIL_AFFAIRS_CHARITY', 'PUBLIC_SECURITY']));
    expect(person?.idNumber).not.toContain(elder.idNumber);
    expect(await service.connection.collection('other_events').countDocuments()).toBe(1);

    const profile = await service.app.inject({ url: `/persons/${elder.personKey}`, headers: await auth(['analyst']) });
    expect(profile.statusCode, profile.body).toBe(200);
    const body = profile.json<{ idNumber: string; birthDate: string; deceased: boolean; attributes: Record<string, { value: unknown; source: { department: string; eventType: string }; conflicts: { value: unknown; source: { department: string } }[] }>; enrolments: { program: string; via: string; status: string }[]; households: { householdId: string; member: boolean }[] }>();
    expect(body.idNumber).toBe(`${elder.idNumber.slice(0, 6)}********${elder.idNumber.slice(-4)}`);
    expect(body.birthDate).toBe('1940');
    expect(body.deceased).toBe(true);
    expect(body.attributes.maritalStatus).toMatchObject({ value: 'WIDOWED', source: { department: 'PUBLIC_SECURITY', eventType: 'public-security.marriage-status-changed' } });
    expect(body.attributes.livingArrangement).toMatchObject({ value: 'ALONE', source: { department: 'CIVIL_AFFAIRS_ELDERLY_CARE' } });
    // 公安 first for names; the elderly-care spelling differs and is kept as a conflict (masked here).
    expect(body.attributes.name).toMatchObject({ value: '郑**', source: { department: 'PUBLIC_SECURITY' } });
    expect(body.attributes.name?.conflicts.map((conflict) => conflict.source.department)).toEqual(['CIVIL_AFFAIRS_ELDERLY_CARE']);
    expect(body.enrolments.map((enrolment) => [enrolment.program, enrolment.via, enrolment.status]).sort()).toEqual([
      ['ADVANCED_AGE_ALLOWANCE', 'person', 'ACTIVE'],
      ['DIBAO', HOUSEHOLD, 'ACTIVE'],
    ]);
    expect(body.households).toMatchObject([{ householdId: HOUSEHOLD, member: true }]);
  });

  it('resolves a conflict by the configured precedence and shows the value that lost', async () => {
    const profile = (await service.app.inject({ url: `/persons/${son.personKey}`, headers: await auth(['analyst']) })).json<{ attributes: Record<string, { source: { department: string }; conflicts: unknown[] }> }>();
    // The assistance composition states no disability; 残联's certificate is the only source.
    expect(profile.attributes.disability?.source.department).toBe('DISABLED_PERSONS_FEDERATION');
    expect(profile.attributes.labourCapacity?.source.department).toBe('CIVIL_AFFAIRS_ASSISTANCE');
  });

  it('shows the profile as of a past date', async () => {
    const before = (await service.app.inject({ url: `/persons/${elder.personKey}?asOf=2025-02-15`, headers: await auth(['analyst']) })).json<{ asOf: string; deceased: boolean; attributes: Record<string, unknown>; enrolments: { program: string }[]; timeline: { total: number } }>();
    expect(before).toMatchObject({ asOf: '2025-02-15', deceased: false });
    expect(before.attributes.livingArrangement).toBeUndefined();
    expect(before.enrolments.map((enrolment) => enrolment.program)).toEqual(['DIBAO']);
    expect(before.timeline.total).toBe(3);
  });

  it('changes nothing when the topic is replayed into the same database, and a rebuild into a fresh one has identical checksums', async () => {
    const decrypt = decrypter(service.keyring);
    const before = await checksums(service.connection, decrypt);
    expect(before.persons?.count).toBe(3);
    expect(before.households?.count).toBe(1);

    const replay = await service.projection();
    await projected(replay, published.length);
    expect(await checksums(service.connection, decrypt)).toEqual(before);

    const fresh = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('data-sharing-rebuild'))).asPromise();
    try {
      const rebuild = await service.projection(fresh);
      await projected(rebuild, published.length);
      expect(await checksums(fresh, decrypt)).toEqual(before);
    } finally {
      await fresh.dropDatabase();
      await fresh.close();
    }
  });
});
