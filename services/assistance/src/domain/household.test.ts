import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import {
  applyCompositionChange,
  countedMembersOn,
  headOn,
  membersOn,
  recordComposition,
  validateHouseholdComposition,
  type HouseholdComposition,
  type HouseholdMember,
  type RelationToHead,
} from './household.js';

/** A member living together, full labour capacity, no income, member since 2019-01-01 (fake pseudonymous keys). */
function member(personKey: string, relationToHead: RelationToHead, overrides: Partial<HouseholdMember> = {}): HouseholdMember {
  return { personKey, relationToHead, livingTogether: true, labourCapacity: 'FULL', monthlyIncomeFen: 0, fromDate: '2019-01-01', toDate: null, ...overrides };
}

function family(): HouseholdComposition {
  return recordComposition('H-1', '2021-01-01', [
    member('p-head', 'HEAD', { monthlyIncomeFen: 150_000 }),
    member('p-spouse', 'SPOUSE'),
    member('p-child', 'CHILD', { livingTogether: false }),
  ]);
}

describe('validateHouseholdComposition', () => {
  it('accepts a household with one head and returns it', () => {
    const household = family();
    expect(validateHouseholdComposition(household)).toBe(household);
    expect(household.revision).toBe(0);
  });

  it('refuses a household without members (ASSIST_HOUSEHOLD_EMPTY)', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', []))).toMatchObject(
      { code: 'ASSIST_HOUSEHOLD_EMPTY', statusCode: 400, details: { field: 'members' } },
    );
  });

  it('refuses a household without a head (ASSIST_HOUSEHOLD_NO_HEAD)', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'SPOUSE'), member('b', 'CHILD')]))).toMatchObject(
      { code: 'ASSIST_HOUSEHOLD_NO_HEAD', details: { date: '2019-01-01' } },
    );
  });

  it('refuses two heads at once (ASSIST_HOUSEHOLD_MULTIPLE_HEADS)', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD'), member('b', 'HEAD')]))).toMatchObject(
      { code: 'ASSIST_HOUSEHOLD_MULTIPLE_HEADS', details: { headCount: 2 } },
    );
  });

  it('checks the head on every date: a gap after the head left is refused, successive heads are fine', () => {
    expect(thrownBy(AssistanceError, () =>
      recordComposition('H-1', '2021-01-01', [member('a', 'HEAD', { toDate: '2020-06-30' }), member('b', 'SPOUSE')]),
    )).toMatchObject({ code: 'ASSIST_HOUSEHOLD_NO_HEAD', details: { date: '2020-07-01' } });
    expect(() =>
      recordComposition('H-1', '2021-01-01', [
        member('a', 'HEAD', { toDate: '2020-06-30' }),
        member('b', 'SPOUSE', { toDate: '2020-06-30' }),
        member('b', 'HEAD', { fromDate: '2020-07-01' }),
      ]),
    ).not.toThrow();
    // Overlapping heads for one day.
    expect(thrownBy(AssistanceError, () =>
      recordComposition('H-1', '2021-01-01', [member('a', 'HEAD', { toDate: '2020-07-01' }), member('b', 'HEAD', { fromDate: '2020-07-01' })]),
    )).toMatchObject({ code: 'ASSIST_HOUSEHOLD_MULTIPLE_HEADS', details: { date: '2020-07-01' } });
  });

  it('refuses the same person twice for overlapping periods, allows a rejoin after leaving', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD'), member('b', 'CHILD'), member('b', 'CHILD', { fromDate: '2020-01-01' })]))).toMatchObject(
      { code: 'ASSIST_MEMBER_DUPLICATE', details: { field: 'members.2.personKey', duplicateOf: 'members.1' } },
    );
    expect(() =>
      recordComposition('H-1', '2021-01-01', [member('a', 'HEAD'), member('b', 'CHILD', { toDate: '2019-12-31' }), member('b', 'CHILD', { fromDate: '2020-06-01' })]),
    ).not.toThrow();
  });

  it('refuses fromDate after toDate (ASSIST_DATE_ORDER) and malformed dates', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD'), member('b', 'CHILD', { fromDate: '2020-05-02', toDate: '2020-05-01' })]))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'members.1.toDate' } },
    );
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD', { fromDate: '2020-02-30' })]))).toMatchObject(
      { code: 'ASSIST_INVALID_DATE', details: { field: 'members.0.fromDate' } },
    );
  });

  it('refuses a negative income, naming the member (members.2.monthlyIncomeFen)', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD'), member('b', 'SPOUSE'), member('c', 'CHILD', { monthlyIncomeFen: -100 })]))).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'members.2.monthlyIncomeFen', rule: 'must not be negative' } },
    );
  });

  it('refuses unknown relations, labour capacities, blank keys and ids', () => {
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'COUSIN' as 'OTHER')]))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'members.0.relationToHead' } },
    );
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('a', 'HEAD', { labourCapacity: 'SOME' as 'FULL' })]))).toMatchObject(
      { details: { field: 'members.0.labourCapacity' } },
    );
    expect(thrownBy(AssistanceError, () => recordComposition('H-1', '2021-01-01', [member('', 'HEAD')]))).toMatchObject({ details: { field: 'members.0.personKey' } });
    expect(thrownBy(AssistanceError, () => recordComposition('', '2021-01-01', [member('a', 'HEAD')]))).toMatchObject({ details: { field: 'householdId' } });
  });
});

