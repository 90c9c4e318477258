/**
 * The strictest access of the platform: children's and guardians' names, ID numbers, free text and
 * reports are shown in clear only to the `child-protection` role (儿童主任, 儿童督导员, 未成年人保护工作站),
 * inside its jurisdiction (the repositories scope every read and write to it), and every such read
 * is audited. Every other role (caseworker, supervisor, analyst, admin, department-system) sees
 * masked values, no free text, or aggregates only.
 */
import { hasRole, type Principal } from '@minzheng/service-kit/auth';

export const seesChildData = (principal: Principal): boolean => hasRole(principal, 'child-protection');

/** Roles that may read masked child records (and aggregates). */
export const MASKED_READERS = ['caseworker', 'supervisor', 'analyst', 'admin'] as const;
export const ALL_READERS = ['child-protection', ...MASKED_READERS] as const;

/**
 * The region a read covers: the requested prefix when it lies inside the jurisdiction, the whole
 * jurisdiction when the request names a wider region (or none), `null` when it names a disjoint one.
 */
export function readScope(principal: Principal, regionCode: string | undefined): string | null {
  if (regionCode === undefined || principal.jurisdiction.startsWith(regionCode)) return principal.jurisdiction;
  return regionCode.startsWith(principal.jurisdiction) ? regionCode : null;
}
