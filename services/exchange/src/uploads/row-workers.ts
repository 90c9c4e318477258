/**
 * Upload rows checked on worker threads. Parsing, the identity checks, the pseudonym HMAC, field
 * encryption and Avro encoding cost about 150 µs a row; on the request's thread that caps a bulk
 * upload at what one core does, with the store's and broker's round trips in between. With
 * workers, the request's thread only splits lines and commits batches.
 *
 * A job is a stretch of rows (`STRETCH_ROWS`); jobs go round-robin to the workers and each
 * worker answers in order, so `check` resolves each job's outcomes in row order. With no threads,
 * `check` runs the same `checkRows` inline.
 */
import { type ContractRegistry } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { pseudonymizerKey, type Pseudonymizer } from '@minzheng/identity/pseudonym';
import { Worker } from 'node:worker_threads';
import { checkRows, type RowCheckContext, type RowJob, type RowOutcome } from './row-check.js';
import type { RowWorkerAnswer, RowWorkerSetup } from './row-worker.js';

/** Rows per job: enough that a message costs little next to the work it carries. */
export const STRETCH_ROWS = 250;

interface Lane {
  readonly worker: Worker;
  /** Callers of the jobs sent to this worker, oldest first. */
  readonly waiting: { resolve: (outcomes: RowOutcome[]) => void; reject: (error: Error) => void }[];
  failure: Error | undefined;
}

/**
 * The worker script. Built code loads `row-worker.js` beside this file; source run by vitest (a
 * `.ts` URL) loads the built file, since a worker thread does not go through vitest's transform.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/uploads/row-worker.js', import.meta.url) : new URL('./row-worker.js', import.meta.url);
}

export interface RowWorkersOptions {
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  /** The publisher's source (`mz-source` header). */
  readonly source: string;
  /** Worker threads; 0 checks rows on the calling thread. */
  readonly threads: number;
}

export class RowWorkers {
  private readonly lanes: Lane[];
  private readonly inline: RowCheckContext;
  private readonly setup: RowWorkerSetup;
  /** Workers that died and were started again (for the operators). */
  restarts = 0;
  private next = 0;
  private closed = false;

  constructor(options: RowWorkersOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 0) throw new RangeError(`RowWorkers: threads must be a whole number ≥ 0 (got ${String(options.threads)})`);
    this.inline = { registry: options.registry, keyring: options.keyring, pseudonymizer: options.pseudonymizer, source: options.source };
    const keys: Record<string, Uint8Array> = {};
    for (const keyId of options.keyring.keyIds) {
      const key = options.keyring.key(keyId);
      if (key) keys[keyId] = key;
    }
    this.setup = { catalog: options.registry.catalog, keys, activeKeyId: options.keyring.activeKeyId, pseudonymKey: pseudonymizerKey(options.pseudonymizer), source: options.source };
    this.lanes = Array.from({ length: options.threads }, (_, index) => this.startLane(index));
  }

  /** How many jobs may usefully be in flight at once. */
  get parallelism(): number {
    return Math.max(1, this.lanes.length);
  }

  /** Starts the worker of lane `index`; one that dies fails its jobs in hand and is started again. */
  private startLane(index: number): Lane {
    const worker = new Worker(workerUrl(), { workerData: this.setup });
    worker.unref();
    const lane: Lane = { worker, waiting: [], failure: undefined };
    worker.on('message', (answer: RowWorkerAnswer) => {
      const caller = lane.waiting.shift();
      if ('failure' in answer) caller?.reject(new Error(`an upload worker failed: ${answer.failure}`));
      else caller?.resolve(answer.outcomes.map((outcome) => ('prepared' in outcome ? { row: outcome.row, prepared: { ...outcome.prepared, bytes: Buffer.from(outcome.prepared.bytes.buffer, outcome.prepared.bytes.byteOffset, outcome.prepared.bytes.byteLength) } } : outcome)));
    });
    const fail = (error: Error): void => {
      lane.failure ??= error;
      for (const caller of lane.waiting.splice(0)) caller.reject(lane.failure);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.closed) return;
      fail(new Error(`an upload worker thread exited (code ${String(code)})`));
      this.restarts += 1;
      this.lanes[index] = this.startLane(index);
    });
    return lane;
  }

  /** The outcomes of the job's rows, in order. */
  check(job: RowJob): Promise<RowOutcome[]> {
    if (this.closed) return Promise.reject(new Error('RowWorkers.check after close()'));
    const lane = this.lanes[this.next];
    if (lane === undefined) {
      try {
        return Promise.resolve(checkRows(this.inline, job));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.next = (this.next + 1) % this.lanes.length;
    if (lane.failure) return Promise.reject(lane.failure);
    return new Promise<RowOutcome[]>((resolve, reject) => {
      lane.waiting.push({ resolve, reject });
      lane.worker.postMessage(job);
    });
  }

  /** Stops the workers; jobs not yet answered are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.lanes.map(async (lane) => {
        for (const caller of lane.waiting.splice(0)) caller.reject(new Error('RowWorkers closed'));
        await lane.worker.terminate();
      }),
    );
  }
}
