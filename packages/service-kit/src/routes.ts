/**
 * What every service's route files share: pagination (query, response schema, defaults), the
 * error responses, region-code query parameters, and the caller of a closed route.
 */
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import type { Principal } from './auth.js';
import type { Page } from './repository.js';

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1, description: '页码，从1开始 (page, from 1)' }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: '每页条数，最多200 (items per page, at most 200)' }),
});

/** A page of `item`; its OpenAPI example is a page holding the item's first example. */
export function pageSchema<T extends TSchema>(item: T) {
  // TypeBox keeps JSON-schema keywords such as `examples` on the schema object; its types do not list them.
  const examples: unknown = Reflect.get(item, 'examples');
  const example: unknown = Array.isArray(examples) ? examples[0] : undefined;
  return Type.Object(
    {
      items: Type.Array(item),
      page: Type.Integer(),
      pageSize: Type.Integer(),
      total: Type.Integer({ description: '符合条件的总数 (total matching)' }),
    },
    example === undefined ? {} : { examples: [{ items: [example], page: 1, pageSize: 20, total: 1 }] },
  );
}

export const pageOf = (query: { page?: number; pageSize?: number }): Page => ({ page: query.page ?? 1, pageSize: query.pageSize ?? 20 });

/** A region-code prefix: 6 digits (city/county), 9 (镇街) or 12 (村居). */
export const RegionCodeSchema = Type.String({ pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$', description: '区划代码前缀：6位市/区县，9位镇街，12位村居 (region code prefix)' });

/** The error answers every route may give, in the one format (`ErrorResponse`). */
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
