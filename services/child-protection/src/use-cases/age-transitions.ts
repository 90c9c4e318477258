/**
 * Age transitions in the caller's jurisdiction (DOMAIN.md §8 rule 14, R-E3): children turning 18
 * within N months (adult-orphan placement planned ahead of the birthday; the allowance ends the day
 * before), and 特困 minors turning 16, whose coverage continues to 18.
 */
import type { Principal } from '@minzheng/service-kit/auth';
import { readScope } from '../access.js';
import type { StoredChild } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { ADULT_AGE, birthDateRange, TEKUN_FORMER_MINOR_MAX_AGE, transitionsWithin, type AgeTransition } from '../domain/age.js';
import { addDays } from '../domain/dates.js';

export async function ageTransitions(deps: ChildDeps, principal: Principal, months: number, regionCode: string | undefined): Promise<{ child: StoredChild; transition: AgeTransition }[]> {
  const today = chinaToday(deps.now());
  const scope = readScope(principal, regionCode);
  if (scope === null) return [];
  const found = new Map<string, StoredChild>();
  for (const age of [ADULT_AGE, TEKUN_FORMER_MINOR_MAX_AGE]) {
    const range = birthDateRange(today, months, age);
    // One day wider on each side: 29 February birthdays fall on 1 March in common years.
    for (const child of await deps.children.bornBetween(scope, addDays(range.from, -1), addDays(range.to, 1))) found.set(child._id, child);
  }
  return [...found.values()]
    .flatMap((child) => transitionsWithin(child, today, months).map((transition) => ({ child, transition })))
    .sort((a, b) => a.transition.date.localeCompare(b.transition.date) || a.child._id.localeCompare(b.child._id));
}
