/**
 * Who sees what of a person (ARCHITECTURE.md, personal data): analysts see masked values only;
 * caseworkers, supervisors and child-protection staff see a profile in full inside their
 * jurisdiction, and only with a stated purpose or case reference (`X-Access-Purpose`), each such
 * read appended to the access audit. Everyone else on the API sees masked values. Search results
 * and lists are always masked.
 */
import { PURPOSE_HEADER } from '@minzheng/service-kit/audit';
import { hasRole, withinJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import type { FastifyRequest } from 'fastify';
import { dataSharingError } from './errors.js';

export const VIEWS = ['masked', 'full'] as const;
export type View = (typeof VIEWS)[number];

/** Throws unless the caller may see, in full, a subject living in `regionCode`; returns the stated purpose. */
export function requireFullView(request: FastifyRequest, principal: Principal, regionCode: string | null): string {
  if (!hasRole(principal, 'caseworker', 'supervisor', 'child-protection', 'admin')) {
    throw dataSharingError('DS_FULL_VIEW_FORBIDDEN', '无权查看完整信息 (analysts and department systems see masked values only)', { field: 'view', rule: 'a full view is for caseworkers, supervisors and child-protection staff' });
  }
  if (regionCode === null || !withinJurisdiction(principal, regionCode)) {
    throw dataSharingError('DS_FULL_VIEW_FORBIDDEN', `无权查看辖区外人员的完整信息 (the subject lives in ${regionCode ?? 'an unknown region'}, outside jurisdiction ${principal.jurisdiction})`, { field: 'view', rule: 'a full view only inside the caller\'s jurisdiction', regionCode, jurisdiction: principal.jurisdiction });
  }
  const purpose = request.headers[PURPOSE_HEADER];
  if (typeof purpose !== 'string' || purpose.trim() === '') {
    throw dataSharingError('DS_PURPOSE_REQUIRED', '查看完整信息须说明访问事由 (send the purpose or case reference in X-Access-Purpose, percent-encoded)', { field: 'X-Access-Purpose', rule: 'a full view needs a stated purpose or case reference' });
  }
  return purpose;
}
