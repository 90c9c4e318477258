/**
 * The worker thread of `EncodingPool`: rebuilds the registry and keyring it was given, then
 * answers each array of jobs with an array of results, in order.
 */
import { ContractRegistry, encodeEvent, protectEvent, type CatalogData, type FieldProblem } from '@minzheng/contracts';
import { createKeyring } from '@minzheng/identity/field-crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface WorkerSetup {
  readonly catalog: CatalogData;
  readonly keys: Record<string, Uint8Array>;
  readonly activeKeyId: string;
}

export interface EncodeJob {
  readonly eventType: string;
  readonly value: unknown;
}

export interface SerializedError {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
  readonly problems?: readonly FieldProblem[];
  readonly details?: unknown;
}

export type EncodeResult = { ok: true; bytes: Uint8Array; keyId: string | undefined } | { ok: false; error: SerializedError };

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', code: undefined, message: String(error) };
  const coded = error as Error & { code?: unknown; problems?: readonly FieldProblem[]; details?: unknown };
  return {
    name: error.name,
    code: typeof coded.code === 'string' ? coded.code : undefined,
    message: error.message,
    problems: coded.problems,
    details: coded.details,
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const registry = new ContractRegistry(setup.catalog);
  const keyring = createKeyring(setup.keys, setup.activeKeyId);
  port.on('message', (jobs: EncodeJob[]) => {
    const results = jobs.map((job): EncodeResult => {
      try {
        const protectedEvent = protectEvent(registry, job.eventType, job.value, keyring);
        return { ok: true, bytes: encodeEvent(registry, job.eventType, protectedEvent.value), keyId: protectedEvent.keyId };
      } catch (error) {
        return { ok: false, error: serialize(error) };
      }
    });
    port.postMessage(results);
  });
}
