/**
 * Age transitions (DOMAIN.md §8 rule 14, R-E3):
 * - every child turning 18 within the window: an orphan or 事实无人抚养 child needs an adult-orphan
 *   placement plan (成年孤儿安置) ahead of the birthday, and its allowance ends the day before;
 * - a 特困 minor turning 16 within the window stays covered to 18, not 16 (R-E3: the minor age
 *   limit was raised from 16 to 18 [000]).
 */
import type { ChildCategory } from '@minzheng/contracts';
import { isAllowanceCategory } from './allowance.js';
import { addDays, addMonths, birthdayAt, type IsoDate } from './dates.js';

/** R-E3: 特困 minors are covered up to this age (raised from 16) [000]. */
export const TEKUN_MINOR_MAX_AGE = 18;
/** R-E3: the former limit, kept to find children for whom the raise matters. */
export const TEKUN_FORMER_MINOR_MAX_AGE = 16;
export const ADULT_AGE = 18;
/** Default look-ahead of the age-transition list, in months (the brief's default; DOMAIN.md §8 says 30-90 days, P4). */
export const DEFAULT_LOOKAHEAD_MONTHS = 6;

export type TransitionKind = 'TURNS_18' | 'TEKUN_TURNS_16';

export interface AgeTransition {
  readonly kind: TransitionKind;
  readonly date: IsoDate;
  readonly actions: readonly ('ADULT_ORPHAN_PLACEMENT_PLAN' | 'ALLOWANCE_ENDS' | 'TEKUN_COVERAGE_CONTINUES_TO_18' | 'TEKUN_COVERAGE_ENDS')[];
  /** For TEKUN_TURNS_16: the day 特困 coverage ends (the day before the 18th birthday). */
  readonly coverageUntil: IsoDate | null;
}

export interface AgeSubject {
  readonly birthDate: IsoDate;
  readonly category: ChildCategory;
  readonly tekunMinor: boolean;
}

/** The transitions of one child between `today` and `today + months` (both included). */
export function transitionsWithin(child: AgeSubject, today: IsoDate, months: number): AgeTransition[] {
  const until = addMonths(today, months);
  const found: AgeTransition[] = [];
  const adult = birthdayAt(child.birthDate, ADULT_AGE);
  if (adult >= today && adult <= until) {
    const actions: AgeTransition['actions'][number][] = [];
    if (isAllowanceCategory(child.category)) actions.push('ADULT_ORPHAN_PLACEMENT_PLAN', 'ALLOWANCE_ENDS');
    if (child.tekunMinor) actions.push('TEKUN_COVERAGE_ENDS');
    found.push({ kind: 'TURNS_18', date: adult, actions, coverageUntil: child.tekunMinor ? addDays(adult, -1) : null });
  }
  const sixteen = birthdayAt(child.birthDate, TEKUN_FORMER_MINOR_MAX_AGE);
  if (child.tekunMinor && sixteen >= today && sixteen <= until) {
    found.push({ kind: 'TEKUN_TURNS_16', date: sixteen, actions: ['TEKUN_COVERAGE_CONTINUES_TO_18'], coverageUntil: addDays(birthdayAt(child.birthDate, TEKUN_MINOR_MAX_AGE), -1) });
  }
  return found;
}

/** Birth dates whose 16th or 18th birthday falls in the window: the range to query. */
export function birthDateRange(today: IsoDate, months: number, age: number): { from: IsoDate; to: IsoDate } {
  return { from: addMonths(today, -12 * age), to: addMonths(addMonths(today, months), -12 * age) };
}
