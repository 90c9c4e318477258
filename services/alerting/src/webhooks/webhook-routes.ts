/**
 * Webhook administration (Webhook 管理): the configured endpoints (never their secrets), the dead
 * letters, and their replay. Admins only. The response schemas are the allow-list: a delivery's
 * body and an endpoint's secret have no field here, so they cannot leave the service.
 */
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, errorResponses, pageOf, pageSchema } from '@minzheng/service-kit/routes';
import { WEBHOOK_EVENTS, WEBHOOK_URGENCIES, publicEndpoint } from './webhook-config.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

const EventSchema = Type.Union(WEBHOOK_EVENTS.map((event) => Type.Literal(event)), { description: '推送事件 (notification kind)' });
const UrgencySchema = Type.Union(WEBHOOK_URGENCIES.map((urgency) => Type.Literal(urgency)), { description: '紧急程度 (urgency)' });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const WebhookEndpointView = Type.Object(
  {
    id: Type.String({ description: '端点编号 (endpoint id)' }),
    url: Type.String({ description: '接收地址 (receiver URL)' }),
    keyId: Type.String({ description: '签名密钥编号 (key id, sent as X-MZ-Key-Id; the secret itself is never shown)' }),
    urgencies: Nullable(Type.Array(UrgencySchema, { description: '只推送这些紧急程度；null 为全部 (only these urgencies; null: all)' })),
    ruleIds: Nullable(Type.Array(Type.String(), { description: '只推送这些规则；null 为全部 (only these rules; null: all)' })),
    events: Nullable(Type.Array(EventSchema, { description: '只推送这些事件；null 为全部 (only these kinds; null: all)' })),
  },
  {
    additionalProperties: false,
    examples: [{ id: 'sms-gateway', url: 'https://sms.example.gov.cn/hooks/mz', keyId: 'sms-2026', urgencies: ['P1', 'P2'], ruleIds: null, events: ['ALERT_DELIVERED', 'ALERT_ESCALATED'] }],
  },
);

export const WebhookDeliveryViewSchema = Type.Object(
  {
    id: Type.String({ description: '推送编号 = X-MZ-Webhook-Id (delivery id: endpoint|alert|kind|sequence)' }),
    endpointId: Type.String({ description: '端点编号 (endpoint id)' }),
    kind: EventSchema,
    alertId: Type.String({ description: '预警编号 (alert id)' }),
    urgency: UrgencySchema,
    ruleId: Type.String({ description: '规则编号 (rule id)' }),
    sequence: Type.Integer({ minimum: 0, description: '同一预警同类推送的序号 (sequence of this kind for the alert)' }),
    status: Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('DEAD')], { description: '状态 (PENDING: waiting or retrying; DELIVERED; DEAD: out of attempts)' }),
    attempts: Type.Integer({ minimum: 0, description: '本轮已尝试次数 (attempts since enqueued or last replayed)' }),
    lastError: Nullable(Type.String({ description: '最后一次失败原因：状态码或错误信息 (last failure: HTTP status or error message)' })),
    lastStatusCode: Nullable(Type.Integer({ description: '最后一次应答状态码 (last HTTP status)' })),
    createdAt: Instant,
    lastAttemptAt: Nullable(Instant),
    nextAttemptAt: Nullable(Instant),
    deliveredAt: Nullable(Instant),
    deadAt: Nullable(Instant),
    replays: Type.Integer({ minimum: 0, description: '重放次数 (times replayed)' }),
  },
  {
    additionalProperties: false,
    examples: [{
      id: 'sms-gateway|alert-7f3a|ALERT_DELIVERED|1', endpointId: 'sms-gateway', kind: 'ALERT_DELIVERED', alertId: 'alert-7f3a', urgency: 'P1', ruleId: 'R_DIBAO_LOST_INCOME', sequence: 1,
      status: 'DEAD', attempts: 8, lastError: 'HTTP 503: Service Unavailable', lastStatusCode: 503, createdAt: '2026-11-23T08:00:00.000Z', lastAttemptAt: '2026-11-23T08:31:07.000Z', nextAttemptAt: null, deliveredAt: null, deadAt: '2026-11-23T08:31:07.000Z', replays: 0,
    }],
  },
);

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400, description: '推送编号 (delivery id)' }) });

export function webhookRoutes(app: App, dispatcher: WebhookDispatcher): void {
  app.get('/webhooks', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook 端点列表（不含密钥） (the configured webhook endpoints, without secrets)',
      description: '端点来自配置 MZ_WEBHOOKS，修改须重启服务。签名方式见服务 README。',
      response: { 200: Type.Array(WebhookEndpointView), ...errorResponses },
    },
  }, () => dispatcher.endpoints.map(publicEndpoint));

  app.get('/webhooks/dead-letters', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook 死信列表（分页，最新在前） (dead letters: deliveries out of attempts, newest first)',
      description: '每条死信保留最后一次失败原因（状态码或错误信息）。修复接收方后可重放。',
      querystring: Type.Object({ ...PageQuery.properties }, { additionalProperties: false }),
      response: { 200: pageSchema(WebhookDeliveryViewSchema), ...errorResponses },
    },
  }, async (request) => dispatcher.deadLetters(pageOf(request.query)));

  app.post('/webhooks/dead-letters/:id/replay', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['webhooks'],
      summary: '重放死信：重新排队立即推送，尝试次数清零 (replay a dead letter: pending again, due now, attempts from zero)',
      description: '不存在为 WEBHOOK_DELIVERY_NOT_FOUND；不是死信为 WEBHOOK_DELIVERY_NOT_DEAD；并发修改为 WEBHOOK_DELIVERY_CONCURRENT_CHANGE。',
      params: Params,
      response: { 200: WebhookDeliveryViewSchema, ...errorResponses },
    },
  }, async (request) => dispatcher.replay(request.params.id));
}
