/**
 * CSV exports (导出): streamed row by row (`Readable.from` over a generator), RFC 4180 quoting, a
 * UTF-8 byte-order mark so spreadsheet programs read the Chinese headers, and a header line naming
 * each column in Chinese and English.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(textOf).join(';');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

const quote = (value: unknown): string => {
  const text = textOf(value);
  return /[",\r\n;]/u.test(text) || text !== text.trim() ? `"${text.replace(/"/gu, '""')}"` : text;
};

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(quote).join(',')}\r\n`;
}

/** Sends `rows` as a CSV attachment named `fileName`, streamed. */
export function sendCsv(reply: FastifyReply, fileName: string, header: readonly string[], rows: Iterable<readonly unknown[]>): FastifyReply {
  function* lines(): Generator<string> {
    yield `\uFEFF${csvLine(header)}`;
    for (const row of rows) yield csvLine(row);
  }
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .send(Readable.from(lines()));
}
