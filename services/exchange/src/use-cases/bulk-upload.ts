/**
 * 批量报送 (bulk upload): a file of one event type streamed in (NDJSON, or CSV with the header as
 * the column mapping, `uploads/csv.ts`), never held in memory whole. Every row goes through the
 * same checks as a single event (`normalize.ts`). Valid rows are grouped in batches of up to
 * `BATCH_ROWS`: their derived event ids are claimed (`ClaimStore`), the rows this batch holds are
 * written as one batch document whose outbox carries their events, then the upload's progress
 * (`rowsCommitted`) and counts move on. Invalid rows are recorded with their line number, field and
 * rule. A row already delivered (same department, event type and source record id) is counted as a
 * duplicate and not published again, whether it repeats within the file, in a file uploaded
 * before, or in a re-sent file.
 *
 * Resume: if a transfer breaks, the department sends the file again to the same upload; rows up to
 * `rowsCommitted` are skipped without work, the rest is processed as new (their claims make a
 * half-written batch safe: a batch re-claims its own rows). The receipt is signed when the whole
 * file has arrived.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ContractError } from '@minzheng/contracts';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { IdentityError } from '@minzheng/identity/errors';
import type { Principal } from '@minzheng/service-kit/auth';
import { ServiceError } from '@minzheng/service-kit/errors';
import { outboxFields } from '@minzheng/service-kit/outbox';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { Logger } from 'pino';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';
import { CsvProblem, csvColumns, csvRecord } from '../uploads/csv.js';
import type { StoredUpload, StoredUploadError, UPLOAD_FORMATS } from '../uploads/upload.schema.js';
import { clientOf, requireAllowed } from './deliver.js';
import { normalizeEvent, type NormalizedEvent } from './normalize.js';

/** Rows per batch document (and per claim round). */
export const BATCH_ROWS = 500;
/** Rows of an upload whose problems are kept for the report; beyond it they are only counted. */
export const MAX_REPORTED_ERRORS = 10_000;

