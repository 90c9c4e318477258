/** 批量报送 (bulk uploads): create, send the file (again, to resume), follow progress, read the report. */
import type { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { ExchangeDeps } from '../deps.js';
import { UPLOAD_FORMATS, type StoredUpload, type StoredUploadError } from '../uploads/upload.schema.js';
import { createUpload, receiveContent, uploadOf } from '../use-cases/bulk-upload.js';
import { RECEIPT_EXAMPLE, ReceiptView } from './views.js';

const UPLOAD_EXAMPLE = {
  id: 'UPL-7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  eventType: 'public-security.death-registered',
  format: 'NDJSON',
  fileName: 'swdj-2026-11.ndjson',
  status: 'COMPLETED',
  rowsCommitted: 100_000,
  accepted: 98_990,
  duplicates: 10,
  rejected: 1_000,
  receipt: { ...RECEIPT_EXAMPLE, kind: 'UPLOAD', accepted: 98_990, duplicates: 10, rejected: 1_000, eventIds: [] },
  createdAt: '2026-11-23T02:00:00.000Z',
  updatedAt: '2026-11-23T02:00:09.000Z',
};

const UploadView = Type.Object(
  {
    id: Type.String({ description: '上传编号 (upload id)' }),
    eventType: Type.String(),
    format: Type.Enum(UPLOAD_FORMATS),
    fileName: Type.Union([Type.String(), Type.Null()]),
    status: Type.Enum(['OPEN', 'RECEIVING', 'COMPLETED'], { description: 'OPEN 待上传, RECEIVING 接收中（中断后可重发同一文件续传）, COMPLETED 已完成' }),
    rowsCommitted: Type.Integer({ description: '已处理到的行号（续传时此前各行跳过） (rows processed so far)' }),
    accepted: Type.Integer(),
    duplicates: Type.Integer({ description: '重复行（此前已报送，不再发布） (rows delivered before, not published again)' }),
    rejected: Type.Integer({ description: '无效行，见 GET /uploads/{id}/errors (invalid rows)' }),
    receipt: Type.Union([ReceiptView, Type.Null()], { description: '完成后的签名回执 (the signed receipt, once complete)' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [UPLOAD_EXAMPLE] },
);

const view = (upload: StoredUpload) => ({
  id: upload._id,
  eventType: upload.eventType,
  format: upload.format,
  fileName: upload.fileName,
  status: upload.status,
  rowsCommitted: upload.rowsCommitted,
  accepted: upload.accepted,
  duplicates: upload.duplicates,
  rejected: upload.rejected,
  receipt: upload.receipt === null ? null : { ...upload.receipt, eventIds: [...upload.receipt.eventIds] },
  createdAt: upload.createdAt.toISOString(),
  updatedAt: upload.updatedAt.toISOString(),
});

const ErrorRow = Type.Object(
  { row: Type.Integer({ description: '行号（含表头） (line number, header included)' }), code: Type.String(), field: Type.String(), rule: Type.String() },
  { examples: [{ row: 17, code: 'ID_CHECK_DIGIT', field: 'envelope.person.idNumber', rule: 'the check digit must match (ISO 7064 MOD 11-2)' }] },
);

export function uploadRoutes(app: App, deps: ExchangeDeps): void {
  {
    // The file is streamed to the use case, never parsed or buffered whole.
    app.addContentTypeParser(['application/x-ndjson', 'text/csv', 'application/octet-stream'], (_request, payload, parsed) => {
      parsed(null, payload);
    });

    app.post('/uploads', {
      config: { roles: ['department-system'], idempotent: true },
      schema: {
        tags: ['uploads'],
        summary: '创建批量上传 (create a bulk upload for one event type)',
        description: 'NDJSON：每行一个事件的 JSON 形式。CSV：首行为列映射，每列是事件 JSON 形式中的点分路径（如 envelope.person.idNumber），其余行为数据。',
        body: Type.Object(
          { eventType: Type.String(), format: Type.Enum(UPLOAD_FORMATS), fileName: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false, examples: [{ eventType: 'public-security.death-registered', format: 'NDJSON', fileName: 'swdj-2026-11.ndjson' }] },
        ),
        response: { 201: UploadView, ...errorResponses },
      },
    }, async (request, reply) => {
      const upload = await createUpload(deps, principalOf(request), request.body);
      return reply.code(201).header('location', `/uploads/${upload._id}`).send(view(upload));
    });

    app.put('/uploads/:id/content', {
      config: { roles: ['department-system'] },
      schema: {
        tags: ['uploads'],
        summary: '发送文件（中断后重发同一文件即续传） (send the file; send it again to resume)',
        description: 'Content-Type: application/x-ndjson 或 text/csv。流式处理，逐行校验；已处理的行在续传时跳过。完成后返回签名回执。',
        params: Type.Object({ id: Type.String() }),
        response: { 200: UploadView, ...errorResponses },
      },
    }, async (request) => {
      const declared = request.headers['content-length'];
      const transfer = {
        body: request.body as Readable,
        declaredBytes: declared === undefined ? undefined : Number(declared),
        aborted: () => request.raw.readableAborted,
      };
      return view(await receiveContent(deps, principalOf(request), request.params.id, transfer, request.log));
    });

    app.get('/uploads/:id', {
      config: { roles: ['department-system'] },
      schema: { tags: ['uploads'], summary: '上传进度与结果 (an upload: progress, counts, receipt)', params: Type.Object({ id: Type.String() }), response: { 200: UploadView, ...errorResponses } },
    }, async (request) => view(await uploadOf(deps, principalOf(request), request.params.id)));

    app.get('/uploads/:id/errors', {
      config: { roles: ['department-system'] },
      schema: {
        tags: ['uploads'],
        summary: '无效行报告（行号、字段、规则） (the invalid rows: line, field, rule)',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ ...PageQuery.properties, pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }, { additionalProperties: false }),
        response: { 200: pageSchema(ErrorRow), ...errorResponses },
      },
    }, async (request) => {
      await uploadOf(deps, principalOf(request), request.params.id);
      const page = pageOf(request.query);
      const filter = { uploadId: request.params.id };
      const [total, items] = await Promise.all([
        deps.uploadErrors.countDocuments(filter),
        deps.uploadErrors.find(filter).sort({ row: 1 }).skip((page.page - 1) * page.pageSize).limit(page.pageSize).lean<StoredUploadError[]>(),
      ]);
      return { ...page, total, items: items.map(({ row, code, field, rule }) => ({ row, code, field, rule })) };
    });
  }
}
