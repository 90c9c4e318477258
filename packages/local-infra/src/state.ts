import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KafkaProcessState {
  readonly pid: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly clusterId: string;
  readonly version: string;
  readonly startedAt: string;
}

export interface FerretdbProcessState {
  readonly pid: number;
  readonly port: number;
  readonly version: string;
  readonly startedAt: string;
}

/** What `infra up` started, so `status`/`down` and the next `up` find it again. */
export interface InfraState {
  kafka?: KafkaProcessState;
  ferretdb?: FerretdbProcessState;
  /** The ports used last time: reused when free, so clients' saved addresses keep working. */
  lastPorts?: { kafka?: number; kafkaController?: number; ferretdb?: number };
}

export function readState(file: string): InfraState {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InfraState;
  } catch {
    return {};
  }
}

/** Written to a temporary file then renamed, so a reader never sees half a file. */
export function writeState(file: string, state: InfraState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

export function updateState(file: string, change: (state: InfraState) => void): InfraState {
  const state = readState(file);
  change(state);
  writeState(file, state);
  return state;
}
