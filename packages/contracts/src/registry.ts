/**
 * The registry of every event type and every published version of its schema, built from the
 * generated catalog. Encoding uses the current (reader) schema; decoding finds the writer schema
 * by the fingerprint in the message and resolves it to the reader schema.
 */
import type avsc from 'avsc';
import { crc64Avro, fingerprintBytes, fingerprintHex } from './avro/fingerprint.js';
import { canonicalForm, parseAvroSchema } from './avro/logical-types.js';
import type { CatalogData } from './catalog-data.js';
import { ContractError } from './errors.js';
import { piiPlanOf, type PiiPlan, type SchemaNode } from './schema-files/walk.js';

/** The two marker bytes of Avro single-object encoding. */
export const SINGLE_OBJECT_MARKER = Buffer.from([0xc3, 0x01]);

export interface RegisteredEvent {
  readonly eventType: string;
  readonly topic: string;
  readonly fullName: string;
  /** The reader schema of this build. */
  readonly type: avsc.Type;
  readonly schema: SchemaNode;
  readonly fingerprint: bigint;
  readonly fingerprintHex: string;
  readonly version: number;
  /** `C3 01` + the fingerprint: the first 10 bytes of every message written with this schema. */
  readonly header: Buffer;
  readonly piiPaths: readonly string[];
  readonly piiPlan: PiiPlan | undefined;
}

export interface WriterSchema {
  readonly event: RegisteredEvent;
  readonly version: number;
  readonly fingerprintHex: string;
  /** Undefined when the writer schema is the reader schema. */
  readonly resolver: avsc.Resolver | undefined;
}

export class ContractRegistry {
  private readonly events = new Map<string, RegisteredEvent>();
  private readonly writers = new Map<bigint, WriterSchema>();

  /**
   * The catalog this registry was built from (plain data: a worker thread can rebuild the same
   * registry from it).
   */
  readonly catalog: CatalogData;

  constructor(data: CatalogData) {
    this.catalog = data;
    for (const entry of data.events) {
      const type = parseAvroSchema(entry.schema as object);
      const fingerprint = crc64Avro(canonicalForm(type));
      if (fingerprintHex(fingerprint) !== entry.fingerprint) {
        throw new Error(`catalog entry ${entry.eventType}: fingerprint ${entry.fingerprint} does not match its schema; regenerate the catalog`);
      }
      const current = entry.published.find((published) => published.fingerprint === entry.fingerprint);
      const event: RegisteredEvent = {
        eventType: entry.eventType,
        topic: entry.topic,
        fullName: entry.fullName,
        type,
        schema: entry.schema,
        fingerprint,
        fingerprintHex: entry.fingerprint,
        version: current?.version ?? entry.published.length + 1,
        header: Buffer.concat([SINGLE_OBJECT_MARKER, fingerprintBytes(fingerprint)]),
        piiPaths: entry.piiPaths,
        piiPlan: piiPlanOf(entry.schema),
      };
      this.events.set(entry.eventType, event);
      this.writers.set(fingerprint, { event, version: event.version, fingerprintHex: entry.fingerprint, resolver: undefined });
      for (const published of entry.published) {
        if (published.fingerprint === entry.fingerprint || published.schema === undefined) continue;
        const writerType = parseAvroSchema(published.schema as object);
        let resolver: avsc.Resolver;
        try {
          resolver = type.createResolver(writerType);
        } catch (error) {
          throw new ContractError(
            'AVRO_INCOMPATIBLE_SCHEMA',
            `${entry.eventType}: the current schema cannot read published version ${published.version}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        this.writers.set(crc64Avro(canonicalForm(writerType)), { event, version: published.version, fingerprintHex: published.fingerprint, resolver });
      }
    }
  }

  /** The registered event type, or a coded error naming the unknown type. */
  event(eventType: string): RegisteredEvent {
    const event = this.events.get(eventType);
    if (!event) throw new ContractError('AVRO_UNKNOWN_EVENT_TYPE', `no event type "${eventType}" in the catalog`, [{ path: 'eventType', rule: 'must be a cataloged event type' }]);
    return event;
  }

  has(eventType: string): boolean {
    return this.events.has(eventType);
  }

  /** The schema that wrote a message, by its fingerprint. */
  writer(fingerprint: bigint): WriterSchema | undefined {
    return this.writers.get(fingerprint);
  }

  get eventTypes(): string[] {
    return [...this.events.keys()];
  }

  /** Every event type that is published on `topic`. */
  eventTypesOn(topic: string): string[] {
    return [...this.events.values()].filter((event) => event.topic === topic).map((event) => event.eventType);
  }
}
