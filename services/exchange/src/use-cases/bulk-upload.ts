/**
 * 批量报送 (bulk upload): a file of one event type streamed in (NDJSON, or CSV with the header as
 * the column mapping, `uploads/csv.ts`), never held in memory whole. Every row goes through the
 * same checks as a single event (`normalize.ts`). Valid rows are grouped in batches of up to
 * `BATCH_ROWS`, and each batch is committed in four steps:
 *
 * 1. its rows' derived event ids are claimed (`ClaimStore`): a row delivered before (same
 *    department, event type and source record id), whether it repeats within the file, came in a
 *    file uploaded before, or in a re-sent file, is counted as a duplicate and not published;
 * 2. the fresh rows' events are published, and Kafka acknowledges them (acks = all);
 * 3. a batch record says the batch is out (its absence lets a stale claim be taken over);
 * 4. the upload's progress (`rowsCommitted`) and counts move on, with the invalid rows' problems
 *    (line number, field, rule) recorded.
 *
 * That is publish-then-record instead of a transactional outbox: nothing is counted as accepted
 * before Kafka has it, and a crash between 2 and 4 makes a resume publish that batch again with
 * the same event ids, which consumers skip (at-least-once, as the outbox relay). Writing hundreds
 * of prepared events into a document only to read them back and clear them cost the store three
 * times what the rows' claims cost.
 *
 * Rows are read and checked while the previous batch is being committed (one batch ahead), so the
 * CPU work and the store's and broker's round trips overlap.
 *
 * Resume: if a transfer breaks, the department sends the file again to the same upload; rows up to
 * `rowsCommitted` are skipped without work, the rest is processed as new (a batch re-claims its
 * own rows, so a half-committed batch is finished, not lost). The receipt is signed when the whole
 * file has arrived.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Principal } from '@minzheng/service-kit/auth';
import { currentTraceHeaders, type PreparedEvent } from '@minzheng/event-bus/publisher';
import { insertNew, isDuplicateKey } from '@minzheng/service-kit/repository';
import type { Logger } from 'pino';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';
import { CsvProblem, csvColumns } from '../uploads/csv.js';
import type { RowOutcome } from '../uploads/row-check.js';
import { STRETCH_ROWS } from '../uploads/row-workers.js';
import type { StoredUpload, StoredUploadError, UPLOAD_FORMATS } from '../uploads/upload.schema.js';
import { clientOf, requireAllowed } from './deliver.js';

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
  /** Whether the body so far ends with a newline (its last line is whole). */
  const tail = { newline: false };
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    if (chunk.length > 0) tail.newline = chunk[chunk.length - 1] === 0x0a;
  });
  const lines = createInterface({ input: body, crlfDelay: Infinity });

  let committed = upload.rowsCommitted;
  let totals = { accepted: upload.accepted, duplicates: upload.duplicates, rejected: upload.rejected };
  let reported = upload.rejected;
  let rows: { row: number; prepared: PreparedEvent }[] = [];
  let problems: StoredUploadError[] = [];
  let columns: string[][] | undefined;
  let line = 0;
  /** Invalid rows since the last batch (reported or beyond the report's cap). */
  let rejectedSince = 0;
  /** The batch being committed while the next one is read. */
  let committing: Promise<void> = Promise.resolve();

  const commit = async (batch: { rows: { row: number; prepared: PreparedEvent }[]; problems: StoredUploadError[]; rejected: number; lastRow: number }): Promise<void> => {
    const now = deps.now();
    const batchId = `${id}:${String(batch.lastRow)}`;
    const held = await deps.claims.claim(batch.rows.map((item) => item.prepared.eventId), batchId, now);
    // The first of two rows with one event id in a batch carries it; the other is a duplicate.
    const carried = new Set<string>();
    const fresh = batch.rows.filter((item) => held.has(item.prepared.eventId) && !carried.has(item.prepared.eventId) && carried.add(item.prepared.eventId));
    if (fresh.length > 0) {
      await deps.publisher.publishPrepared(fresh.map((item) => item.prepared));
      try {
        await deps.uploadBatches.insertMany([{ _id: batchId, uploadId: id, firstRow: fresh[0]?.row ?? batch.lastRow, lastRow: batch.lastRow, accepted: fresh.length, publishedAt: now }], { lean: true });
      } catch (error) {
        // Recorded by an earlier attempt that stopped before recording its progress.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    // Recorded by an earlier attempt (a resumed transfer): the same `_id`, the same problem.
    await insertNew(deps.uploadErrors.db.collection<StoredUploadError>(deps.uploadErrors.collection.collectionName), batch.problems);
    totals = { accepted: totals.accepted + fresh.length, duplicates: totals.duplicates + batch.rows.length - fresh.length, rejected: totals.rejected + batch.rejected };
    const progressed = Math.floor(batch.lastRow / 10_000) !== Math.floor(committed / 10_000);
    committed = batch.lastRow;
    await deps.uploads.updateOne({ _id: id }, { $set: { rowsCommitted: committed, ...totals, updatedAt: now } });
    if (progressed) logger?.info({ uploadId: id, rows: committed, ...totals }, 'upload: progress');
  };
  /** Hands the rows read so far to `commit` once the batch before them is committed. */
  const flush = async (lastRow: number): Promise<void> => {
    const batch = { rows, problems, rejected: rejectedSince, lastRow };
    rows = [];
    problems = [];
    rejectedSince = 0;
    await committing;
    committing = commit(batch);
    // Not awaited here: the next batch is read meanwhile. A failure surfaces at the next flush or
    // at the end; until then it must not count as unhandled.
    committing.catch(() => undefined);
  };

  /** Takes a stretch's outcomes in row order: a full batch goes to `flush` at its last row. */
  const take = async (outcomes: RowOutcome[]): Promise<void> => {
    for (const outcome of outcomes) {
      if ('prepared' in outcome) {
        rows.push(outcome);
        if (rows.length >= BATCH_ROWS) await flush(outcome.row);
        continue;
      }
      rejectedSince += 1;
      reported += 1;
      if (reported <= MAX_REPORTED_ERRORS) problems.push({ _id: `${id}:${String(outcome.row)}`, uploadId: id, row: outcome.row, ...outcome.problem });
    }
  };
  // Stretches of rows being checked (on the worker threads), oldest first; taken in order.
  const checking: Promise<RowOutcome[]>[] = [];
  const traceHeaders = currentTraceHeaders();
  let stretch: { row: number; text: string }[] = [];
  const dispatch = async (): Promise<void> => {
    if (stretch.length > 0) {
      const pending = deps.rowWorkers.check({ eventType: upload.eventType, department: client.department, columns, nowMs: deps.now().getTime(), headers: traceHeaders, rows: stretch });
      // Awaited in order below; a failure must not count as unhandled meanwhile.
      pending.catch(() => undefined);
      checking.push(pending);
      stretch = [];
    }
    // Two stretches per worker keep each busy while the last answer is taken.
    while (checking.length > 2 * deps.rowWorkers.parallelism) await take(await (checking.shift() ?? Promise.resolve([])));
  };

  /** One line of the file, in order. A failed row check or a bad CSV header ends the request at once. */
  const accept = async (text: string): Promise<void> => {
    line += 1;
    if (upload.format === 'CSV' && line === 1) {
      try {
        columns = csvColumns(text.replace(/^\uFEFF/u, ''), schemaType);
      } catch (error) {
        if (!(error instanceof CsvProblem)) throw error;
        throw exchangeError('EXCH_INVALID_CSV_HEADER', `CSV 表头无效 (line 1: ${error.field} ${error.rule})`, { field: error.field, rule: error.rule, row: 1 });
      }
      return;
    }
    if (line <= upload.rowsCommitted || text.trim() === '') return;
    stretch.push({ row: line, text });
    if (stretch.length >= STRETCH_ROWS) await dispatch();
  };

  // Only the body stream's own failure is a broken transfer; the last line waits until it is known
  // to be whole (the body ended with a newline, or arrived complete), so a cut-off row is never
  // checked as if it were the sender's.
  const iterator = lines[Symbol.asyncIterator]();
  let held: string | undefined;
  let broken: Error | undefined;
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await iterator.next();
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      break;
    }
    if (next.done === true) break;
    if (held !== undefined) await accept(held);
    held = next.value;
  }
  const complete = broken === undefined && !transfer.aborted() && (transfer.declaredBytes === undefined || bytes === transfer.declaredBytes);
  if (held !== undefined && (complete || tail.newline)) await accept(held);
  // What arrived whole is checked and committed, batch by batch (the last batch, not full, waits
  // for the resumed transfer when the transfer broke).
  await dispatch();
  for (let pending = checking.shift(); pending !== undefined; pending = checking.shift()) await take(await pending);
  await committing;
  if (broken !== undefined) throw broken;
  if (transfer.aborted() || (transfer.declaredBytes !== undefined && bytes !== transfer.declaredBytes)) {
    // What arrived is committed batch by batch; the upload stays RECEIVING for the file to be sent again.
    throw exchangeError('EXCH_TRANSFER_INCOMPLETE', `文件未传完 (the transfer ended after ${String(bytes)} bytes${transfer.declaredBytes === undefined ? '' : ` of ${String(transfer.declaredBytes)}`}; send the same file again to resume from row ${String(committed + 1)})`, {
      field: 'body',
      rule: 'the whole file must arrive before the upload completes',
      bytesReceived: bytes,
      rowsCommitted: committed,
    });
  }
  if (rows.length > 0 || problems.length > 0 || rejectedSince > 0 || line > committed) {
    await flush(Math.max(line, committed));
    await committing;
  }

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
