/** What every route file shares: the error responses and the caller. */
import { Type } from '@fastify/type-provider-typebox';
import type { Principal } from '@minzheng/service-kit/auth';

export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  409: Type.Ref('ErrorResponse'),
  422: Type.Ref('ErrorResponse'),
};

/** The caller of a closed route (the kit's auth hook has set it). */
export function principalOf(request: { principal: Principal | undefined }): Principal {
  if (!request.principal) throw new Error('route without principal');
  return request.principal;
}
