/**
 * Bulk uploads on the real store and broker: a file of mixed rows (about 1% invalid) yields exactly
 * the valid rows as decodable events and a report of every invalid row; the same file uploaded
 * again publishes nothing new; a broken transfer resumes without loss or repeat; CSV with its
 * header as the column mapping.
 */
import { Readable } from 'node:stream';
import { decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { uniqueName, waitFor } from '@minzheng/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deathRegistered, idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

/**
 * Rows of the big file. The suite uses 10,000 to stay within CI's time; the acceptance figure of
 * issue 6 is 100,000: `MZ_TEST_UPLOAD_ROWS=100000` (see README for the measured time).
 */
const ROWS = Number(process.env.MZ_TEST_UPLOAD_ROWS ?? 100_000);

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
  const created = await service.app.inject({
    method: 'POST',
    url: '/clients',
    payload: { id: 'gongan-hukou', name: '公安户籍系统', department: 'PUBLIC_SECURITY', allowedEventTypes: ['public-security.death-registered'] },
    headers: { authorization: `Bearer ${await service.token(['admin'], '442000', 'admin-1')}` },
  });
  expect(created.statusCode).toBe(201);
});
afterAll(() => service.close());

const auth = async (subject = 'gongan-hukou') => ({ authorization: `Bearer ${await service.token(['department-system'], '442000', subject)}` });

interface Upload { id: string; status: string; rowsCommitted: number; accepted: number; duplicates: number; rejected: number; receipt: { kind: string; accepted: number; signature: string } | null }

async function create(format: 'NDJSON' | 'CSV' = 'NDJSON'): Promise<Upload> {
  const response = await service.app.inject({ method: 'POST', url: '/uploads', payload: { eventType: 'public-security.death-registered', format }, headers: await auth() });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Upload>();
}

async function send(id: string, payload: string | Readable, contentType = 'application/x-ndjson') {
  return service.app.inject({ method: 'PUT', url: `/uploads/${id}/content`, payload, headers: { ...(await auth()), 'content-type': contentType } });
}

/** A file of `rows` lines: every 100th invalid (three kinds of fault), record ids `${prefix}-<n>`. */
function file(rows: number, prefix: string): { text: string; invalidRows: number[]; validIds: Set<string> } {
  const lines: string[] = [];
  const invalidRows: number[] = [];
  const validIds = new Set<string>();
  for (let row = 1; row <= rows; row += 1) {
    const recordId = `${prefix}-${String(row)}`;
    const id = idNumber(`19${String(30 + (row % 60))}-0${String(1 + (row % 9))}-1${String(row % 10)}`, row % 2 === 0 ? 'F' : 'M');
    if (row % 100 === 0) {
      invalidRows.push(row);
      const kind = (row / 100) % 3;
      lines.push(kind === 0 ? '{"envelope": ' : JSON.stringify(kind === 1 ? deathRegistered(withWrongCheckDigit(id), recordId) : deathRegistered(id, recordId, { deathCategory: 'UNKNOWN_KIND' })));
    } else {
      validIds.add(recordId);
      lines.push(JSON.stringify(deathRegistered(id, recordId)));
    }
  }
  return { text: `${lines.join('\n')}\n`, invalidRows, validIds };
}

/**
 * Record ids of the death-registered events on the test topic whose record id starts with `prefix`.
 * Every event is decoded; the first of each fetched batch also has its personal fields decrypted
 * (decrypting all 100,000 would only measure the test's own speed).
 */
