/**
 * 特殊困难老年人 (specially difficult elders): the priority groups for monitoring and the monthly
 * visit (月探访率 100% by 2025, DOMAIN.md §1.2 "Visiting" and §3): 空巢 (empty-nest; living alone,
 * 独居, is counted here too, as §3 lists it), 留守 (left-behind), 失能 (disabled: the latest valid
 * assessment is SEVERE, 重度失能), 重残 (severely disabled) and 计划生育特殊家庭 (lost an only child).
 */
import type { CareDependencyLevel, LivingArrangement } from '@minzheng/contracts';

export const PRIORITY_GROUPS = ['LIVING_ALONE', 'EMPTY_NEST', 'LEFT_BEHIND', 'DISABLED', 'SEVERELY_DISABLED', 'LOST_ONLY_CHILD'] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export interface PriorityFacts {
  readonly livingArrangement: LivingArrangement;
  readonly leftBehind: boolean;
  readonly severelyDisabled: boolean;
  readonly lostOnlyChildFamily: boolean;
  /** The latest valid assessment's level, or null. */
  readonly careDependencyLevel: CareDependencyLevel | null;
}

export function priorityGroups(facts: PriorityFacts): PriorityGroup[] {
  const groups: PriorityGroup[] = [];
  if (facts.livingArrangement === 'ALONE') groups.push('LIVING_ALONE');
  if (facts.livingArrangement === 'EMPTY_NEST') groups.push('EMPTY_NEST');
  if (facts.leftBehind) groups.push('LEFT_BEHIND');
  if (facts.careDependencyLevel === 'SEVERE') groups.push('DISABLED');
  if (facts.severelyDisabled) groups.push('SEVERELY_DISABLED');
  if (facts.lostOnlyChildFamily) groups.push('LOST_ONLY_CHILD');
  return groups;
}
