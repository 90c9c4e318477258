/**
 * The projection's core without servers: what events contribute, how facts merge, precedence and
 * conflicts, history as of a date, and the two properties the rebuild relies on — applying an event
 * twice changes nothing, and any arrival order gives the same document.
 */
import { randomUUID } from 'node:crypto';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { describe, expect, it } from 'vitest';
import { contributionsOf } from './contributions.js';
import { aggregate, safeKey, storedContribution, subjectPrefix, summaryDocument, type FoldCrypto } from './fold.js';
import type { Contribution, StoredContribution, StoredSubject, SubjectKind } from './model.js';
import { DEFAULT_PRECEDENCE, parsePrecedence } from './precedence.js';
import { attributesOf, enrolmentsOf, membershipOf } from './view.js';

/** Deterministic stand-ins for encryption, digest and masking (the real ones are tested in identity). */
const crypto: FoldCrypto = {
  encrypt: (plaintext, aad) => `enc(${aad}:${plaintext})`,
  valueKey: (field, plaintext) => `key(${field}:${plaintext})`,
  mask: (field, plaintext) => `${plaintext.slice(0, 1)}*(${field})`,
};
const decrypt = (token: string): string => token.slice(token.lastIndexOf(':') + 1, -1);

const id = (first17: string): string => `${first17}${residentIdCheckDigit(first17)}`;
const ELDER = id('44200019400101001');
const SON = id('44200019700505003');
const region = { countyCode: '442000', townCode: '442000101', villageCode: '442000101002' };

function event(eventType: string, department: string, occurredAt: string, person: { idNumber: string; name: string | null } | null, body: Record<string, unknown>, household: string | null = null) {
  return {
    eventType,
    value: {
      envelope: {
        eventId: randomUUID(),
        occurredAt: new Date(occurredAt),
        recordedAt: new Date(occurredAt),
        source: { department, system: 'test', recordId: null },
        region,
        person: person === null ? null : { personKey: `pk-${person.idNumber}`, ...person },
        household: household === null ? null : { householdId: household },
        correlationId: null,
        causationId: null,
      },
      ...body,
    },
  };
}

const events = [
  event('elderly-care.elder-registered', 'CIVIL_AFFAIRS_ELDERLY_CARE', '2025-03-01T02:00:00Z', { idNumber: ELDER, name: '何国强' }, { elderRecordId: 'E-1', livingArrangement: 'ALONE', hukouResident: true, economicStatus: 'ORDINARY', leftBehind: false, lostOnlyChildFamily: false, assignedVisitorId: null, assignedVisitorRole: null, emergencyContactPhone: '13800138000' }),
  event('public-security.marriage-status-changed', 'PUBLIC_SECURITY', '2024-06-01T02:00:00Z', { idNumber: ELDER, name: '何国強' }, { changeKind: 'SPOUSE_DECEASED', newStatus: 'WIDOWED', previousStatus: 'MARRIED', spouse: null, effectiveDate: '2024-05-30' }),
  event('assistance.household-composition-recorded', 'CIVIL_AFFAIRS_ASSISTANCE', '2025-01-10T02:00:00Z', { idNumber: ELDER, name: '何国强' }, {
    recordReason: 'APPLICATION',
    members: [
      { person: { personKey: `pk-${ELDER}`, idNumber: ELDER, name: '何国强' }, relationToHead: 'HEAD', livingTogether: true, labourCapacity: 'NONE', disabilityKind: null, disabilityGrade: null },
      { person: { personKey: `pk-${SON}`, idNumber: SON, name: '何文' }, relationToHead: 'CHILD', livingTogether: false, labourCapacity: 'FULL', disabilityKind: null, disabilityGrade: null },
    ],
  }, 'HH-1'),
  event('assistance.household-composition-recorded', 'CIVIL_AFFAIRS_ASSISTANCE', '2025-08-01T02:00:00Z', { idNumber: ELDER, name: '何国强' }, {
    recordReason: 'CHANGE_REPORTED',
    members: [{ person: { personKey: `pk-${ELDER}`, idNumber: ELDER, name: '何国强' }, relationToHead: 'HEAD', livingTogether: true, labourCapacity: 'NONE', disabilityKind: null, disabilityGrade: null }],
  }, 'HH-1'),
  event('assistance.enrolment-started', 'CIVIL_AFFAIRS_ASSISTANCE', '2025-02-01T02:00:00Z', { idNumber: ELDER, name: '何国强' }, { enrolmentId: 'ENR-1', program: 'DIBAO', applicationId: null, startDate: '2025-02-01', coveredMembers: [{ personKey: `pk-${ELDER}`, idNumber: ELDER, name: '何国强' }], monthlyAmountFen: 115_000n, supportMode: null, nextReviewDate: null, standardVersionId: 'STD-1' }, 'HH-1'),
  event('assistance.enrolment-ended', 'CIVIL_AFFAIRS_ASSISTANCE', '2025-09-15T02:00:00Z', { idNumber: ELDER, name: '何国强' }, { enrolmentId: 'ENR-1', program: 'DIBAO', endReason: 'INCOME_ABOVE_THRESHOLD', endDate: '2025-10-31', gradualExitEndDate: null, gradualExitMonthlyAmountFen: null, note: null }, 'HH-1'),
  event('public-security.death-registered', 'PUBLIC_SECURITY', '2026-01-27T02:00:00Z', { idNumber: ELDER, name: null }, { dateOfDeath: '2026-01-27', deathCategory: 'NATURAL', hukouCancelled: true }),
];
const contributions = events.flatMap((item) => contributionsOf(item.eventType, item.value));

