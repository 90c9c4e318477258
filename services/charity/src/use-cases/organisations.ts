/**
 * 慈善组织登记: credit code per GB 32100, region in the table and in the caller's jurisdiction.
 * Stored with `charity.organisation-registered` in one insert, keyed by the credit code (an
 * organisation has no person or household; campaigns cite the code as organiserId).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { CharityDeps } from '../deps.js';
import { CharityError } from '../domain/errors.js';
import { parseUscc } from '../domain/uscc.js';
import { envelope } from '../events.js';
import type { StoredOrganisation } from '../organisations/organisation.schema.js';
import { businessDate, checkRegion } from './common.js';

export interface RegisterOrganisationInput {
  readonly creditCode: string;
  readonly name: string;
  readonly form: StoredOrganisation['form'];
  readonly regionCode: string;
  readonly recognisedDate?: string;
  readonly publicFundraising: boolean;
}

export async function registerOrganisation(deps: CharityDeps, principal: Principal, input: RegisterOrganisationInput): Promise<StoredOrganisation> {
  const { code } = parseUscc(input.creditCode, 'creditCode');
  checkRegion(deps, principal, input.regionCode);
  const recognisedDate = input.recognisedDate === undefined ? null : businessDate(deps, input.recognisedDate, 'recognisedDate');
  const now = deps.now();
  const organisation: StoredOrganisation = {
    _id: code,
    name: input.name.trim(),
    form: input.form,
    regionCode: input.regionCode,
    recognisedDate,
    publicFundraising: input.publicFundraising,
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('charity.organisation-registered', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: code, regionCode: input.regionCode, person: null }, now),
    creditCode: code,
    organisationName: organisation.name,
    organisationForm: organisation.form,
    recognisedDate,
    publicFundraising: input.publicFundraising,
    registeredById: principal.subject,
  }, { key: code });
  const { outbox: _outbox, outboxPending: _pending, ...record } = organisation;
  try {
    await deps.organisations.insert(record, [event]);
  } catch (error) {
    if (isDuplicateKey(error)) {
      throw new CharityError('CHARITY_ORGANISATION_EXISTS', `creditCode: 该统一社会信用代码已登记 (an organisation with credit code ${code} is already registered)`, { field: 'creditCode', rule: 'one registration per credit code', creditCode: code });
    }
    throw error;
  }
  return organisation;
}
