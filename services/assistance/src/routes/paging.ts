/** The pagination every list route takes and returns. */
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import type { Page } from '../scope.js';

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
