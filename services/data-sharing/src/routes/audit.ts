/** 访问审计 (the access audit): who saw whose data in full, when and why. Read-only through the API. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses } from '@minzheng/service-kit/routes';
import type { DataSharingDeps } from '../deps.js';
import { AccessRecordView, ACCESS_RECORD_EXAMPLE } from './views.js';

export function auditRoutes(app: App, deps: DataSharingDeps): void {
  app.get('/access-audit', {
    config: { roles: ['supervisor', 'admin'] },
    schema: {
      tags: ['audit'],
      summary: '查询某人被查看的记录（最近在前） (who saw a person\'s data in full, newest first)',
      description: '审计记录只追加，接口不提供修改或删除。',
      querystring: Type.Object({
        personKey: Type.String({ pattern: '^[0-9a-f]{64}$', description: '人员假名键 (pseudonym)' }),
        limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
      }),
      response: { 200: Type.Object({ items: Type.Array(AccessRecordView) }, { examples: [{ items: [ACCESS_RECORD_EXAMPLE] }] }), ...errorResponses },
    },
  }, async (request) => {
    const records = await deps.audit.about(request.query.personKey, request.query.limit);
    return { items: records.map((record) => ({ ...record, at: record.at.toISOString(), roles: [...record.roles], personKeys: [...record.personKeys] })) };
  });
}
