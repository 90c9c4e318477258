/**
 * What can be recorded as delivered to an elder: the contract's home-service kinds (助餐 MEAL,
 * 助洁 CLEANING, 助医 MEDICAL, 助安 SAFETY, 助学 LEARNING, 助乐 LEISURE, OTHER) plus the age-friendly
 * renovation (适老化改造). The contract's `HomeServiceKind` has no symbol for a renovation, so its
 * `elderly-care.service-delivered` event carries `OTHER`; the service keeps the precise kind.
 */
import type { HomeServiceKind } from '@minzheng/contracts';
import { HOME_SERVICE_KINDS } from './vocabulary.js';

export const RENOVATION = 'AGE_FRIENDLY_RENOVATION';
export const SERVICE_KINDS = [...HOME_SERVICE_KINDS, RENOVATION] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const contractServiceKind = (kind: ServiceKind): HomeServiceKind => (kind === RENOVATION ? 'OTHER' : kind);
