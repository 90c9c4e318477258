/** Response schemas of the gateway (no personal data: receipts and audit rows carry ids and counts). */
import { Type, type Static } from '@fastify/type-provider-typebox';

export const RECEIPT_EXAMPLE = {
  receiptId: 'RCT-6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  kind: 'EVENT',
  clientId: 'gongan-hukou',
  department: 'PUBLIC_SECURITY',
  eventType: 'public-security.death-registered',
  accepted: 1,
  duplicates: 0,
  rejected: 0,
  contentHash: '9f2c4e1a0b7d3c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6',
  eventIds: ['0d5f8c1e-2b3a-5c4d-8e6f-7a8b9c0d1e2f'],
  receivedAt: '2026-11-23T02:00:00.000Z',
  keyId: 'r1',
  algorithm: 'Ed25519',
  signature: 'nA3Jx0v6Yt1m0b0w3q5X2c8p7Q9r4s1t6u2v8w0x3y5z7A9B1C3D5E7F9G1H3J5K7L9M1N3P5Q7R9S1T3V5W7Y9Z1a3c5e7g9i1k3m5o7q9s==',
} as const;

export const ReceiptView = Type.Object(
  {
    receiptId: Type.String({ description: '回执编号 (receipt id)' }),
    kind: Type.Enum(['EVENT', 'UPLOAD']),
    clientId: Type.String(),
    department: Type.String(),
    eventType: Type.String(),
    accepted: Type.Integer({ description: '接收条数 (accepted)' }),
    duplicates: Type.Integer({ description: '重复条数（未再次发布） (duplicates, not published again)' }),
    rejected: Type.Integer({ description: '拒收条数 (rejected)' }),
    contentHash: Type.String({ description: '所收内容的 SHA-256（规范化 JSON） (SHA-256 of the canonical JSON received)' }),
    eventIds: Type.Array(Type.String()),
    receivedAt: Type.String({ format: 'date-time' }),
    keyId: Type.String({ description: '签名密钥编号，公钥见 GET /receipt-keys (signing key id)' }),
    algorithm: Type.Literal('Ed25519'),
    signature: Type.String({ description: 'Ed25519 签名（base64），覆盖除本字段外全部字段的规范化 JSON (signature over the canonical JSON of every other field)' }),
  },
  { examples: [RECEIPT_EXAMPLE] },
);
export type ReceiptView = Static<typeof ReceiptView>;

export const DeliveryAnswer = Type.Object(
  { duplicate: Type.Boolean({ description: '是否为重复报送（首次回执原样返回，不再发布） (a re-delivery: the first receipt, nothing published)' }), receipt: ReceiptView },
  { examples: [{ duplicate: false, receipt: RECEIPT_EXAMPLE }] },
);

export const CLIENT_EXAMPLE = {
  id: 'gongan-hukou',
  name: '公安户籍系统',
  department: 'PUBLIC_SECURITY',
  allowedEventTypes: ['public-security.death-registered', 'public-security.birth-registered'],
  active: true,
  version: 1,
  createdBy: 'admin-1',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

export const ClientView = Type.Object(
  {
    id: Type.String({ description: '客户端编号，即令牌 sub (client id = the token subject)' }),
    name: Type.String(),
    department: Type.String(),
    allowedEventTypes: Type.Array(Type.String(), { description: '允许报送的事件类型 (allow-list)' }),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [CLIENT_EXAMPLE] },
);
export type ClientView = Static<typeof ClientView>;

export const DeliveryView = Type.Object(
  {
    eventId: Type.String(),
    clientId: Type.String(),
    department: Type.String(),
    eventType: Type.String(),
    sourceRecordId: Type.Union([Type.String(), Type.Null()]),
    regionCode: Type.String(),
    receiptId: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    published: Type.Boolean({ description: '是否已发布到 Kafka (relayed to Kafka yet)' }),
  },
  { examples: [{ eventId: '0d5f8c1e-2b3a-5c4d-8e6f-7a8b9c0d1e2f', clientId: 'gongan-hukou', department: 'PUBLIC_SECURITY', eventType: 'public-security.death-registered', sourceRecordId: 'SWDJ-442000-2026-001208', regionCode: '442000101002', receiptId: RECEIPT_EXAMPLE.receiptId, receivedAt: '2026-11-23T02:00:00.000Z', published: true }] },
);

export const RefusalView = Type.Object(
  { clientId: Type.String(), department: Type.Union([Type.String(), Type.Null()]), eventType: Type.String(), code: Type.String(), message: Type.String(), requestId: Type.String(), at: Type.String({ format: 'date-time' }) },
  { examples: [{ clientId: 'gongan-hukou', department: 'PUBLIC_SECURITY', eventType: 'medical-insurance.settlement-recorded', code: 'EXCH_EVENT_TYPE_NOT_ALLOWED', message: '无权报送该事件类型 (client gongan-hukou of PUBLIC_SECURITY may not publish medical-insurance.settlement-recorded)', requestId: 'req-1a', at: '2026-11-23T02:00:00.000Z' }] },
);