export async function createUpload(deps: ExchangeDeps, principal: Principal, input: { eventType: string; format: (typeof UPLOAD_FORMATS)[number]; fileName?: string }): Promise<StoredUpload> {
  const client = await clientOf(deps, principal);
  requireAllowed(deps, client, input.eventType);
  const now = deps.now();
  const upload: StoredUpload = {
    _id: `UPL-${randomUUID()}`,
    clientId: client._id,
    department: client.department,
    eventType: input.eventType,
    format: input.format,
    fileName: input.fileName ?? null,
    status: 'OPEN',
    rowsCommitted: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    receipt: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.uploads.create(upload);
  return upload;
}

export async function uploadOf(deps: ExchangeDeps, principal: Principal, id: string): Promise<StoredUpload> {
  const upload = await deps.uploads.findById(id).lean<StoredUpload>();
  if (upload?.clientId !== principal.subject) {
    throw exchangeError('EXCH_NOT_FOUND', `上传不存在 (no upload ${id} of yours)`, { field: 'id', rule: 'must name an upload of the caller', id });
  }
  return upload;
}

interface Row {
  readonly row: number;
  readonly event: NormalizedEvent;
  /** Prepared in the row's own `try`: a row the publisher refuses is a row error, not a failed upload. */
  readonly prepared: PreparedEvent;
}

interface RowProblem {
  readonly code: string;
  readonly field: string;
  readonly rule: string;
}

function problemOf(error: unknown): RowProblem {
  if (error instanceof CsvProblem) return { code: 'EXCH_INVALID_ROW', field: error.field, rule: error.rule };
  if (error instanceof SyntaxError) return { code: 'EXCH_INVALID_ROW', field: '(row)', rule: `is not valid JSON: ${error.message}` };
  if (error instanceof ServiceError) {
    const details = typeof error.details === 'object' && error.details !== null ? (error.details as { field?: unknown; rule?: unknown }) : {};
    return { code: error.code, field: typeof details.field === 'string' ? details.field : '(row)', rule: typeof details.rule === 'string' ? details.rule : error.message };
  }
  if (error instanceof IdentityError) return { code: error.code, field: '(row)', rule: error.message };
  if (error instanceof ContractError) return { code: error.code, field: error.problems[0]?.path ?? '(row)', rule: error.problems[0]?.rule ?? error.message };
  throw error;
}

/** How the transport says whether the whole body arrived (a broken connection may end the stream quietly). */
export interface Transfer {
  readonly body: Readable;
  /** The declared length (Content-Length), when the client sent one. */
  readonly declaredBytes: number | undefined;
  /** True when the transport saw the request aborted. */
  readonly aborted: () => boolean;
}

/** Receives the file (or its rest, on resume); resolves with the upload once the whole file is in. */
export async function receiveContent(deps: ExchangeDeps, principal: Principal, id: string, transfer: Transfer, logger?: Pick<Logger, 'info'>): Promise<StoredUpload> {
  const { body } = transfer;
  const upload = await uploadOf(deps, principal, id);
  if (upload.status === 'COMPLETED') {
    throw exchangeError('EXCH_UPLOAD_COMPLETED', `上传已完成 (upload ${id} is complete; start a new upload for another file)`, { field: 'id', rule: 'content may be sent until the upload completes', id });
  }
  const client = await clientOf(deps, principal);
  requireAllowed(deps, client, upload.eventType);
  await deps.uploads.updateOne({ _id: id }, { $set: { status: 'RECEIVING', updatedAt: deps.now() } });
  const schemaType: unknown = deps.registry.event(upload.eventType).type;
  const hash = createHash('sha256');
  let bytes = 0;
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const lines = createInterface({ input: body, crlfDelay: Infinity });

  let committed = upload.rowsCommitted;
  let totals = { accepted: upload.accepted, duplicates: upload.duplicates, rejected: upload.rejected };
  let reported = upload.rejected;
  let rows: Row[] = [];
  let problems: StoredUploadError[] = [];
  let columns: string[][] | undefined;
  let line = 0;
  /** Invalid rows since the last flush (reported or beyond the report's cap). */
  let rejectedSince = 0;

  const flush = async (lastRow: number): Promise<void> => {
    const now = deps.now();
    const batchId = `${id}:${String(lastRow)}`;
    const held = await deps.claims.claim(rows.map((item) => item.event.eventId), batchId, now);
    // The first of two rows with one event id in a batch carries it; the other is a duplicate.
    const carried = new Set<string>();
    const fresh = rows.filter((item) => held.has(item.event.eventId) && !carried.has(item.event.eventId) && carried.add(item.event.eventId));
    if (fresh.length > 0) {
      const events = fresh.map((item) => item.prepared);
      try {
        await deps.uploadBatches.create({ _id: batchId, uploadId: id, firstRow: fresh[0]?.row ?? lastRow, lastRow, accepted: fresh.length, createdAt: now, ...outboxFields(events, now) });
        deps.nudge({ collection: deps.uploadBatches.collection.collectionName, ids: [batchId] });
      } catch (error) {
        // Written by an earlier attempt that stopped before recording its progress.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    if (problems.length > 0) {
      await deps.uploadErrors.insertMany(problems, { ordered: false }).catch((error: unknown) => {
        if (!(typeof error === 'object' && error !== null && 'writeErrors' in error)) throw error;
      });
    }
    totals = { accepted: totals.accepted + fresh.length, duplicates: totals.duplicates + rows.length - fresh.length, rejected: totals.rejected + rejectedSince };
    rejectedSince = 0;
    committed = lastRow;
    await deps.uploads.updateOne({ _id: id }, { $set: { rowsCommitted: committed, ...totals, updatedAt: now } });
    rows = [];
    problems = [];
  };

  for await (const text of lines) {
    line += 1;
    if (upload.format === 'CSV' && line === 1) {
      try {
        columns = csvColumns(text.replace(/^\uFEFF/u, ''), schemaType);
      } catch (error) {
        if (!(error instanceof CsvProblem)) throw error;
        throw exchangeError('EXCH_INVALID_CSV_HEADER', `CSV 表头无效 (line 1: ${error.field} ${error.rule})`, { field: error.field, rule: error.rule, row: 1 });
      }
      continue;
    }
    if (line <= committed || text.trim() === '') continue;
    try {
      const json: unknown = columns === undefined ? JSON.parse(text) : csvRecord(text, columns, schemaType);
      const event = normalizeEvent(deps.registry, deps.pseudonymizer, client, upload.eventType, json, deps.now());
      // The type is checked against the catalog and the value against its schema by `normalizeEvent`.
      rows.push({ row: line, event, prepared: deps.publisher.prepare(upload.eventType as never, event.value as never) });
    } catch (error) {
      const problem = problemOf(error);
      rejectedSince += 1;
      reported += 1;
      if (reported <= MAX_REPORTED_ERRORS) problems.push({ _id: `${id}:${String(line)}`, uploadId: id, row: line, ...problem });
    }
    if (rows.length >= BATCH_ROWS) {
      await flush(line);
      if (Math.floor(committed / 10_000) !== Math.floor((committed - BATCH_ROWS) / 10_000)) logger?.info({ uploadId: id, rows: committed, ...totals }, 'upload: progress');
    }
  }
  if (transfer.aborted() || (transfer.declaredBytes !== undefined && bytes !== transfer.declaredBytes)) {
    // What arrived is committed batch by batch; the upload stays RECEIVING for the file to be sent again.
    throw exchangeError('EXCH_TRANSFER_INCOMPLETE', `文件未传完 (the transfer ended after ${String(bytes)} bytes${transfer.declaredBytes === undefined ? '' : ` of ${String(transfer.declaredBytes)}`}; send the same file again to resume from row ${String(committed + 1)})`, {
      field: 'body',
      rule: 'the whole file must arrive before the upload completes',
      bytesReceived: bytes,
      rowsCommitted: committed,
    });
  }
  if (rows.length > 0 || problems.length > 0 || rejectedSince > 0 || line > committed) await flush(Math.max(line, committed));

  const now = deps.now();
  const receipt = deps.signer.sign({
    receiptId: `RCT-${randomUUID()}`,
    kind: 'UPLOAD',
    clientId: client._id,
    department: client.department,
    eventType: upload.eventType,
    ...totals,
    contentHash: hash.digest('hex'),
    eventIds: [],
    receivedAt: now.toISOString(),
  });
  await deps.uploads.updateOne({ _id: id }, { $set: { status: 'COMPLETED', receipt, updatedAt: now } });
  logger?.info({ uploadId: id, rows: line, ...totals }, 'upload: completed');
  return { ...upload, status: 'COMPLETED', rowsCommitted: Math.max(line, committed), ...totals, receipt, updatedAt: now };
}
