/**
 * The JSON form of an event (schemas/README.md): what departments send to the exchange gateway
 * and what fixtures hold. Timestamps are ISO-8601 strings, dates "YYYY-MM-DD", optional fields
 * null or the value, enums their symbol. `fromJsonForm` validates against the schema and names
 * every problem by path and rule; `toJsonForm` is its inverse.
 */
import { daysFromIsoDate, isUuid } from './avro/logical-types.js';
import type { FieldProblem } from './errors.js';
import { SchemaIndex, type SchemaNode, str } from './schema-files/walk.js';

type SchemaObject = Record<string, SchemaNode>;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isSchemaObject(node: SchemaNode): node is SchemaObject {
  return node !== null && typeof node === 'object' && !Array.isArray(node);
}

export interface JsonFormResult {
  readonly value: unknown;
  readonly problems: readonly FieldProblem[];
}

/** Named-type indexes per schema: built once (walking the schema costs more than converting an event). */
const indexes = new WeakMap<object, SchemaIndex>();

function indexOf(schema: SchemaNode): SchemaIndex {
  if (schema === null || typeof schema !== 'object') return new SchemaIndex(schema);
  let index = indexes.get(schema);
  if (index === undefined) {
    index = new SchemaIndex(schema);
    indexes.set(schema, index);
  }
  return index;
}

/** Converts and validates the JSON form against an expanded schema (which must not change afterwards). */
export function fromJsonForm(schema: SchemaNode, json: unknown): JsonFormResult {
  const index = indexOf(schema);
  const problems: FieldProblem[] = [];
  // Records the problem; the converted value of a bad field is irrelevant (there are problems).
  const problem = (path: string, rule: string): unknown => {
    problems.push({ path: path || '(event)', rule });
    return null;
  };

  const convert = (node: SchemaNode, namespace: string | undefined, value: unknown, path: string): unknown => {
    const resolved = index.resolve(node, namespace);
    const target = resolved.node;
    if (Array.isArray(target)) {
      if (value === null || value === undefined) return null;
      const branch = target.find((item) => item !== 'null') ?? 'null';
      return convert(branch, resolved.namespace, value, path);
    }
    if (typeof target === 'string') return primitive(target, value, path);
    if (!isSchemaObject(target)) return problem(path, 'has an unsupported schema');
    const logical = target.logicalType;
    if (logical === 'timestamp-millis') {
      if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
        return problem(path, 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-03-01T08:30:00.000Z');
      }
      return new Date(value);
    }
    if (logical === 'date') {
      return daysFromIsoDate(value) === undefined ? problem(path, 'must be a calendar date YYYY-MM-DD') : value;
    }
    if (logical === 'uuid') return isUuid(value) ? value.toLowerCase() : problem(path, 'must be a UUID');
    if (logical === 'hex') {
      const digits = typeof target.size === 'number' ? target.size * 2 : 0;
      return typeof value === 'string' && value.length === digits && /^[0-9a-f]*$/.test(value)
        ? value
        : problem(path, `must be ${digits} lowercase hex digits`);
    }
    switch (target.type) {
      case 'record': {
        if (!isObject(value)) return problem(path, `must be an object (${str(target.name)})`);
        const fields = (Array.isArray(target.fields) ? target.fields : []).filter(isSchemaObject);
        const known = new Set(fields.map((field) => str(field.name)));
        for (const key of Object.keys(value)) if (!known.has(key)) problem(path ? `${path}.${key}` : key, `is not a field of ${str(target.name)}`);
        const out: Record<string, unknown> = {};
        for (const field of fields) {
          const name = str(field.name);
          const fieldPath = path ? `${path}.${name}` : name;
          const given = value[name];
          if (given === undefined) {
            if ('default' in field) out[name] = field.default;
            else problem(fieldPath, 'is required');
            continue;
          }
          out[name] = convert(field.type ?? null, resolved.namespace, given, fieldPath);
        }
        return out;
      }
      case 'enum': {
        const symbols = Array.isArray(target.symbols) ? target.symbols.map(String) : [];
        return typeof value === 'string' && symbols.includes(value) ? value : problem(path, `must be one of ${symbols.join(', ')}`);
      }
      case 'array': {
        if (!Array.isArray(value)) return problem(path, 'must be an array');
        return value.map((item: unknown, i) => convert(target.items ?? null, resolved.namespace, item, `${path}[${i}]`));
      }
      default:
        if (typeof target.type === 'string') return primitive(target.type, value, path);
        return problem(path, 'has an unsupported schema');
    }
  };

  const primitive = (type: string, value: unknown, path: string): unknown => {
    switch (type) {
      case 'null':
        return value === null ? null : problem(path, 'must be null');
      case 'boolean':
        return typeof value === 'boolean' ? value : problem(path, 'must be true or false');
      case 'int':
        return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX ? value : problem(path, 'must be a 32-bit integer');
      case 'long':
        return Number.isSafeInteger(value) ? value : problem(path, 'must be an integer (at most 2^53 in magnitude)');
      case 'float':
      case 'double':
        return typeof value === 'number' && Number.isFinite(value) ? value : problem(path, 'must be a finite number');
      case 'string':
        return typeof value === 'string' ? value : problem(path, 'must be a string');
      default:
        return problem(path, `has an unsupported type ${type}`);
    }
  };

  const value = convert(schema, undefined, json, '');
  return { value, problems };
}

/** The JSON form of a value (Dates become ISO strings; everything else is already JSON). */
export function toJsonForm(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonForm);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toJsonForm(item);
    return out;
  }
  return value;
}
