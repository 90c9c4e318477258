/** 部门客户端 (department clients) and their allow-lists: admin only. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses, principalOf } from '@minzheng/service-kit/routes';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { StoredClient } from '../clients/client.schema.js';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';
import { CLIENT_EXAMPLE, ClientView, type ClientView as ClientViewType } from './views.js';

const DEPARTMENTS = ['CIVIL_AFFAIRS_ASSISTANCE', 'CIVIL_AFFAIRS_ELDERLY_CARE', 'CIVIL_AFFAIRS_CHILD_PROTECTION', 'CIVIL_AFFAIRS_CHARITY', 'CIVIL_AFFAIRS_PLATFORM', 'PUBLIC_SECURITY', 'MEDICAL_INSURANCE', 'HEALTH', 'DISABLED_PERSONS_FEDERATION', 'HUMAN_RESOURCES', 'EDUCATION', 'HOUSING', 'WATER', 'HOTLINE_12345', 'EMERGENCY_MANAGEMENT', 'OTHER'] as const;

const view = (client: StoredClient): ClientViewType => ({
  id: client._id,
  name: client.name,
  department: client.department,
  allowedEventTypes: [...client.allowedEventTypes],
  active: client.active,
  version: client.version,
  createdBy: client.createdBy,
  createdAt: client.createdAt.toISOString(),
  updatedAt: client.updatedAt.toISOString(),
});

function checkEventTypes(deps: ExchangeDeps, eventTypes: readonly string[]): void {
  eventTypes.forEach((eventType, index) => {
    if (!deps.registry.has(eventType)) {
      throw exchangeError('EXCH_UNKNOWN_EVENT_TYPE', `allowedEventTypes.${String(index)}: 事件类型不存在 (no event type ${eventType} in the catalog)`, { field: `allowedEventTypes.${String(index)}`, rule: 'must be a cataloged event type', eventType });
    }
  });
}

export function clientRoutes(app: App, deps: ExchangeDeps): void {
  app.post('/clients', {
    config: { roles: ['admin'], idempotent: true },
    schema: {
      tags: ['clients'],
      summary: '登记部门客户端及其允许报送的事件类型 (register a department client and its allow-list)',
      description: '客户端以平台 JWT 认证：角色 department-system，sub 为客户端编号。',
      body: Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,62}$', description: '客户端编号，即其令牌的 sub (client id = token subject)' }),
          name: Type.String({ minLength: 2, maxLength: 100 }),
          department: Type.Enum(DEPARTMENTS, { description: '所属部门 (department)' }),
          allowedEventTypes: Type.Array(Type.String(), { maxItems: 100, description: '允许报送的事件类型 (allow-list of event types)' }),
        },
        { additionalProperties: false, examples: [{ id: 'gongan-hukou', name: '公安户籍系统', department: 'PUBLIC_SECURITY', allowedEventTypes: ['public-security.death-registered', 'public-security.birth-registered'] }] },
      ),
      response: { 201: ClientView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { id, name, department, allowedEventTypes } = request.body;
    checkEventTypes(deps, allowedEventTypes);
    const now = deps.now();
    const client: StoredClient = { _id: id, name, department, allowedEventTypes: [...new Set(allowedEventTypes)], active: true, version: 1, createdBy: principal.subject, createdAt: now, updatedAt: now };
    try {
      await deps.clients.create(client);
    } catch (error) {
      if (isDuplicateKey(error)) throw exchangeError('EXCH_CLIENT_EXISTS', `客户端已存在 (client ${id} is already registered)`, { field: 'id', rule: 'must be a new client id', id });
      throw error;
    }
    return reply.code(201).header('location', `/clients/${id}`).send(view(client));
  });

  app.get('/clients', {
    config: { roles: ['admin'] },
    schema: { tags: ['clients'], summary: '部门客户端列表 (department clients)', response: { 200: Type.Object({ items: Type.Array(ClientView) }, { examples: [{ items: [CLIENT_EXAMPLE] }] }), ...errorResponses } },
  }, async () => ({ items: (await deps.clients.find({}).sort({ _id: 1 }).lean<StoredClient[]>()).map(view) }));

  app.put('/clients/:id', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['clients'],
      summary: '修改允许清单、名称或启停 (change the allow-list, the name, or enable/disable)',
      params: Type.Object({ id: Type.String() }),
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
          allowedEventTypes: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
          active: Type.Optional(Type.Boolean({ description: '停用后该客户端的报送一律拒收 (disabled: every delivery is refused)' })),
          version: Type.Integer({ minimum: 1, description: '读取时的版本号 (the version you read)' }),
        },
        { additionalProperties: false, examples: [{ allowedEventTypes: ['public-security.death-registered'], version: 1 }, { active: false, version: 2 }] },
      ),
      response: { 200: ClientView, ...errorResponses },
    },
  }, async (request) => {
    const { name, allowedEventTypes, active, version } = request.body;
    if (allowedEventTypes !== undefined) checkEventTypes(deps, allowedEventTypes);
    const set = { ...(name === undefined ? {} : { name }), ...(allowedEventTypes === undefined ? {} : { allowedEventTypes: [...new Set(allowedEventTypes)] }), ...(active === undefined ? {} : { active }), updatedAt: deps.now() };
    const updated = await deps.clients.findOneAndUpdate({ _id: request.params.id, version }, { $set: set, $inc: { version: 1 } }, { new: true }).lean<StoredClient>();
    if (updated === null) {
      const exists = await deps.clients.exists({ _id: request.params.id });
      if (exists === null) throw exchangeError('EXCH_NOT_FOUND', `客户端不存在 (no client ${request.params.id})`, { field: 'id', rule: 'must name a registered client', id: request.params.id });
      throw exchangeError('EXCH_CONCURRENT_CHANGE', `客户端已被他人修改 (client ${request.params.id} changed meanwhile; reload and retry)`, { field: 'version', rule: 'the record must not have changed since it was read', version });
    }
    return view(updated);
  });
}
