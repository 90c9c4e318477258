/**
 * A content checksum per collection of the thematic database: SHA-256 over the documents in `_id`
 * order, each as canonical JSON (keys sorted), with every encrypted value decrypted (a token differs
 * at each encryption; the value does not). Two databases built from the same events have the same
 * checksums, whatever order or how many times the events were applied.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import { aadOf } from './fold.js';
import type { AttributeFact, SubjectKind } from './model.js';

export interface CollectionChecksum {
  readonly count: number;
  readonly sha256: string;
}


/** Turns a stored document into its content: no version or write token, personal values in clear. */
export type Decrypter = (token: string, aad: string) => string;

export const PROJECTION_COLLECTIONS = ['contributions', 'persons', 'households', 'signals', 'other_events'] as const;

function decryptFacts(facts: unknown, kind: SubjectKind, key: string, decrypt: Decrypter): unknown {
  if (!Array.isArray(facts)) return facts;
  return (facts as AttributeFact[]).map((fact) => (fact.pii && typeof fact.value === 'string' ? { ...fact, value: decrypt(fact.value, aadOf(kind, key, `${fact.field}|${fact.eventId}`)) } : fact));
}

/** A stored document's content: personal values in clear. */
function contentOf(collection: string, document: Record<string, unknown>, decrypt: Decrypter): Record<string, unknown> {
  const kind: unknown = document.kind;
  if (kind !== 'person' && kind !== 'household') return document;
  if (collection === 'contributions') {
    const key = String(document.key);
    const person = document.person as { idNumber: string } | null;
    return { ...document, person: person === null ? null : { ...person, idNumber: decrypt(person.idNumber, aadOf(kind, key, 'idNumber')) }, facts: decryptFacts(document.facts, kind, key, decrypt) };
  }
  const key = String(document._id);
  return { ...document, idNumber: typeof document.idNumber === 'string' ? decrypt(document.idNumber, aadOf(kind, key, 'idNumber')) : document.idNumber };
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
