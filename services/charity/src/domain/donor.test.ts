import { describe, expect, it } from 'vitest';
import { thrown } from '../test-support/thrown.js';
import { requireFundedAidKind } from './aid-kinds.js';
import { checkDonor } from './donor.js';

describe('donor kinds', () => {
  it('accepts each kind with the fields it needs', () => {
    expect(() => { checkDonor({ donorKind: 'INDIVIDUAL', donor: { idNumber: 'x' } }); }).not.toThrow();
    expect(() => { checkDonor({ donorKind: 'ENTERPRISE', donorOrganisationName: '某公司' }); }).not.toThrow();
    expect(() => { checkDonor({ donorKind: 'ANONYMOUS' }); }).not.toThrow();
    expect(() => { checkDonor({ donorKind: 'OTHER', donorOrganisationName: '某村民小组' }); }).not.toThrow();
  });

  it.each([
    ['an individual without a person', { donorKind: 'INDIVIDUAL' as const }, 'donor'],
    ['an enterprise without a name', { donorKind: 'ENTERPRISE' as const }, 'donorOrganisationName'],
    ['an enterprise with a person', { donorKind: 'SOCIAL_ORGANISATION' as const, donorOrganisationName: '某会', donor: { idNumber: 'x' } }, 'donor'],
    ['an anonymous donor with a person', { donorKind: 'ANONYMOUS' as const, donor: { idNumber: 'x' } }, 'donor'],
    ['an anonymous donor with a name', { donorKind: 'ANONYMOUS' as const, donorOrganisationName: '某公司' }, 'donorOrganisationName'],
  ])('refuses %s, naming the field', (_case, input, field) => {
    expect(thrown(() => { checkDonor(input); })).toMatchObject({ code: 'CHARITY_DONOR_MISMATCH', details: { field } });
  });
});

describe('aid a campaign funds', () => {
  it('a purpose campaign funds its purpose only; a micro-fund funds any aid', () => {
    expect(() => { requireFundedAidKind('EDUCATION', 'EDUCATION', 'C'); }).not.toThrow();
    expect(() => { requireFundedAidKind('HOUSING', 'HOUSING_RENOVATION', 'C'); }).not.toThrow();
    expect(() => { requireFundedAidKind('EDUCATION', 'MAJOR_ILLNESS', 'C'); }).toThrow(expect.objectContaining({ code: 'CHARITY_AID_KIND_MISMATCH', statusCode: 422 }));
    expect(() => { requireFundedAidKind('MICRO_FUND', 'DISASTER_RELIEF', 'C'); }).not.toThrow();
  });
});
