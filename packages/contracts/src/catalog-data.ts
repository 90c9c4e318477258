import type { SchemaNode } from './schema-files/walk.js';

/** One published version of an event schema, self-contained. */
export interface CatalogVersion {
  readonly version: number;
  /** CRC-64-AVRO of the canonical form, 16 hex digits. */
  readonly fingerprint: string;
  /** Absent when this version is the current schema (it is then `CatalogEvent.schema`). */
  readonly schema?: SchemaNode;
}

/** One event type as the generated catalog describes it. */
export interface CatalogEvent {
  readonly eventType: string;
  readonly topic: string;
  readonly fullName: string;
  /** Fingerprint of the current schema (the reader schema of this build). */
  readonly fingerprint: string;
  readonly schema: SchemaNode;
  /** Paths of the `"pii": true` fields, e.g. `envelope.person.idNumber`, `members[].person.idNumber`. */
  readonly piiPaths: readonly string[];
  /** Every published version, oldest first; the last one is the current schema. */
  readonly published: readonly CatalogVersion[];
}

export interface CatalogData {
  readonly events: readonly CatalogEvent[];
}
