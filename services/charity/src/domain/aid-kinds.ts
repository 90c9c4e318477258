/**
 * Which aid a campaign funds: a campaign raised for one purpose pays aid of that purpose only
 * (donors gave for it); micro-funds, venture funds and OTHER campaigns pay any kind.
 */
import type { CampaignKind, CharityAidKind } from '@minzheng/contracts';
import { CharityError } from './errors.js';

export const AID_KINDS = ['MAJOR_ILLNESS', 'EDUCATION', 'HOUSING_RENOVATION', 'TEMPORARY_HARDSHIP', 'DISASTER_RELIEF', 'ELDERLY', 'DISABILITY', 'OTHER'] as const satisfies readonly CharityAidKind[];

const FUNDED: Readonly<Record<CampaignKind, readonly CharityAidKind[] | 'any'>> = {
  MAJOR_ILLNESS: ['MAJOR_ILLNESS'],
  EDUCATION: ['EDUCATION'],
  HOUSING: ['HOUSING_RENOVATION'],
  DISASTER_RELIEF: ['DISASTER_RELIEF'],
  ELDERLY: ['ELDERLY'],
  DISABILITY: ['DISABILITY'],
  MICRO_FUND: 'any',
  PUBLIC_INTEREST_VENTURE: 'any',
  OTHER: 'any',
};

export function requireFundedAidKind(campaignKind: CampaignKind, aidKind: CharityAidKind, campaignId: string): void {
  const funded = FUNDED[campaignKind];
  if (funded !== 'any' && !funded.includes(aidKind)) {
    throw new CharityError('CHARITY_AID_KIND_MISMATCH', `aidKind: ${campaignKind} 类募捐活动不能发放 ${aidKind} 帮扶 (a ${campaignKind} campaign does not fund ${aidKind} aid)`, {
      field: 'aidKind',
      rule: 'a campaign raised for one purpose pays aid of that purpose only',
      campaignId,
      campaignKind,
      fundedAidKinds: funded,
    });
  }
}
