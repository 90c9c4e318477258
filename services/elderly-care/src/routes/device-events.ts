/** 设备事件 (device events): batches from the device platform. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { MEASUREMENT_UNITS, THRESHOLD_DIRECTIONS, VITAL_SIGN_METRICS } from '../domain/vocabulary.js';
import { DEVICE_EVENT_KINDS, DeviceIngestor, MAX_BATCH } from '../use-cases/device-events.js';

const Instant = (description: string) => Type.String({ format: 'date-time', description });

const DeviceEventItem = Type.Object({
  platformEventId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description: '平台事件编号：同一编号只发布一次 (the platform\'s event id: published once)' }),
  kind: Type.Enum(DEVICE_EVENT_KINDS, { description: '事件类型：EMERGENCY_CALL 紧急呼叫, VITAL_SIGN_ALARM 生命体征告警, DEVICE_OFFLINE 设备离线 (kind)' }),
  deviceId: Type.String({ minLength: 1, maxLength: 80, description: '设备编号，须已绑定老人 (device id, bound to an elder)' }),
  occurredAt: Instant('发生时间：首次按键、告警或检测到离线的时间 (first press, alarm, or offline detection)'),
  emergencyCall: Type.Optional(Type.Object({
    pressCount: Type.Integer({ minimum: 1, maximum: 1000, description: '按键次数 (presses in the burst)' }),
    lastPressedAt: Instant('最后按键时间 (last press)'),
    callConnected: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: '通话接通 (voice connected; null unknown)' })),
  }, { additionalProperties: false, description: 'kind = EMERGENCY_CALL 时必填 (required for EMERGENCY_CALL)' })),
  vitalSign: Type.Optional(Type.Object({
    metric: Type.Enum(VITAL_SIGN_METRICS, { description: '监测指标 (metric)' }),
    measuredValue: Type.Integer({ description: '测量值 (value, in unit)' }),
    unit: Type.Enum(MEASUREMENT_UNITS, { description: '计量单位 (unit)' }),
    thresholdValue: Type.Integer({ description: '告警阈值 (threshold, in unit)' }),
    direction: Type.Enum(THRESHOLD_DIRECTIONS, { description: '越限方向 (direction)' }),
  }, { additionalProperties: false, description: 'kind = VITAL_SIGN_ALARM 时必填 (required for VITAL_SIGN_ALARM)' })),
  offline: Type.Optional(Type.Object({
    lastSeenAt: Instant('最后在线时间 (last message)'),
    lastBatteryPercent: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()], { description: '最后电量 (battery %)' })),
  }, { additionalProperties: false, description: 'kind = DEVICE_OFFLINE 时必填 (required for DEVICE_OFFLINE)' })),
}, { additionalProperties: false });

const ItemResultView = Type.Object({
  index: Type.Integer({ description: '在批次中的位置 (position in the batch)' }),
  platformEventId: Type.String(),
  status: Type.Union([Type.Literal('ACCEPTED'), Type.Literal('DUPLICATE'), Type.Literal('REJECTED')], { description: 'ACCEPTED 已接收并将发布, DUPLICATE 重复（不再发布）, REJECTED 拒收（见 code）' }),
  eventId: Type.Union([Type.String(), Type.Null()], { description: '事件编号 (the envelope event id; for a duplicate, the first delivery\'s)' }),
  code: Type.Union([Type.String(), Type.Null()], { description: '拒收代码 (code when REJECTED)' }),
  field: Type.Union([Type.String(), Type.Null()], { description: '出错字段 (field at fault, events.<i>.<field>)' }),
  message: Type.Union([Type.String(), Type.Null()]),
});

export function deviceEventRoutes(app: App, deps: ElderlyCareDeps, cacheTtlMs: number): void {
  const ingestor = new DeviceIngestor(deps, cacheTtlMs);
  app.post('/device-events', {
    config: { roles: ['department-system'] },
    schema: {
      tags: ['devices'],
      summary: '批量接收设备事件：紧急呼叫、生命体征告警、设备离线 (ingest a batch of up to 500 device events)',
      description: [
        '整批一次写入（一个文档，发件箱含本批全部事件）；事件发布到 mz.elderly-care.device-signals。',
        '同一 platformEventId 只发布一次（批内与跨批去重），重复的返回 DUPLICATE。',
        '仅凭请求即可判定的错误（结构、类型与载荷不符、时间在未来或先后颠倒）整批拒收 (400, 字段 events.<i>.<field>)；',
        '依赖存储状态的错误（设备未绑定 ELDER_UNKNOWN_DEVICE、老人不在管辖范围 ELDER_UNKNOWN_ELDER）只拒收该条，其余照收。',
      ].join(''),
      body: Type.Object({ events: Type.Array(DeviceEventItem, { minItems: 1, maxItems: MAX_BATCH }) }, {
        additionalProperties: false,
        examples: [{
          events: [
            { platformEventId: 'SOS-20260305-004512', kind: 'EMERGENCY_CALL', deviceId: 'SOS-0008-004-0017', occurredAt: '2026-03-05T13:47:12.000Z', emergencyCall: { pressCount: 3, lastPressedAt: '2026-03-05T13:47:20.000Z', callConnected: true } },
            { platformEventId: 'VS-20260305-118803', kind: 'VITAL_SIGN_ALARM', deviceId: 'SMJC-0008-004-0017', occurredAt: '2026-03-05T14:02:00.000Z', vitalSign: { metric: 'HEART_RATE', measuredValue: 132, unit: 'BEATS_PER_MINUTE', thresholdValue: 120, direction: 'ABOVE' } },
            { platformEventId: 'OFF-20260308-000233', kind: 'DEVICE_OFFLINE', deviceId: 'SMJC-0008-004-0017', occurredAt: '2026-03-08T02:00:00.000Z', offline: { lastSeenAt: '2026-03-07T14:12:48.000Z', lastBatteryPercent: 7 } },
          ],
        }],
      }),
      response: {
        200: Type.Object({
          batchId: Type.Union([Type.String(), Type.Null()], { description: '批次编号；无接收项时为 null（未写入） (batch id; null when nothing was accepted)' }),
          received: Type.Integer(),
          accepted: Type.Integer(),
          duplicates: Type.Integer(),
          rejected: Type.Integer(),
          results: Type.Array(ItemResultView),
        }, {
          examples: [{
            batchId: 'DSB-7d3c1f0e-2b4a-4c5d-9e8f-1a2b3c4d5e6f', received: 2, accepted: 1, duplicates: 0, rejected: 1,
            results: [
              { index: 0, platformEventId: 'SOS-20260305-004512', status: 'ACCEPTED', eventId: '52304f89-8379-5744-9437-31966a7103c3', code: null, field: null, message: null },
              { index: 1, platformEventId: 'VS-20260305-118803', status: 'REJECTED', eventId: null, code: 'ELDER_UNKNOWN_DEVICE', field: 'events.1.deviceId', message: '设备未绑定任何老人 (the device is not bound to an elder)' },
            ],
          }],
        }),
        ...errorResponses,
      },
    },
  }, async (request) => ingestor.ingest(principalOf(request), request.body.events));
}
