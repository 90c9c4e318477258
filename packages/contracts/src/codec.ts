/**
 * Avro single-object encoding (Avro specification, "Single-object encoding"):
 * `C3 01` | 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema | Avro binary body.
 * A reader that knows the fingerprint decodes any published version and resolves it to its own.
 */
import type avsc from 'avsc';
import { ContractError, type FieldProblem } from './errors.js';
import type { ContractRegistry } from './registry.js';

export interface DecodedEvent {
  readonly eventType: string;
  readonly value: unknown;
  /** The version the producer wrote with (1 = first published). */
  readonly writerVersion: number;
  readonly writerFingerprint: string;
}

function describe(type: avsc.Type): string {
  const name = type.typeName;
  if (name.startsWith('logical:')) return `a valid ${name.slice('logical:'.length)}`;
  if (name === 'enum') return `one of ${(type as avsc.types.EnumType).symbols.join(', ')}`;
  if (name === 'record') return `an object (${type.name ?? 'record'})`;
  if (name === 'union:unwrapped' || name === 'union:wrapped') return 'null or a value of the field type';
  return `a value of type ${name}`;
}

/** Every invalid field of `value`, by path and rule (empty when valid). */
export function validationProblems(type: avsc.Type, value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  type.isValid(value, {
    errorHook: (path: string[], _value: unknown, failing: avsc.Type) => {
      problems.push({ path: path.length > 0 ? path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]') : '(event)', rule: `must be ${describe(failing)}` });
    },
  });
  return problems;
}

/** Encodes a value of `eventType` with its current schema; an invalid value is a coded error. */
export function encodeEvent(registry: ContractRegistry, eventType: string, value: unknown): Buffer {
  const event = registry.event(eventType);
  let body: Buffer;
  try {
    // avsc's writers check every value they write and throw on a bad one, so the full
    // validation (which names every problem) only runs on that path, not for every event.
    body = event.type.toBuffer(value);
  } catch (error) {
    const problems = validationProblems(event.type, value);
    if (problems.length === 0) throw error;
    throw new ContractError('AVRO_INVALID_VALUE', `invalid ${eventType}: ${problems.map((p) => `${p.path} ${p.rule}`).join('; ')}`, problems, { cause: error });
  }
  return Buffer.concat([event.header, body]);
}

/** Decodes a single-object encoded message, resolving the writer's version to the reader's. */
export function decodeEvent(registry: ContractRegistry, bytes: Uint8Array): DecodedEvent {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 10 || buffer[0] !== 0xc3 || buffer[1] !== 0x01) {
    throw new ContractError('AVRO_NOT_SINGLE_OBJECT', `not an Avro single-object message (${buffer.length} bytes, starts ${buffer.subarray(0, 2).toString('hex') || 'empty'})`);
  }
  const fingerprint = buffer.readBigUInt64LE(2);
  const writer = registry.writer(fingerprint);
  if (!writer) {
    throw new ContractError('AVRO_UNKNOWN_FINGERPRINT', `no published schema has fingerprint ${fingerprint.toString(16).padStart(16, '0')}`);
  }
  let value: unknown;
  try {
    value = writer.event.type.fromBuffer(buffer.subarray(10), writer.resolver);
  } catch (error) {
    throw new ContractError('AVRO_CORRUPT_BODY', `${writer.event.eventType} v${writer.version}: the body does not decode (${error instanceof Error ? error.message : String(error)})`, [], { cause: error });
  }
  return { eventType: writer.event.eventType, value, writerVersion: writer.version, writerFingerprint: writer.fingerprintHex };
}
