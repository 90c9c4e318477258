/**
 * Encryption and Avro encoding on worker threads, for producers that publish thousands of events
 * per second: on the publishing thread, AES-GCM per personal field and Avro encoding cost more
 * than Kafka's own work. Each worker rebuilds the same registry (from `registry.catalog`) and
 * keyring (from the key bytes), so its output is byte-for-byte what `protectEvent` +
 * `encodeEvent` give on the calling thread.
 *
 * Jobs queued in one tick go to a worker as one message (a postMessage per event would cost more
 * than the work it moves). Results for one worker come back in order; the publisher restores the
 * global order across workers.
 */
import { ContractError, type ContractRegistry } from '@minzheng/contracts';
import { IdentityError } from '@minzheng/identity/errors';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { Worker } from 'node:worker_threads';
import type { EncodeJob, EncodeResult, SerializedError, WorkerSetup } from './encoding-worker.js';

export interface EncodedEvent {
  readonly bytes: Buffer;
  /** The key id of the personal fields' encryption, when there were any. */
  readonly keyId: string | undefined;
}

interface Waiting {
  readonly resolve: (encoded: EncodedEvent) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  readonly worker: Worker;
  outbox: EncodeJob[];
  /** Callers of the jobs sent to this worker, oldest first (the worker answers in order). */
  readonly waiting: Waiting[][];
  pendingOutbox: Waiting[];
  failure: Error | undefined;
}

/**
 * The worker script. Built code loads `dist/encoding-worker.js` beside this file; source run by
 * vitest (a `.ts` URL) loads the same built file, since a worker thread does not go through
 * vitest's transform.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../dist/encoding-worker.js', import.meta.url) : new URL('./encoding-worker.js', import.meta.url);
}

function revive(error: SerializedError): Error {
  if (error.name === 'ContractError') return new ContractError(error.code as ContractError['code'], error.message, error.problems ?? []);
  if (error.name === 'IdentityError') return new IdentityError(error.code as IdentityError['code'], error.message, error.details as IdentityError['details']);
  return new Error(error.message);
}

export class EncodingPool {
  private readonly lanes: Lane[];
  private next = 0;
  private scheduled = false;
  private closed = false;

  constructor(registry: ContractRegistry, keyring: Keyring, threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`EncodingPool: threads must be a whole number of at least 1 (got ${String(threads)})`);
    const keys: Record<string, Uint8Array> = {};
    for (const keyId of keyring.keyIds) {
      const key = keyring.key(keyId);
      if (key) keys[keyId] = key;
    }
    const setup: WorkerSetup = { catalog: registry.catalog, keys, activeKeyId: keyring.activeKeyId };
    this.lanes = Array.from({ length: threads }, () => this.startLane(setup));
  }

  private startLane(setup: WorkerSetup): Lane {
    const worker = new Worker(workerUrl(), { workerData: setup });
    worker.unref();
    const lane: Lane = { worker, outbox: [], waiting: [], pendingOutbox: [], failure: undefined };
    worker.on('message', (results: EncodeResult[]) => {
      const callers = lane.waiting.shift() ?? [];
      results.forEach((result, index) => {
        const caller = callers[index];
        if (!caller) return;
        if (result.ok) caller.resolve({ bytes: Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength), keyId: result.keyId });
        else caller.reject(revive(result.error));
      });
    });
    const fail = (error: Error): void => {
      lane.failure ??= error;
      for (const callers of lane.waiting.splice(0)) for (const caller of callers) caller.reject(lane.failure);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`an encoding worker thread exited (code ${String(code)})`));
    });
    return lane;
  }

  /** Protects and encodes one event on a worker thread. Rejects with the same coded errors as the inline path. */
  encode(eventType: string, value: unknown): Promise<EncodedEvent> {
    if (this.closed) return Promise.reject(new Error('EncodingPool.encode after close()'));
    const lane = this.lanes[this.next];
    this.next = (this.next + 1) % this.lanes.length;
    if (!lane) return Promise.reject(new Error('EncodingPool has no worker'));
    if (lane.failure) return Promise.reject(lane.failure);
    return new Promise<EncodedEvent>((resolve, reject) => {
      lane.outbox.push({ eventType, value });
      lane.pendingOutbox.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.post();
        });
      }
    });
  }

  private post(): void {
    for (const lane of this.lanes) {
      if (lane.outbox.length === 0) continue;
      const jobs = lane.outbox;
      lane.waiting.push(lane.pendingOutbox);
      lane.outbox = [];
      lane.pendingOutbox = [];
      try {
        lane.worker.postMessage(jobs);
      } catch (error) {
        // A value that cannot cross threads (a function, a symbol...): not an event.
        const callers = lane.waiting.pop() ?? [];
        for (const caller of callers) caller.reject(error);
      }
    }
  }

  /** Stops the workers; jobs not yet answered are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.lanes.map(async (lane) => {
      for (const callers of lane.waiting.splice(0)) for (const caller of callers) caller.reject(new Error('EncodingPool closed'));
      await lane.worker.terminate();
    }));
  }
}
