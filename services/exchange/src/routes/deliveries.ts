/** 报送 (deliveries): one event from a department system, its receipt, and the delivery audit. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import { hasRole } from '@minzheng/service-kit/auth';
import type { StoredDelivery } from '../deliveries/delivery.schema.js';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';
import { deliverEvent } from '../use-cases/deliver.js';
import { DeliveryAnswer, DeliveryView, RECEIPT_EXAMPLE, ReceiptView, RefusalView } from './views.js';

const DEATH_EXAMPLE = {
  envelope: {
    occurredAt: '2026-01-27T10:20:00.000Z',
    source: { system: 'gongan-hukou', recordId: 'SWDJ-442000-2026-001208' },
    region: { countyCode: '442000', townCode: '442000101', villageCode: '442000101002' },
    person: { idNumber: '442000198602140570', name: '何国强' },
    household: null,
    correlationId: null,
    causationId: null,
  },
  dateOfDeath: '2026-01-27',
  deathCategory: 'ACCIDENT',
  hukouCancelled: true,
};

export function deliveryRoutes(app: App, deps: ExchangeDeps): void {
  app.post('/events/:eventType', {
    config: { roles: ['department-system'] },
    schema: {
      tags: ['deliveries'],
      summary: '报送一条事件（JSON 格式），返回签名回执 (deliver one event in its JSON form; answers a signed receipt)',
      description: [
        '请求体为事件的 JSON 形式（见 schemas/README.md 与 GET /schemas/{eventType}）。网关负责：事件编号（由部门、事件类型与来源记录号派生，同一记录重复报送得同一编号）、recordedAt、来源部门、人员假名键 personKey（由身份证号计算，部门无需也无法提供）。',
        '校验：客户端须已登记、启用且事件类型在其允许清单内；身份证号 GB 11643；区划代码存在且层级一致；发生时间不晚于当前；事件整体符合 Avro 契约（逐字段列出问题）。',
        '新事件 202，重复报送 200（返回首次回执，不再发布）。拒收记录在审计中。',
      ].join(' '),
      params: Type.Object({ eventType: Type.String({ description: '事件类型，如 public-security.death-registered (event type)' }) }),
      body: Type.Object({}, { additionalProperties: true, description: '事件的 JSON 形式 (the JSON form of the event)', examples: [DEATH_EXAMPLE] }),
      response: { 200: DeliveryAnswer, 202: DeliveryAnswer, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await deliverEvent(deps, principalOf(request), request.params.eventType, request.body, request.id);
    return reply.code(result.duplicate ? 200 : 202).send({ duplicate: result.duplicate, receipt: { ...result.receipt, eventIds: [...result.receipt.eventIds] } });
  });

  app.get('/receipts/:receiptId', {
    config: { roles: ['department-system', 'admin', 'analyst'] },
    schema: {
      tags: ['receipts'],
      summary: '查看回执 (a receipt; a department sees only its own)',
      params: Type.Object({ receiptId: Type.String() }),
      response: { 200: ReceiptView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const delivery = await deps.deliveries.findOne({ 'receipt.receiptId': request.params.receiptId }).select('-outbox').lean<StoredDelivery>();
    if (delivery === null || (!hasRole(principal, 'admin', 'analyst') && delivery.clientId !== principal.subject)) {
      throw exchangeError('EXCH_NOT_FOUND', `回执不存在 (no receipt ${request.params.receiptId} of yours)`, { field: 'receiptId', rule: 'must name a receipt of the caller', receiptId: request.params.receiptId });
    }
    return delivery.receipt;
  });

  app.get('/receipt-keys', {
    config: { public: true },
    schema: {
      tags: ['receipts'],
      summary: '回执验签公钥 (the public keys that verify receipts)',
      security: [],
      response: {
        200: Type.Object(
          { keys: Type.Array(Type.Object({ keyId: Type.String(), algorithm: Type.Literal('Ed25519'), jwk: Type.Record(Type.String(), Type.Unknown()) })) },
          { examples: [{ keys: [{ keyId: 'r1', algorithm: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } }] }] },
        ),
      },
    },
  }, () => ({ keys: deps.signer.publicKeys() }));

  app.post('/receipts/verification', {
    config: { public: true },
    schema: {
      tags: ['receipts'],
      summary: '验证回执签名 (verify a receipt\'s signature)',
      description: '任何一方均可校验：签名覆盖除 signature 外全部字段的规范化 JSON（键排序、无空白）。',
      security: [],
      body: Type.Object({ ...ReceiptView.properties }, { examples: [RECEIPT_EXAMPLE] }),
      response: { 200: Type.Object({ valid: Type.Boolean(), keyId: Type.String() }, { examples: [{ valid: true, keyId: 'r1' }] }), ...errorResponses },
    },
  }, (request) => ({ valid: deps.signer.verify(request.body), keyId: request.body.keyId }));

  app.get('/deliveries', {
    config: { roles: ['admin', 'analyst', 'department-system'] },
    schema: {
      tags: ['audit'],
      summary: '报送记录（谁、何时、报送了什么、凭哪张回执） (deliveries: who delivered what, when, with which receipt)',
      description: '部门系统只看到本客户端的记录。',
      querystring: Type.Object({ ...PageQuery.properties, clientId: Type.Optional(Type.String()), eventType: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: pageSchema(DeliveryView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { clientId, eventType } = request.query;
    const own = !hasRole(principal, 'admin', 'analyst');
    const filter = { ...(own ? { clientId: principal.subject } : clientId === undefined ? {} : { clientId }), ...(eventType === undefined ? {} : { eventType }) };
    const page = pageOf(request.query);
    const [total, items] = await Promise.all([
      deps.deliveries.countDocuments(filter),
      deps.deliveries.find(filter).select('-outbox').sort({ receivedAt: -1, _id: 1 }).skip((page.page - 1) * page.pageSize).limit(page.pageSize).lean<StoredDelivery[]>(),
    ]);
    return {
      ...page,
      total,
      items: items.map((delivery) => ({
        eventId: delivery._id,
        clientId: delivery.clientId,
        department: delivery.department,
        eventType: delivery.eventType,
        sourceRecordId: delivery.sourceRecordId,
        regionCode: delivery.regionCode,
        receiptId: delivery.receipt.receiptId,
        receivedAt: delivery.receivedAt.toISOString(),
        published: !delivery.outboxPending,
      })),
    };
  });

  app.get('/refusals', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['audit'],
      summary: '拒收记录 (refused deliveries, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, clientId: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: pageSchema(RefusalView), ...errorResponses },
    },
  }, async (request) => {
    const { clientId } = request.query;
    const filter = clientId === undefined ? {} : { clientId };
    const page = pageOf(request.query);
    const [total, items] = await Promise.all([
      deps.refusals.countDocuments(filter),
      deps.refusals.find(filter).sort({ at: -1 }).skip((page.page - 1) * page.pageSize).limit(page.pageSize).lean(),
    ]);
    return { ...page, total, items: items.map((refusal) => ({ clientId: refusal.clientId, department: refusal.department, eventType: refusal.eventType, code: refusal.code, message: refusal.message, requestId: refusal.requestId, at: refusal.at.toISOString() })) };
  });
}
