/**
 * Who gave: an individual (a person, by ID number), an enterprise or social organisation (by
 * name), anonymous (nothing), or other (an optional name). The donation-received and
 * micro-wish-fulfilled events carry exactly that split (`donor` or `donorOrganisationName`).
 */
import type { DonorKind } from '@minzheng/contracts';
import { CharityError } from './errors.js';

export const DONOR_KINDS = ['INDIVIDUAL', 'ENTERPRISE', 'SOCIAL_ORGANISATION', 'ANONYMOUS', 'OTHER'] as const satisfies readonly DonorKind[];

export interface DonorInput {
  readonly donorKind: DonorKind;
  readonly donor?: { readonly idNumber: string; readonly name?: string } | undefined;
  readonly donorOrganisationName?: string | undefined;
}

const mismatch = (field: string, rule: string, donorKind: DonorKind): CharityError =>
  new CharityError('CHARITY_DONOR_MISMATCH', `${field}: 捐赠人信息与捐赠人类型 ${donorKind} 不符 (${rule})`, { field, rule, donorKind });

/** Refuses a donor that does not fit its kind; `prefix` is the input path (`` or `claim.`). */
export function checkDonor(input: DonorInput, prefix = ''): void {
  const { donorKind, donor, donorOrganisationName } = input;
  switch (donorKind) {
    case 'INDIVIDUAL':
      if (donor === undefined) throw mismatch(`${prefix}donor`, 'an individual donor needs donor.idNumber', donorKind);
      if (donorOrganisationName !== undefined) throw mismatch(`${prefix}donorOrganisationName`, 'an individual donor has no organisation name', donorKind);
      return;
    case 'ENTERPRISE':
    case 'SOCIAL_ORGANISATION':
      if (donorOrganisationName === undefined || donorOrganisationName.trim() === '') throw mismatch(`${prefix}donorOrganisationName`, 'an enterprise or organisation donor needs its name', donorKind);
      if (donor !== undefined) throw mismatch(`${prefix}donor`, 'an organisation donor has no person', donorKind);
      return;
    case 'ANONYMOUS':
      if (donor !== undefined) throw mismatch(`${prefix}donor`, 'an anonymous donor gives no person', donorKind);
      if (donorOrganisationName !== undefined) throw mismatch(`${prefix}donorOrganisationName`, 'an anonymous donor gives no name', donorKind);
      return;
    case 'OTHER':
      if (donor !== undefined) throw mismatch(`${prefix}donor`, 'only an INDIVIDUAL donor gives a person', donorKind);
      return;
  }
}
