/**
 * One row of a bulk upload, from its text to its fate: the prepared event to publish, or the
 * problem to report (code, field, rule). The same function runs on the request's thread and on
 * the upload worker threads (`row-workers.ts`), so both give the same answers.
 */
import { ContractError, type ContractRegistry } from '@minzheng/contracts';
import { prepareEvent, type PreparedEvent, type PrepareContext } from '@minzheng/event-bus/publisher';
import { IdentityError } from '@minzheng/identity/errors';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import { ServiceError } from '@minzheng/service-kit/errors';
import { normalizeEvent } from '../use-cases/normalize.js';
import { CsvProblem, csvRecord } from './csv.js';

export interface RowProblem {
  readonly code: string;
  readonly field: string;
  readonly rule: string;
}

export type RowOutcome = { readonly row: number; readonly prepared: PreparedEvent } | { readonly row: number; readonly problem: RowProblem };

/** What every row of one stretch of an upload shares. */
export interface RowJob {
  readonly eventType: string;
  readonly department: string;
  /** The CSV header's column paths (`csvColumns`); absent for NDJSON. */
  readonly columns: string[][] | undefined;
  /** The gateway's clock when the stretch was read (ms since the epoch). */
  readonly nowMs: number;
  /** Trace headers of the request, added to every event. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rows: readonly { readonly row: number; readonly text: string }[];
}

export interface RowCheckContext extends PrepareContext {
  readonly registry: ContractRegistry;
  readonly pseudonymizer: Pseudonymizer;
}

export function problemOf(error: unknown): RowProblem {
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

/** Checks every row of `job`, in order. A row the publisher refuses is a row problem too. */
export function checkRows(context: RowCheckContext, job: RowJob): RowOutcome[] {
  const now = new Date(job.nowMs);
  const client = { department: job.department };
  const schemaType: unknown = job.columns === undefined ? undefined : context.registry.event(job.eventType).type;
  return job.rows.map(({ row, text }): RowOutcome => {
    try {
      const json: unknown = job.columns === undefined ? JSON.parse(text) : csvRecord(text, job.columns, schemaType);
      const event = normalizeEvent(context.registry, context.pseudonymizer, client, job.eventType, json, now);
      return { row, prepared: prepareEvent(context, job.eventType, event.value, { headers: job.headers }) };
    } catch (error) {
      try {
        return { row, problem: problemOf(error) };
      } catch {
        // Not a rule the row breaks but a failure checking it: reported for this row, never a lost file.
        return { row, problem: { code: 'EXCH_INVALID_ROW', field: '(row)', rule: `could not be checked: ${error instanceof Error ? error.message : String(error)}` } };
      }
    }
  });
}
