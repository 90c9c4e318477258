/**
 * Can the current schema of an event read everything ever published? Two checks:
 *  1. Avro schema resolution: `reader.createResolver(writer)` must succeed for every published
 *     writer (catches new fields without default, type changes, renames without alias...).
 *  2. Our stricter rule: no enum symbol ever published may disappear. Avro lets an enum with a
 *     default read a removed symbol, but the data would silently turn into the default.
 */
import { canonicalForm, parseAvroSchema } from '../avro/logical-types.js';
import type { JsonObject } from './tree.js';
import { namespaceOf, qualify, type SchemaNode } from './walk.js';

function enumSymbols(schema: SchemaNode): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (node: SchemaNode, namespace: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, namespace);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const name = typeof node.name === 'string' ? node.name : '';
    const explicit = typeof node.namespace === 'string' ? node.namespace : namespace;
    const full = qualify(name, explicit);
    const own = namespaceOf(full) ?? namespace;
    if (node.type === 'enum' && Array.isArray(node.symbols)) found.set(full, node.symbols.map(String));
    if (node.type === 'record' && Array.isArray(node.fields)) {
      for (const field of node.fields) if (field && typeof field === 'object' && !Array.isArray(field)) visit(field.type ?? null, own);
    }
    if (node.type === 'array') visit(node.items ?? null, namespace);
    if (node.type !== null && typeof node.type === 'object') visit(node.type, namespace);
  };
  visit(schema, undefined);
  return found;
}

export interface PublishedSchema {
  readonly version: number;
  readonly schema: SchemaNode;
}

/** Why `current` cannot replace the published versions (empty when it can). */
export function compatibilityProblems(current: JsonObject, published: readonly PublishedSchema[]): string[] {
  const problems: string[] = [];
  const reader = parseAvroSchema(current);
  const readerCanonical = canonicalForm(reader);
  const currentEnums = enumSymbols(current);
  for (const version of published) {
    const writer = parseAvroSchema(version.schema as object);
    if (canonicalForm(writer) !== readerCanonical) {
      try {
        reader.createResolver(writer);
      } catch (error) {
        problems.push(`cannot read published v${version.version}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const [name, symbols] of enumSymbols(version.schema)) {
      const now = currentEnums.get(name);
      if (!now) continue;
      const removed = symbols.filter((symbol) => !now.includes(symbol));
      if (removed.length > 0) problems.push(`enum ${name} lost symbol(s) ${removed.join(', ')} published in v${version.version}: enum symbols are never removed`);
    }
  }
  return problems;
}
