/**
 * Reads `schemas/`: the shared named types in `common/`, one event per file elsewhere, and the
 * published versions in `published/`. Expands each event into a self-contained schema (common
 * types inlined, every attribute kept: docs, defaults, `pii`), checks the house conventions of
 * schemas/README.md, and computes what the rest of the package needs: the avsc type, canonical
 * form, CRC-64-AVRO fingerprint and the paths of personal fields.
 *
 * This is build-time code (codegen, publishing, tests); services load the generated catalog.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { crc64Avro, fingerprintHex } from '../avro/fingerprint.js';
import { canonicalForm, parseAvroSchema } from '../avro/logical-types.js';
import { namespaceOf, piiPathsOf, qualify, str } from './walk.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const IGNORED_FOLDERS = new Set(['published', 'fixtures']);

/** Avro namespace of a context folder (schemas/README.md). */
export function namespaceOfFolder(folder: string): string {
  return folder === 'hotline-12345' ? 'mz.hotline12345' : `mz.${folder.replaceAll('-', '_')}`;
}

export function kebabCase(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

export interface NamedSource {
  readonly fullName: string;
  readonly file: string;
  readonly json: JsonObject;
}

export interface PublishedVersion {
  readonly version: number;
  readonly fingerprint: string;
  readonly file: string;
  readonly schema: JsonObject;
}

export interface EventSource {
  readonly eventType: string;
  readonly topic: string;
  readonly fullName: string;
  readonly file: string;
  /** Self-contained schema with every attribute (what is published and embedded). */
  readonly schema: JsonObject;
  readonly canonical: string;
  /** CRC-64-AVRO of the canonical form, 16 hex digits. */
  readonly fingerprint: string;
  readonly piiPaths: readonly string[];
  readonly published: readonly PublishedVersion[];
}

export interface SchemaTree {
  readonly dir: string;
  readonly common: ReadonlyMap<string, NamedSource>;
  readonly events: readonly EventSource[];
  /** Convention violations, `file: rule`; empty when the tree is clean. */
  readonly problems: readonly string[];
}

function readJson(file: string, problems: string[]): JsonObject | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Json;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
    problems.push(`${file}: must hold one JSON object`);
  } catch (error) {
    problems.push(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return undefined;
}

function fullNameOf(json: JsonObject, enclosingNamespace?: string): string {
  return qualify(str(json.name), typeof json.namespace === 'string' ? json.namespace : enclosingNamespace);
}

/**
 * Inlines named types from `common` at their first use (later uses stay references, as Avro
 * requires). Inlined types are written with their full name and no namespace attribute.
 */
export function expandSchema(json: JsonObject, common: ReadonlyMap<string, NamedSource>): JsonObject {
  const defined = new Set<string>();
  const visit = (node: Json, namespace: string | undefined): Json => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const full = qualify(node, namespace);
      if (defined.has(full)) return full;
      const source = common.get(full) ?? common.get(node);
      if (!source) return node; // left for avsc to report as an unknown type
      defined.add(source.fullName);
      const { namespace: _dropped, ...rest } = source.json;
      return visit({ ...rest, name: source.fullName }, undefined);
    }
    if (Array.isArray(node)) return node.map((item) => visit(item, namespace));
    if (node === null || typeof node !== 'object') return node;
    const type = node.type;
    if (type === 'record' || type === 'enum' || type === 'fixed' || type === 'error') {
      const full = fullNameOf(node, namespace);
      defined.add(full);
      const ownNamespace = namespaceOf(full) ?? namespace;
      if (type === 'record' || type === 'error') {
        const fields = Array.isArray(node.fields) ? node.fields : [];
        return {
          ...node,
          fields: fields.map((field) =>
            field && typeof field === 'object' && !Array.isArray(field) ? { ...field, type: visit(field.type ?? null, ownNamespace) } : field,
          ),
        };
      }
      return node;
    }
    if (type === 'array') return { ...node, items: visit(node.items ?? null, namespace) };
    if (type === 'map') return { ...node, values: visit(node.values ?? null, namespace) };
    if (typeof type === 'string' || Array.isArray(type) || (type && typeof type === 'object')) {
      return { ...node, type: visit(type, namespace) };
    }
    return node;
  };
  return visit(json, undefined) as JsonObject;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.avsc'))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function readPublished(dir: string, fullName: string, problems: string[]): PublishedVersion[] {
  const folder = join(dir, 'published', fullName);
  const versions: PublishedVersion[] = [];
  for (const file of listFiles(folder)) {
    const match = /^v(\d+)-([0-9a-f]{16})\.avsc$/.exec(basename(file));
    const rel = relative(dir, file);
    if (!match) {
      problems.push(`${rel}: published files are named v<N>-<16 hex fingerprint>.avsc`);
      continue;
    }
    const schema = readJson(file, problems);
    if (!schema) continue;
    let fingerprint: string;
    try {
      fingerprint = fingerprintHex(crc64Avro(canonicalForm(parseAvroSchema(schema))));
    } catch (error) {
      problems.push(`${rel}: does not parse as Avro (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (fingerprint !== match[2]) {
      problems.push(`${rel}: its fingerprint is ${fingerprint}, not the one in its name: a published version was edited`);
    }
    versions.push({ version: Number(match[1]), fingerprint: match[2] ?? fingerprint, file: rel, schema });
  }
  versions.sort((a, b) => a.version - b.version);
  versions.forEach((published, index) => {
    if (published.version !== index + 1) problems.push(`published/${fullName}: versions must be numbered 1, 2, 3... without gaps`);
  });
  return versions;
}

/** Reads and checks the whole tree. Problems are collected, not thrown, so all show at once. */
export function readSchemaTree(dir: string): SchemaTree {
  const problems: string[] = [];
  const common = new Map<string, NamedSource>();
  for (const file of listFiles(join(dir, 'common'))) {
    const json = readJson(file, problems);
    if (!json) continue;
    const rel = relative(dir, file);
    if (json.namespace !== 'mz.common') problems.push(`${rel}: shared types have namespace mz.common`);
    const fullName = fullNameOf(json);
    if (common.has(fullName)) problems.push(`${rel}: ${fullName} is defined twice`);
    common.set(fullName, { fullName, file: rel, json });
  }

  const events: EventSource[] = [];
  const eventTypes = new Set<string>();
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'common' && !IGNORED_FOLDERS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    for (const file of listFiles(join(dir, folder))) {
      const rel = relative(dir, file);
      const json = readJson(file, problems);
      if (!json) continue;
      const local: string[] = [];
      const namespace = namespaceOfFolder(folder);
      const name = str(json.name);
      if (json.type !== 'record') local.push('an event file holds one record');
      if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) local.push('the record name is PascalCase');
      if (json.namespace !== namespace) local.push(`namespace must be ${namespace} (folder ${folder})`);
      if (basename(file) !== `${kebabCase(name)}.avsc`) local.push(`file name must be ${kebabCase(name)}.avsc`);
      const eventType = typeof json.eventType === 'string' ? json.eventType : '';
      if (!new RegExp(`^${folder.replace(/[-]/g, '\\-')}\\.[a-z0-9]+(-[a-z0-9]+)*$`).test(eventType)) {
        local.push(`eventType must be "${folder}.<entity>-<past-tense-verb>" in kebab case, got "${eventType}"`);
      } else if (eventTypes.has(eventType)) local.push(`eventType ${eventType} is used twice`);
      eventTypes.add(eventType);
      const topic = typeof json.topic === 'string' ? json.topic : '';
      if (topic === '') local.push('a "topic" attribute names the Kafka topic');
      const fields = Array.isArray(json.fields) ? json.fields : [];
      const first = fields[0];
      if (!first || typeof first !== 'object' || Array.isArray(first) || first.name !== 'envelope' || first.type !== 'mz.common.Envelope') {
        local.push('the first field is "envelope" of type mz.common.Envelope');
      }
      const schema = expandSchema(json, common);
      local.push(...conventionProblems(schema));
      let canonical = '';
      let fingerprint = '';
      try {
        canonical = canonicalForm(parseAvroSchema(schema));
        fingerprint = fingerprintHex(crc64Avro(canonical));
      } catch (error) {
        local.push(`does not parse as Avro: ${error instanceof Error ? error.message : String(error)}`);
      }
      problems.push(...local.map((rule) => `${rel}: ${rule}`));
      if (local.length > 0) continue;
      const fullName = `${namespace}.${name}`;
      events.push({
        eventType,
        topic,
        fullName,
        file: rel,
        schema,
        canonical,
        fingerprint,
        piiPaths: piiPathsOf(schema),
        published: readPublished(dir, fullName, problems),
      });
    }
  }
  return { dir, common, events, problems };
}

/** The conventions of schemas/README.md that apply inside a schema, as rules broken. */
export function conventionProblems(schema: JsonObject): string[] {
  const problems: string[] = [];
  const check = (node: Json, path: string): void => {
    if (typeof node === 'string') {
      if (node === 'float' || node === 'double') problems.push(`${path}: no float or double (money in fen, ratios in permille)`);
      return;
    }
    if (Array.isArray(node)) {
      if (node.length !== 2 || node[0] !== 'null') problems.push(`${path}: the only union allowed is ["null", T]`);
      node.forEach((branch) => {
        check(branch, path);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const type = node.type;
    if (type === 'record' || type === 'enum') {
      if (typeof node.doc !== 'string' || node.doc.trim() === '') problems.push(`${path || str(node.name)}: a ${type} needs a doc`);
    }
    if (type === 'record') {
      for (const field of Array.isArray(node.fields) ? node.fields : []) {
        if (!field || typeof field !== 'object' || Array.isArray(field)) continue;
        const fieldPath = path ? `${path}.${str(field.name)}` : str(field.name);
        if (typeof field.doc !== 'string' || field.doc.trim() === '') problems.push(`${fieldPath}: every field needs a doc ("中文 — English")`);
        const fieldType = field.type ?? null;
        if (Array.isArray(fieldType) && field.default !== null) problems.push(`${fieldPath}: an optional field has "default": null`);
        if (field.pii === true && !(fieldType === 'string' || (Array.isArray(fieldType) && fieldType[0] === 'null' && fieldType[1] === 'string'))) {
          problems.push(`${fieldPath}: "pii" only on string or ["null", "string"] fields`);
        }
        check(fieldType, fieldPath);
      }
      return;
    }
    if (type === 'map') problems.push(`${path}: no maps (FerretDB v1 cannot store arbitrary keys safely)`);
    if (type === 'array') {
      const items = node.items ?? null;
      if (items && typeof items === 'object' && !Array.isArray(items) && items.type === 'array') problems.push(`${path}: no arrays of arrays`);
      check(items, `${path}[]`);
      return;
    }
    if (type === 'float' || type === 'double') problems.push(`${path}: no float or double (money in fen, ratios in permille)`);
    if (typeof type === 'object') check(type, path);
  };
  check(schema, '');
  return problems;
}
