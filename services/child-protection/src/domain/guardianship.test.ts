import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { ChildError } from './errors.js';
import { applyGuardianChange, assertCategoryFits, assertDistinctGuardians, hasEffectiveGuardian, type GuardianState } from './guardianship.js';

const father: GuardianState = { personKey: 'f', relation: 'FATHER', situation: 'ABLE' };
const mother: GuardianState = { personKey: 'm', relation: 'MOTHER', situation: 'WORKING_AWAY' };
const state = (guardians: GuardianState[], extra: { institutionId?: string; temporaryGuardianshipFrom?: string } = {}) => ({ guardians, institutionId: extra.institutionId ?? null, temporaryGuardianshipFrom: extra.temporaryGuardianshipFrom ?? null });

describe('hasEffectiveGuardian', () => {
  it('is true with an able or working-away guardian, an institution, or temporary guardianship by civil affairs', () => {
    expect(hasEffectiveGuardian(state([father]))).toBe(true);
    expect(hasEffectiveGuardian(state([{ ...mother }]))).toBe(true);
    expect(hasEffectiveGuardian(state([], { institutionId: 'INST-1' }))).toBe(true);
    expect(hasEffectiveGuardian(state([{ ...father, situation: 'DECEASED' }], { temporaryGuardianshipFrom: '2026-10-01' }))).toBe(true);
  });

  it('is false when every guardian cannot exercise guardianship, null when only OTHER remain', () => {
    expect(hasEffectiveGuardian(state([{ ...father, situation: 'DETAINED' }, { ...mother, situation: 'MISSING' }]))).toBe(false);
    expect(hasEffectiveGuardian(state([]))).toBe(false);
    expect(hasEffectiveGuardian(state([{ ...father, situation: 'DECEASED' }, { ...mother, situation: 'OTHER' }]))).toBeNull();
  });
});

describe('applyGuardianChange', () => {
  it('sets the situation the change implies', () => {
    expect(applyGuardianChange([father, mother], 'DEATH', 'f')[0]?.situation).toBe('DECEASED');
    expect(applyGuardianChange([father, mother], 'DETENTION', 'm')[1]?.situation).toBe('DETAINED');
    expect(applyGuardianChange([father], 'REVOKED', 'f')[0]?.situation).toBe('GUARDIANSHIP_REVOKED');
    expect(applyGuardianChange([father], 'OTHER', 'f', 'SEVERELY_DISABLED')[0]?.situation).toBe('SEVERELY_DISABLED');
    expect(applyGuardianChange([father], 'TEMPORARY_GUARDIANSHIP_BY_CIVIL_AFFAIRS', 'f')[0]?.situation).toBe('ABLE');
  });

  it('refuses an unknown guardian, a change to a deceased guardian, and appointing a current effective guardian', () => {
    expect(thrownBy(ChildError, () => applyGuardianChange([father], 'DEATH', 'x'))).toMatchObject({ code: 'CHILD_UNKNOWN_GUARDIAN', details: { field: 'guardianPersonKey' } });
    expect(thrownBy(ChildError, () => applyGuardianChange([{ ...father, situation: 'DECEASED' }], 'DETENTION', 'f'))).toMatchObject({ code: 'CHILD_ILLEGAL_GUARDIANSHIP_CHANGE' });
    expect(thrownBy(ChildError, () => applyGuardianChange([father], 'NEW_GUARDIAN_APPOINTED', 'f'))).toMatchObject({ code: 'CHILD_GUARDIAN_DUPLICATE' });
    expect(thrownBy(ChildError, () => applyGuardianChange([{ ...father, situation: 'DECEASED' }], 'NEW_GUARDIAN_APPOINTED', 'f'))).toMatchObject({ code: 'CHILD_ILLEGAL_GUARDIANSHIP_CHANGE' });
    // A released parent may be appointed again: the old entry gives way.
    expect(applyGuardianChange([{ ...father, situation: 'DETAINED' }, mother], 'NEW_GUARDIAN_APPOINTED', 'f')).toEqual([mother]);
  });
});

describe('assertCategoryFits', () => {
  it('orphans need deceased parents, 事实无人抚养 needs parents unable, institutional needs an institution', () => {
    expect(() => { assertCategoryFits('SCATTERED_ORPHAN', state([{ ...father, situation: 'DECEASED' }, { ...mother, situation: 'DECEASED' }])); }).not.toThrow();
    expect(thrownBy(ChildError, () => { assertCategoryFits('SCATTERED_ORPHAN', state([{ ...father, situation: 'DECEASED' }, mother])); })).toMatchObject({ code: 'CHILD_CATEGORY_NOT_ALLOWED', statusCode: 422 });
    expect(() => { assertCategoryFits('DEFACTO_UNSUPPORTED', state([{ ...father, situation: 'DETAINED' }, { ...mother, situation: 'MISSING' }, { personKey: 'g', relation: 'GRANDPARENT', situation: 'ABLE' }])); }).not.toThrow();
    expect(thrownBy(ChildError, () => { assertCategoryFits('DEFACTO_UNSUPPORTED', state([{ ...father, situation: 'DETAINED' }, mother]), 'newCategory'); })).toMatchObject({ details: { field: 'newCategory' } });
    expect(thrownBy(ChildError, () => { assertCategoryFits('INSTITUTIONAL_ORPHAN', state([])); })).toMatchObject({ code: 'CHILD_CATEGORY_NOT_ALLOWED' });
    expect(() => { assertCategoryFits('LEFT_BEHIND', state([father, mother])); }).not.toThrow();
  });

  it('refuses a guardian listed twice or the child as its own guardian', () => {
    expect(thrownBy(ChildError, () => { assertDistinctGuardians('c', ['a', 'a']); })).toMatchObject({ code: 'CHILD_GUARDIAN_DUPLICATE', details: { field: 'guardians.1.idNumber' } });
    expect(thrownBy(ChildError, () => { assertDistinctGuardians('c', ['c']); })).toMatchObject({ code: 'CHILD_GUARDIAN_DUPLICATE' });
  });
});
