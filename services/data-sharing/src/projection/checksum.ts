/**
 * A content checksum per collection of the thematic database: SHA-256 over the documents in `_id`
 * order, each as canonical JSON (keys sorted), without what is not content — the write version and
 * token — and with every encrypted value decrypted (a token differs at each encryption; the value
 * does not). Two databases built from the same events have the same checksums, whatever order or
 * how many times the events were applied.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { aadOf } from './fold.js';
import type { AttributeFact } from './model.js';

export interface CollectionChecksum {
  readonly count: number;
  readonly sha256: string;
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Turns a stored document into its content: no version or write token, personal values in clear. */
export type Decrypter = (token: string, aad: string) => string;

export const PROJECTION_COLLECTIONS = ['persons', 'households', 'signals', 'other_events'] as const;

function contentOf(collection: string, document: Record<string, unknown>, decrypt: Decrypter): Record<string, unknown> {
  const { version: _version, writeId: _writeId, ...content } = document;
  if (collection !== 'persons' && collection !== 'households') return content;
  const kind = collection === 'persons' ? 'person' : 'household';
  const key = String(content._id);
  const facts = Array.isArray(content.facts) ? (content.facts as AttributeFact[]) : [];
  return {
    ...content,
    idNumber: typeof content.idNumber === 'string' ? decrypt(content.idNumber, aadOf(kind, key, 'idNumber')) : content.idNumber,
    facts: facts.map((fact) => (fact.pii && typeof fact.value === 'string' ? { ...fact, value: decrypt(fact.value, aadOf(kind, key, `${fact.field}|${fact.eventId}`)) } : fact)),
  };
}

export async function checksums(connection: Connection, decrypt: Decrypter, collections: readonly string[] = PROJECTION_COLLECTIONS): Promise<Record<string, CollectionChecksum>> {
  const out: Record<string, CollectionChecksum> = {};
  for (const collection of collections) {
    const hash = createHash('sha256');
    let count = 0;
    for await (const document of connection.collection(collection).find({}).sort({ _id: 1 })) {
      hash.update(canonicalJson(contentOf(collection, document, decrypt)));
      hash.update('\n');
      count += 1;
    }
    out[collection] = { count, sha256: hash.digest('hex') };
  }
  return out;
}