async function publishedRecordIds(prefix: string, expected: number): Promise<string[]> {
  await service.relay.drain();
  const seen: string[] = [];
  const consumer = service.kafka.consumer({ groupId: uniqueName('upload-read'), maxBytesPerPartition: 10_485_760 });
  await consumer.connect();
  await consumer.subscribe({ topic: service.topic, fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch }) => {
      batch.messages.forEach((message, index) => {
        if (!message.value) return;
        const decoded = decodeEvent(service.registry, message.value);
        const value = (index === 0 ? unprotectEvent(service.registry, decoded.eventType, decoded.value, service.keyring) : decoded.value) as { envelope: { source: { recordId: string | null }; person: { name: string } } };
        if (index === 0) expect(value.envelope.person.name).toBe('何国强');
        const recordId = value.envelope.source.recordId ?? '';
        if (recordId.startsWith(`${prefix}-`)) seen.push(recordId);
      });
      return Promise.resolve();
    },
  });
  try {
    await waitFor(() => seen.length >= expected, { timeoutMs: 120_000 + expected, description: `${String(expected)} events of ${prefix}` });
    // A little longer: anything published twice would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('NDJSON bulk upload', () => {
  it(`publishes exactly the valid rows of ${String(ROWS)}, reports every invalid row, and publishes nothing new when the file comes again`, async () => {
    const { text, invalidRows, validIds } = file(ROWS, 'BULK');
    const upload = await create();
    const sent = await send(upload.id, text);
    expect(sent.statusCode, sent.body.slice(0, 500)).toBe(200);
    expect(sent.json()).toMatchObject({ status: 'COMPLETED', rowsCommitted: ROWS, accepted: validIds.size, duplicates: 0, rejected: invalidRows.length, receipt: { kind: 'UPLOAD', accepted: validIds.size, rejected: invalidRows.length } });

    const report = await service.app.inject({ url: `/uploads/${upload.id}/errors?pageSize=1000`, headers: await auth() });
    const rows = report.json<{ total: number; items: { row: number; code: string; field: string }[] }>();
    expect(rows.total).toBe(invalidRows.length);
    expect(rows.items.map((item) => item.row)).toEqual(invalidRows.slice(0, 1000));
    expect(rows.items.slice(0, 3).map((item) => [item.code, item.field])).toEqual([
      ['ID_CHECK_DIGIT', 'envelope.person.idNumber'],
      ['EXCH_INVALID_EVENT', 'deathCategory'],
      ['EXCH_INVALID_ROW', '(row)'],
    ]);

    const published = await publishedRecordIds('BULK', validIds.size);
    expect(published.length).toBe(validIds.size);
    expect(new Set(published)).toEqual(validIds);

    const again = await create();
    expect((await send(again.id, text)).json()).toMatchObject({ status: 'COMPLETED', accepted: 0, duplicates: validIds.size, rejected: invalidRows.length });
    expect((await publishedRecordIds('BULK', validIds.size)).length).toBe(validIds.size);
    // A completed upload takes no more content.
    expect((await send(again.id, text)).json()).toMatchObject({ code: 'EXCH_UPLOAD_COMPLETED' });
  }, 30 * 60_000);

  it('resumes a broken transfer: the rows already committed are skipped, none is lost or published twice', async () => {
    const { text, invalidRows, validIds } = file(3_000, 'RESUME');
    const upload = await create();
    const lines = text.split('\n');
    // The connection breaks after 1,700 lines.
    const broken = Readable.from((function* () {
      yield `${lines.slice(0, 1_700).join('\n')}\n`;
      throw new Error('connection reset');
    })());
    // The client sees its request fail; the gateway keeps what it committed before the break.
    const failed = await send(upload.id, broken).then(() => 'answered', () => 'failed');
    expect(failed).toBe('failed');
    let halfway: Upload | undefined;
    await waitFor(async () => {
      halfway = (await service.app.inject({ url: `/uploads/${upload.id}`, headers: await auth() })).json<Upload>();
      return halfway.rowsCommitted >= 1_500;
    }, { timeoutMs: 30_000, description: 'the rows before the break to be committed' });
    if (halfway === undefined) throw new Error('no upload');
    expect(halfway.status).toBe('RECEIVING');
    expect(halfway.rowsCommitted).toBeGreaterThan(0);
    expect(halfway.rowsCommitted).toBeLessThanOrEqual(1_700);

    const second = await send(upload.id, text);
    expect(second.json()).toMatchObject({ status: 'COMPLETED', rowsCommitted: 3_000, accepted: validIds.size, duplicates: 0, rejected: invalidRows.length });
    const published = await publishedRecordIds('RESUME', validIds.size);
    expect(published.length).toBe(validIds.size);
  });

  it('does not complete an upload whose body ended short of its Content-Length', async () => {
    const { text, validIds } = file(1_200, 'SHORT');
    const upload = await create();
    const part = text.split('\n').slice(0, 700).join('\n');
    const short = await service.app.inject({ method: 'PUT', url: `/uploads/${upload.id}/content`, payload: part, headers: { ...(await auth()), 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(text)) } });
    expect(short.json()).toMatchObject({ code: 'EXCH_TRANSFER_INCOMPLETE', details: { field: 'body' } });
    expect((await service.app.inject({ url: `/uploads/${upload.id}`, headers: await auth() })).json()).toMatchObject({ status: 'RECEIVING' });
    expect((await send(upload.id, text)).json()).toMatchObject({ status: 'COMPLETED', accepted: validIds.size, duplicates: 0 });
  });

  it('refuses an event type off the allow-list and another client\'s upload', async () => {
    const refused = await service.app.inject({ method: 'POST', url: '/uploads', payload: { eventType: 'public-security.birth-registered', format: 'NDJSON' }, headers: await auth() });
    expect(refused.json()).toMatchObject({ code: 'EXCH_EVENT_TYPE_NOT_ALLOWED' });
    const upload = await create();
    expect((await service.app.inject({ url: `/uploads/${upload.id}`, headers: await auth('stranger') })).json()).toMatchObject({ code: 'EXCH_NOT_FOUND' });
  });
});

describe('CSV bulk upload', () => {
  it('maps the header paths to the event, converts cells by their Avro type, and names the field of a bad cell', async () => {
    const header = 'envelope.occurredAt,envelope.source.system,envelope.source.recordId,envelope.region.countyCode,envelope.region.townCode,envelope.region.villageCode,envelope.person.idNumber,envelope.person.name,dateOfDeath,deathCategory,hukouCancelled';
    const row = (recordId: string, hukouCancelled: string) => `2026-01-27T10:20:00.000Z,gongan-hukou,${recordId},442000,442000101,442000101002,${idNumber('1940-02-02', 'M')},"何, 国强",2026-01-27,ACCIDENT,${hukouCancelled}`;
    const upload = await create('CSV');
    const sent = await send(upload.id, [header, row('CSV-1', 'true'), row('CSV-2', 'yes'), row('CSV-3', 'false')].join('\n'), 'text/csv');
    expect(sent.json()).toMatchObject({ status: 'COMPLETED', accepted: 2, rejected: 1 });
    const report = (await service.app.inject({ url: `/uploads/${upload.id}/errors`, headers: await auth() })).json<{ items: unknown[] }>();
    expect(report.items).toEqual([{ row: 3, code: 'EXCH_INVALID_ROW', field: 'hukouCancelled', rule: 'must be true or false' }]);

    const badHeader = await create('CSV');
    const refused = await send(badHeader.id, 'envelope.occurredAt,noSuchField\n', 'text/csv');
    expect(refused.json()).toMatchObject({ code: 'EXCH_INVALID_CSV_HEADER', details: { field: '(header column 2)' } });
  });
});
