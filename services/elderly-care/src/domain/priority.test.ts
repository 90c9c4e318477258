import { describe, expect, it } from 'vitest';
import { priorityGroups } from './priority.js';

const facts = { livingArrangement: 'WITH_FAMILY' as const, leftBehind: false, severelyDisabled: false, lostOnlyChildFamily: false, careDependencyLevel: null };

describe('priorityGroups', () => {
  it('is empty for an elder living with family with no other mark', () => {
    expect(priorityGroups(facts)).toEqual([]);
  });

  it('lists each group the facts give: alone, empty nest, left behind, 失能 (SEVERE only), 重残, lost only child', () => {
    expect(priorityGroups({ ...facts, livingArrangement: 'ALONE' })).toEqual(['LIVING_ALONE']);
    expect(priorityGroups({ ...facts, livingArrangement: 'EMPTY_NEST', leftBehind: true })).toEqual(['EMPTY_NEST', 'LEFT_BEHIND']);
    expect(priorityGroups({ ...facts, careDependencyLevel: 'SEVERE', severelyDisabled: true, lostOnlyChildFamily: true })).toEqual(['DISABLED', 'SEVERELY_DISABLED', 'LOST_ONLY_CHILD']);
    expect(priorityGroups({ ...facts, careDependencyLevel: 'MODERATE' })).toEqual([]);
  });
});
