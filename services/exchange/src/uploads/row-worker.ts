/**
 * A worker thread of `RowWorkers`: rebuilds the registry, keyring and pseudonymizer it was given,
 * then answers each job (a stretch of an upload's rows) with their outcomes, in order.
 */
import { ContractRegistry, type CatalogData } from '@minzheng/contracts';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { createPseudonymizer } from '@minzheng/identity/pseudonym';
import type { KeyObject } from 'node:crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { checkRows, type RowJob, type RowOutcome } from './row-check.js';

export interface RowWorkerSetup {
  readonly catalog: CatalogData;
  readonly keys: Record<string, Uint8Array>;
  readonly activeKeyId: string;
  readonly pseudonymKey: KeyObject;
  readonly source: string;
}

/** What a worker answers: the outcomes, or why the whole job failed (a bug, not a bad row). */
export type RowWorkerAnswer = { readonly outcomes: RowOutcome[] } | { readonly failure: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const setup = workerData as RowWorkerSetup;
  const context = {
    registry: new ContractRegistry(setup.catalog),
    keyring: createKeyring(setup.keys, setup.activeKeyId),
    pseudonymizer: createPseudonymizer(setup.pseudonymKey),
    source: setup.source,
  };
  port.on('message', (job: RowJob) => {
    let answer: RowWorkerAnswer;
    try {
      answer = { outcomes: checkRows(context, job) };
    } catch (error) {
      answer = { failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(answer);
  });
}
