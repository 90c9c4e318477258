/**
 * The projection on the real broker and store: events from the four 民政 departments and from
 * other departments through the exchange (公安, 残联), about the same persons, become one person
 * record and one household with every value's provenance; a conflicting value is resolved by
 * precedence and the conflict is visible; an event that cannot be projected is dead-lettered alone;
 * replaying the topic into the same database changes nothing, and replaying it into a fresh
 * database gives identical checksums.
 */
import mongoose from 'mongoose';
import { testMongoUrl, uniqueDatabaseName, uniqueName } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksums } from './checksum.js';
import { decrypter } from './crypto.js';
import { DEFAULT_PRECEDENCE } from './precedence.js';
import { rebuild } from '../rebuild.js';
import type { SubjectSummaryDocument } from './fold.js';
import type { StoredContribution } from './model.js';
import { subjectContributions } from './refresher.js';
import { FAMILY_HOUSEHOLD as HOUSEHOLD, projected, publishFamily, startTestService, type Family, type TestPerson, type TestService } from '../test-support/service.js';

let service: TestService;
let family: Family;
let elder: TestPerson;
let son: TestPerson;

beforeAll(async () => {
  service = await startTestService();
  family = await publishFamily(service);
  ({ elder, son } = family);
});
afterAll(() => service.close());

const auth = async (roles: Parameters<TestService['token']>[0], jurisdiction = '442000', subject = 'u-1') => ({ authorization: `Bearer ${await service.token(roles, jurisdiction, subject)}` });

describe('the thematic database built from the topics', () => {
  let live: Awaited<ReturnType<TestService['projection']>>;
  beforeAll(async () => {
    live = await service.projection();
    await projected(live, family.events);
  });

  it('joins the departments\' events about one person into one record with provenance, and dead-letters only the event it cannot project', async () => {
    expect(live.metrics()).toMatchObject({ handled: family.events - 1, deadLettered: 1 });
    const contributions = await subjectContributions(service.connection.collection<StoredContribution>('contributions'), 'person', elder.personKey);
    expect(contributions).toHaveLength(7);
    expect(new Set(contributions.map((item) => item.timeline?.department))).toEqual(new Set(['CIVIL_AFFAIRS_ASSISTANCE', 'CIVIL_AFFAIRS_ELDERLY_CARE', 'CIVIL_AFFAIRS_CHARITY', 'PUBLIC_SECURITY']));
    expect(JSON.stringify(contributions)).not.toContain(elder.idNumber);
    // The summary search reads, refreshed from the seven contributions.
    const summary = await service.connection.collection<SubjectSummaryDocument>('persons').findOne({ _id: elder.personKey });
    expect(summary).toMatchObject({ contributions: 7, current: { regionCode: '442000101002', deceased: true, maskedName: '郑**' } });
    expect(summary?.idNumber).not.toContain(elder.idNumber);
    expect(await service.connection.collection('dirty_subjects').countDocuments()).toBe(0);
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

  it('changes nothing when the topic is replayed into the same database, and the rebuild command\'s fresh database has identical checksums', async () => {
    const decrypt = decrypter(service.keyring);
    const before = await checksums(service.connection, decrypt);
    expect(before.persons?.count).toBe(3);
    expect(before.households?.count).toBe(1);
    expect(before.contributions?.count).toBe(14);

    const replay = await service.projection();
    await projected(replay, family.events);
    expect(await checksums(service.connection, decrypt)).toEqual(before);

    const fresh = await mongoose.createConnection(testMongoUrl(uniqueDatabaseName('data-sharing-rebuild'))).asPromise();
    try {
      const progress: string[] = [];
      const report = await rebuild({
        kafka: service.kafka,
        registry: service.registry,
        keyring: service.keyring,
        pseudonymizer: service.pseudonymizer,
        precedence: DEFAULT_PRECEDENCE,
        topics: [service.topic],
        live: { connection: service.connection, groupId: live.groupId },
        target: fresh,
        groupId: uniqueName('rebuild'),
        progress: (line) => progress.push(line),
        progressEveryMs: 50,
      });
      expect(report, JSON.stringify(report.collections)).toMatchObject({ events: family.events, identical: true, liveCaughtUp: true });
      expect(report.collections.persons).toEqual({ live: before.persons, rebuilt: before.persons, identical: true });
      expect(progress.at(-1)).toMatch(new RegExp(`^\\[#{30}\\] 100%  ${String(family.events)}/${String(family.events)} events  \\d+ events/s`, 'u'));
      expect(await checksums(fresh, decrypt)).toEqual(before);
    } finally {
      await fresh.dropDatabase();
      await fresh.close();
    }
  });
});
