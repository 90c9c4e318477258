/** The routing table in force, and a check of a candidate table before it is deployed. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses } from '@minzheng/service-kit/routes';
import type { AlertingDeps } from '../deps.js';
import { AlertErrors } from '../errors.js';
import { RoutingTable, RoutingTableError } from '../routing/routing-table.js';

export function routingRoutes(app: App, deps: AlertingDeps): void {
  app.get('/routing', {
    config: { roles: ['supervisor', 'admin'] },
    schema: {
      tags: ['routing'],
      summary: '现行路由表：路由规则、各紧急程度时限、升级链、工作人员名册 (the routing table in force)',
      response: { 200: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, description: 'the table (see config/routing.json and the README for its fields)', examples: [deps.routing.input] }), ...errorResponses },
    },
  }, () => deps.routing.input);

  app.post('/routing/validate', {
    config: { roles: ['supervisor', 'admin'] },
    schema: {
      tags: ['routing'],
      summary: '校验候选路由表（不生效；部署新版本前检查） (validate a candidate table; it is not put in force)',
      description: '通过：200 与版本号；不通过：400 ROUTING_INVALID，details.problems 列出每处问题的路径与规则。新路由表以配置文件 MZ_ROUTING_FILE 部署。',
      body: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, description: '候选路由表 (a routing table: checked field by field by the service, every problem named)', examples: [deps.routing.input] }),
      response: { 200: Type.Object({ valid: Type.Literal(true), version: Type.String(), routes: Type.Integer(), staff: Type.Integer() }, { examples: [{ valid: true, version: '2026-12-07.1', routes: 3, staff: 0 }] }), ...errorResponses },
    },
  }, (request) => {
    try {
      const table = RoutingTable.parse(request.body);
      return { valid: true as const, version: table.version, routes: table.input.routes.length, staff: table.input.staff.length };
    } catch (error) {
      if (error instanceof RoutingTableError) throw AlertErrors.routingInvalid(error.problems);
      throw error;
    }
  });
}
