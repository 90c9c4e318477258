/**
 * What can be recorded as delivered to an elder: the contract's home-service kinds (助餐 MEAL,
 * 助洁 CLEANING, 助医 MEDICAL, 助安 SAFETY, 助学 LEARNING, 助乐 LEISURE, OTHER) and the age-friendly
 * renovation (适老化改造, AGE_FRIENDLY_RENOVATION). The renovation joined the contract's
 * `HomeServiceKind` in version 2 of `elderly-care.service-delivered`, so every kind is published as
 * recorded (version 1 had no renovation symbol: older events carry OTHER for a renovation).
 */
import { HOME_SERVICE_KINDS } from './vocabulary.js';

export const SERVICE_KINDS = HOME_SERVICE_KINDS;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