/** Stores each contribution (encrypting), then aggregates each subject from its set. */
function project(list: readonly Contribution[]): Map<string, StoredSubject> {
  const bySubject = new Map<string, StoredContribution[]>();
  for (const contribution of list) {
    const id = `${contribution.kind}:${contribution.key}`;
    bySubject.set(id, [...(bySubject.get(id) ?? []), storedContribution(contribution, crypto)]);
  }
  return new Map([...bySubject].map(([id, stored]) => [id, aggregate(stored[0]?.kind ?? 'person', stored[0]?.key ?? '', stored, DEFAULT_PRECEDENCE)]));
}

const subjectOf = (subjects: Map<string, StoredSubject>, kind: SubjectKind, key: string): StoredSubject => {
  const subject = subjects.get(`${kind}:${key}`);
  if (subject === undefined) throw new Error(`no ${kind} ${key}`);
  return subject;
};

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('the projection of events into persons and households', () => {
  const subjects = project(contributions);
  const elder = subjectOf(subjects, 'person', `pk-${ELDER}`);

  it('joins every department\'s events about one person into one document, the ID number encrypted and masked', () => {
    expect(elder.applied).toHaveLength(events.length);
    expect(elder.idNumber).toBe(`enc(person:pk-${ELDER}|idNumber:${ELDER})`);
    expect(elder.maskedIdNumber).toBe(`4*(idNumber)`);
    expect(elder.birthDate).toBe('1940-01-01');
    expect(elder.sex).toBe('M');
    expect(elder.timeline.map((entry) => entry.eventType)).toEqual([
      'public-security.marriage-status-changed',
      'assistance.household-composition-recorded',
      'assistance.enrolment-started',
      'elderly-care.elder-registered',
      'assistance.household-composition-recorded',
      'assistance.enrolment-ended',
      'public-security.death-registered',
    ]);
    expect(elder.households).toEqual(['HH-1']);
    expect(elder.current).toMatchObject({ regionCode: '442000101002', deceased: true, categories: ['economicStatus:ORDINARY', 'livingArrangement:ALONE'], conflicts: ['name'], maskedName: '何*(name)', programs: [] });
    // The household's enrolment stays on the household.
    expect(subjectOf(subjects, 'household', 'HH-1').current.programs).toEqual([]);
    expect(subjectOf(subjects, 'person', `pk-${SON}`).households).toEqual(['HH-1']);
  });

  it('chooses each value by source precedence and keeps the losing value as a conflict', () => {
    const attributes = attributesOf(elder.facts, DEFAULT_PRECEDENCE, { reveal: (fact) => (fact.pii && typeof fact.value === 'string' ? decrypt(fact.value) : fact.value) });
    // 公安 ranks first for names, though its record is older than the civil-affairs ones.
    expect(attributes.name?.value).toBe('何国強');
    expect(attributes.name?.source.department).toBe('PUBLIC_SECURITY');
    expect(attributes.name?.conflicts.map((conflict) => [conflict.value, conflict.source.department])).toEqual([
      ['何国强', 'CIVIL_AFFAIRS_ASSISTANCE'],
      ['何国强', 'CIVIL_AFFAIRS_ELDERLY_CARE'],
    ]);
    expect(attributes.maritalStatus).toMatchObject({ value: 'WIDOWED', source: { department: 'PUBLIC_SECURITY', eventType: 'public-security.marriage-status-changed' } });
    expect(attributes.emergencyContactPhone?.value).toBe('13800138000');
    expect(elder.facts.find((fact) => fact.field === 'emergencyContactPhone')?.value).toMatch(/^enc\(/u);
    // A configured precedence changes the winner.
    const civilFirst = parsePrecedence(JSON.stringify({ name: ['CIVIL_AFFAIRS_ELDERLY_CARE', 'PUBLIC_SECURITY'] }), ['CIVIL_AFFAIRS_ELDERLY_CARE', 'PUBLIC_SECURITY']);
    expect(attributesOf(elder.facts, civilFirst).name?.source.department).toBe('CIVIL_AFFAIRS_ELDERLY_CARE');
    expect(() => parsePrecedence('{"name": ["POLICE"]}', ['PUBLIC_SECURITY'])).toThrow(/unknown department\(s\) POLICE/u);
  });

  it('reads a profile as of a past date', () => {
    const before = attributesOf(elder.facts, DEFAULT_PRECEDENCE, { asOf: '2025-12-31' });
    expect(before.deceased).toBeUndefined();
    expect(attributesOf(elder.facts, DEFAULT_PRECEDENCE, { asOf: '2024-01-01' }).maritalStatus).toBeUndefined();
    const household = subjectOf(subjects, 'household', 'HH-1');
    expect(enrolmentsOf(household.enrolments, '2025-06-30')).toMatchObject([{ program: 'DIBAO', status: 'ACTIVE', monthlyAmountFen: 115_000, standardVersionId: 'STD-1' }]);
    // Ended on 2025-10-31 (recorded in September): active until then.
    expect(enrolmentsOf(household.enrolments, '2025-10-01')[0]?.status).toBe('ACTIVE');
    expect(enrolmentsOf(household.enrolments)[0]).toMatchObject({ status: 'ENDED', endDate: '2025-10-31', endReason: 'INCOME_ABOVE_THRESHOLD' });
    expect(membershipOf(household.compositions, '2025-06-30').members.map((member) => member.personKey).sort()).toEqual([`pk-${ELDER}`, `pk-${SON}`].sort());
    expect(membershipOf(household.compositions).members.map((member) => member.personKey)).toEqual([`pk-${ELDER}`]);
    expect(membershipOf(household.compositions).history.find((stay) => stay.personKey === `pk-${SON}`)).toEqual({ personKey: `pk-${SON}`, from: '2025-01-10T02:00:00.000Z', to: '2025-08-01T02:00:00.000Z' });
  });

  it('changes nothing when an event comes again', () => {
    const again = project([...contributions, ...contributions.filter((contribution) => contribution.key === `pk-${ELDER}`)]);
    expect(again.get(`person:pk-${ELDER}`)).toEqual(elder);
    // The summary search reads: everything but facts and timeline, with the number of contributions.
    const summary = summaryDocument(elder, DEFAULT_PRECEDENCE);
    expect(summary).toMatchObject({ _id: `pk-${ELDER}`, contributions: events.length, current: elder.current });
    expect(summary).not.toHaveProperty('facts');
  });

  it('keys contributions by range-safe ids, whatever the household id', () => {
    expect(subjectPrefix('person', 'ab12')).toBe('p:ab12|');
    expect(safeKey('HH-442000101002-0001')).toBe('HH-442000101002-0001');
    expect(safeKey('户 1|<&%')).toBe('%E6%88%B7%201%7C%3C%26%25');
    expect(safeKey('户 1|<&%')).toMatch(/^[#-~]+$/u);
  });

  it('gives the same documents whatever order the events arrive in', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const other = project(shuffled(contributions, seed));
      expect([...other.keys()].sort()).toEqual([...subjects.keys()].sort());
      for (const [key, subject] of subjects) expect(other.get(key)).toEqual(subject);
    }
  });
});
