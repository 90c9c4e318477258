/** 居家养老服务与适老化改造 (home services and age-friendly renovations). */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { SERVICE_KINDS } from '../domain/service-kinds.js';
import { serviceOrderContext, unseal } from '../protect.js';
import type { StoredServiceOrder } from '../service-orders/service-order.schema.js';
import { recordService } from '../use-cases/service-orders.js';
import { ElderParams } from './elders.js';

const ServiceKindSchema = Type.Enum(SERVICE_KINDS, { description: '服务类别：MEAL 助餐, CLEANING 助洁, MEDICAL 助医, SAFETY 助安, LEARNING 助学, LEISURE 助乐, AGE_FRIENDLY_RENOVATION 适老化改造, OTHER 其他 (service kind)' });

const ServiceOrderView = Type.Object({
  serviceOrderId: Type.String({ description: '服务工单号 (service order id)' }),
  elderId: Type.String(),
  regionCode: Type.String(),
  serviceKind: ServiceKindSchema,
  providerId: Type.String(),
  providerName: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.String({ format: 'date-time' }),
  durationMinutes: Type.Integer(),
  subsidyFen: Type.Union([Type.Integer(), Type.Null()], { description: '政府补贴，分 (government subsidy in fen)' }),
  selfPaidFen: Type.Union([Type.Integer(), Type.Null()], { description: '个人支付，分 (paid by the elder in fen)' }),
  note: Type.Union([Type.String(), Type.Null()], { description: '服务记录（经办人员可见） (note: caseworkers and supervisors only, otherwise null)' }),
  createdAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    serviceOrderId: 'FW-3d0c9a52-1f4e-4b8e-9a7d-2c1b0e9f8a76', elderId: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', regionCode: '442000005003', serviceKind: 'MEAL', providerId: 'ORG-ZZ-0012',
    providerName: '石岐长者饭堂', deliveredAt: '2026-03-12T04:00:00.000Z', durationMinutes: 30, subsidyFen: 800, selfPaidFen: 700, note: null, createdAt: '2026-03-12T04:05:00.000Z',
  }],
});

function orderView(order: StoredServiceOrder, principal: Principal, keyring: Keyring) {
  const clear = hasRole(principal, 'caseworker', 'supervisor');
  return {
    serviceOrderId: order._id,
    elderId: order.elderId,
    regionCode: order.regionCode,
    serviceKind: order.serviceKind,
    providerId: order.providerId,
    providerName: order.providerName,
    deliveredAt: order.deliveredAt.toISOString(),
    durationMinutes: order.durationMinutes,
    subsidyFen: order.subsidyFen,
    selfPaidFen: order.selfPaidFen,
    note: clear && order.note !== null ? unseal(keyring, order.note, serviceOrderContext(order._id, 'note')) : null,
    createdAt: order.createdAt.toISOString(),
  };
}

export function serviceOrderRoutes(app: App, deps: ElderlyCareDeps, audit: AccessAudit): void {
  app.post('/elders/:id/services', {
    config: { roles: ['caseworker', 'supervisor', 'department-system'], idempotent: true },
    schema: {
      tags: ['services'],
      summary: '记录居家养老服务或适老化改造 (record a home service or an age-friendly renovation delivered to an elder)',
      description: '事件 elderly-care.service-delivered（适老化改造以 OTHER 类别发布，合同中无对应枚举）。',
      params: ElderParams,
      body: Type.Object({
        serviceKind: ServiceKindSchema,
        providerId: Type.String({ minLength: 1, maxLength: 80, description: '服务机构编号 (provider id)' }),
        providerName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '服务机构名称 (provider name)' })),
        deliveredAt: Type.String({ format: 'date-time', description: '服务时间，不晚于现在 (when delivered, not in the future)' }),
        durationMinutes: Type.Integer({ minimum: 0, maximum: 100_000, description: '服务时长，分钟 (minutes)' }),
        subsidyFen: Type.Optional(Type.Integer({ minimum: 0, description: '政府补贴，分 (subsidy in fen)' })),
        selfPaidFen: Type.Optional(Type.Integer({ minimum: 0, description: '个人支付，分 (self-paid in fen)' })),
        note: Type.Optional(Type.String({ maxLength: 2000, description: '服务记录（加密存储） (note, stored encrypted)' })),
      }, {
        additionalProperties: false,
        examples: [
          { serviceKind: 'MEAL', providerId: 'ORG-ZZ-0012', providerName: '石岐长者饭堂', deliveredAt: '2026-03-12T04:00:00.000Z', durationMinutes: 30, subsidyFen: 800, selfPaidFen: 700 },
          { serviceKind: 'AGE_FRIENDLY_RENOVATION', providerId: 'ORG-SLH-0003', deliveredAt: '2026-03-10T06:00:00.000Z', durationMinutes: 480, subsidyFen: 300_000, note: '卫生间加装扶手、防滑地面' },
        ],
      }),
      response: { 201: ServiceOrderView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { order, elder } = await recordService(deps, principal, request.params.id, request.body);
    await audit.record(request, { action: 'write', resource: 'service-order', resourceId: order._id, personKeys: [elder.personKey] });
    return reply.code(201).send(orderView(order, principal, deps.keyring));
  });

  app.get('/services', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['services'],
      summary: '服务记录列表（分页、筛选） (services and renovations in the caller\'s jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), elderId: Type.Optional(Type.String()), serviceKind: Type.Optional(ServiceKindSchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(ServiceOrderView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { regionCode, elderId, serviceKind } = request.query;
    const filter: Record<string, unknown> = {};
    if (elderId !== undefined) filter.elderId = elderId;
    if (serviceKind !== undefined) filter.serviceKind = serviceKind;
    const result = await deps.serviceOrders.list(principal.jurisdiction, regionCode, filter, pageOf(request.query));
    const withNotes = result.items.filter((order) => order.note !== null);
    if (hasRole(principal, 'caseworker', 'supervisor') && withNotes.length > 0) {
      await audit.record(request, { action: 'read', resource: 'service-order', resourceId: withNotes.map((order) => order._id).join(','), personKeys: [...new Set(withNotes.map((order) => order.personKey))] });
    }
    return { ...result, items: result.items.map((order) => orderView(order, principal, deps.keyring)) };
  });
}
