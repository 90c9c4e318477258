/** Checks every use case shares: region in the table and in the caller's jurisdiction, dates, persons. */
import { createHash } from 'node:crypto';
import type { PersonRef } from '@minzheng/contracts';
import { requireRegion } from '@minzheng/identity/regions';
import { parseResidentId } from '@minzheng/identity/resident-id';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { atField } from '@minzheng/service-kit/errors';
import { chinaToday, type CharityDeps } from '../deps.js';
import { CharityError, dateInFuture } from '../domain/errors.js';
import { seal, type PersonField } from '../protect.js';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A known region code inside the caller's jurisdiction. */
export function checkRegion(deps: CharityDeps, principal: Principal, regionCode: string, field = 'regionCode'): void {
  atField(field, () => requireRegion(regionCode, chinaToday(deps.now()), field));
  requireJurisdiction(principal, regionCode);
}

/** A business date: given or today, never after today, never before `notBefore`. */
export function businessDate(deps: CharityDeps, given: string | undefined, field: string, notBefore?: { date: string; what: string }): string {
  const today = chinaToday(deps.now());
  const date = given ?? today;
  if (date > today) throw dateInFuture(field);
  if (notBefore !== undefined && date < notBefore.date) {
    throw new CharityError('CHARITY_DATE_ORDER', `${field}: 日期不能早于${notBefore.what} ${notBefore.date} (must not be before ${notBefore.date})`, { field, rule: `must not be before ${notBefore.what}`, notBefore: notBefore.date });
  }
  return date;
}

export interface CheckedPerson {
  readonly personKey: string;
  readonly idNumber: string;
  readonly name: string | null;
}

/** An ID number checked per GB 11643 (the coded error names `field`), with its pseudonym. */
export function checkPerson(deps: CharityDeps, person: { idNumber: string; name?: string }, field: string): CheckedPerson {
  const info = atField(`${field}.idNumber`, () => parseResidentId(person.idNumber, deps.now()));
  return { personKey: deps.pseudonymizer.personKey(info.normalized), idNumber: info.normalized, name: person.name ?? null };
}

/** The person's sealed ID number and name for a record (`context(field)` binds each token). */
export function sealPerson(deps: CharityDeps, person: CheckedPerson, context: (field: PersonField) => string): { idNumber: string; name: string | null } {
  return { idNumber: seal(deps.keyring, person.idNumber, context('idNumber')), name: person.name === null ? null : seal(deps.keyring, person.name, context('name')) };
}

export const personRef = (person: CheckedPerson): PersonRef => ({ personKey: person.personKey, idNumber: person.idNumber, name: person.name });