describe('members on a date', () => {
  it('includes members whose period covers the date, ends inclusive', () => {
    const household = recordComposition('H-1', '2021-01-01', [
      member('a', 'HEAD'),
      member('b', 'CHILD', { toDate: '2020-12-31' }),
      member('c', 'GRANDCHILD', { fromDate: '2021-01-01' }),
    ]);
    expect(membersOn(household, '2020-12-31').map((m) => m.personKey)).toEqual(['a', 'b']);
    expect(membersOn(household, '2021-01-01').map((m) => m.personKey)).toEqual(['a', 'c']);
    expect(membersOn(household, '2018-12-31')).toEqual([]);
    expect(headOn(household, '2021-01-01')?.personKey).toBe('a');
    expect(headOn(household, '2018-12-31')).toBeUndefined();
  });

  it('counts only members living together', () => {
    expect(countedMembersOn(family(), '2021-06-01').map((m) => m.personKey)).toEqual(['p-head', 'p-spouse']);
  });
});

describe('applyCompositionChange', () => {
  it('adds a member from the change date and increments the revision, leaving the previous one untouched', () => {
    const before = family();
    const after = applyCompositionChange(before, { date: '2021-05-10', joins: [{ personKey: 'p-baby', relationToHead: 'CHILD', livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0 }] });
    expect(after.revision).toBe(1);
    expect(after.recordedFrom).toBe('2021-05-10');
    expect(membersOn(after, '2021-05-09').map((m) => m.personKey)).not.toContain('p-baby');
    expect(membersOn(after, '2021-05-10').map((m) => m.personKey)).toContain('p-baby');
    expect(before.members).toHaveLength(3);
  });

  it('closes a leaving member the day before the change date', () => {
    const after = applyCompositionChange(family(), { date: '2021-07-01', leaves: ['p-spouse'] });
    const spouse = after.members.find((m) => m.personKey === 'p-spouse');
    expect(spouse?.toDate).toBe('2021-06-30');
    expect(countedMembersOn(after, '2021-07-01').map((m) => m.personKey)).toEqual(['p-head']);
  });

  it('splits a member record on update so past dates keep the old values', () => {
    const after = applyCompositionChange(family(), { date: '2021-09-01', updates: [{ personKey: 'p-child', livingTogether: true, monthlyIncomeFen: 80_000 }] });
    expect(countedMembersOn(after, '2021-08-31').map((m) => m.personKey)).toEqual(['p-head', 'p-spouse']);
    const child = countedMembersOn(after, '2021-09-01').find((m) => m.personKey === 'p-child');
    expect(child).toMatchObject({ livingTogether: true, monthlyIncomeFen: 80_000, relationToHead: 'CHILD', fromDate: '2021-09-01', toDate: null });
    expect(after.members.filter((m) => m.personKey === 'p-child')).toHaveLength(2);
  });

  it('does not let an explicit undefined erase a value', () => {
    const after = applyCompositionChange(family(), { date: '2021-09-01', updates: [{ personKey: 'p-head', monthlyIncomeFen: undefined, labourCapacity: 'PARTIAL' }] });
    expect(headOn(after, '2021-09-01')).toMatchObject({ monthlyIncomeFen: 150_000, labourCapacity: 'PARTIAL' });
  });

  it('changes the head atomically: the head leaves and the spouse becomes HEAD on the same date', () => {
    const after = applyCompositionChange(family(), {
      date: '2022-01-01',
      leaves: ['p-head'],
      updates: [{ personKey: 'p-spouse', relationToHead: 'HEAD' }, { personKey: 'p-child', relationToHead: 'CHILD' }],
    });
    expect(headOn(after, '2021-12-31')?.personKey).toBe('p-head');
    expect(headOn(after, '2022-01-01')?.personKey).toBe('p-spouse');
  });

  it('refuses a change that leaves the household without a head', () => {
    expect(thrownBy(AssistanceError, () => applyCompositionChange(family(), { date: '2022-01-01', leaves: ['p-head'] }))).toMatchObject(
      { code: 'ASSIST_HOUSEHOLD_NO_HEAD', details: { date: '2022-01-01' } },
    );
  });

  it('allows every member to leave (the household dissolves)', () => {
    const after = applyCompositionChange(family(), { date: '2022-01-01', leaves: ['p-head', 'p-spouse', 'p-child'] });
    expect(membersOn(after, '2022-01-01')).toEqual([]);
  });

  it('refuses a change dated before the previous recording (ASSIST_DATE_ORDER)', () => {
    expect(thrownBy(AssistanceError, () => applyCompositionChange(family(), { date: '2020-12-31', leaves: ['p-child'] }))).toMatchObject(
      { code: 'ASSIST_DATE_ORDER', details: { field: 'change.date' } },
    );
  });

  it('refuses leaving or updating someone who is not a member (ASSIST_UNKNOWN_MEMBER)', () => {
    expect(thrownBy(AssistanceError, () => applyCompositionChange(family(), { date: '2021-02-01', leaves: ['p-stranger'] }))).toMatchObject(
      { code: 'ASSIST_UNKNOWN_MEMBER', details: { field: 'change.leaves.0' } },
    );
    const left = applyCompositionChange(family(), { date: '2021-02-01', leaves: ['p-child'] });
    expect(thrownBy(AssistanceError, () => applyCompositionChange(left, { date: '2021-03-01', updates: [{ personKey: 'p-child', livingTogether: true }] }))).toMatchObject(
      { code: 'ASSIST_UNKNOWN_MEMBER', details: { field: 'change.updates.0.personKey' } },
    );
  });

  it('refuses joining a current member or naming a person twice (ASSIST_MEMBER_DUPLICATE), allows a rejoin', () => {
    const join = { personKey: 'p-spouse', relationToHead: 'SPOUSE' as const, livingTogether: true, labourCapacity: 'FULL' as const, monthlyIncomeFen: 0 };
    expect(thrownBy(AssistanceError, () => applyCompositionChange(family(), { date: '2021-02-01', joins: [join] }))).toMatchObject(
      { code: 'ASSIST_MEMBER_DUPLICATE', details: { field: 'change.joins.0.personKey' } },
    );
    expect(thrownBy(AssistanceError, () => applyCompositionChange(family(), { date: '2021-02-01', leaves: ['p-child'], updates: [{ personKey: 'p-child', livingTogether: true }] }))).toMatchObject(
      { code: 'ASSIST_MEMBER_DUPLICATE' },
    );
    const left = applyCompositionChange(family(), { date: '2021-02-01', leaves: ['p-spouse'] });
    const back = applyCompositionChange(left, { date: '2021-08-01', joins: [join] });
    expect(membersOn(back, '2021-05-01').map((m) => m.personKey)).not.toContain('p-spouse');
    expect(membersOn(back, '2021-08-01').map((m) => m.personKey)).toContain('p-spouse');
  });

  it('replaces the record when a member joined on the change date itself', () => {
    const joined = applyCompositionChange(family(), { date: '2021-05-10', joins: [{ personKey: 'p-baby', relationToHead: 'CHILD', livingTogether: true, labourCapacity: 'NONE', monthlyIncomeFen: 0 }] });
    const corrected = applyCompositionChange(joined, { date: '2021-05-10', updates: [{ personKey: 'p-baby', relationToHead: 'GRANDCHILD' }] });
    expect(corrected.members.filter((m) => m.personKey === 'p-baby')).toMatchObject([{ relationToHead: 'GRANDCHILD', fromDate: '2021-05-10' }]);
    const gone = applyCompositionChange(joined, { date: '2021-05-10', leaves: ['p-baby'] });
    expect(gone.members.some((m) => m.personKey === 'p-baby')).toBe(false);
  });
});
