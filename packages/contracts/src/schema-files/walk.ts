/**
 * Walking an expanded (self-contained) schema: named-type lookup, and the plan of personal
 * fields (`"pii": true`) that protection and redaction follow.
 */
export type SchemaNode = null | boolean | number | string | SchemaNode[] | { [key: string]: SchemaNode };
type SchemaObject = Record<string, SchemaNode>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Avro's full-name rule: a dotted name is already full, else it joins the enclosing namespace. */
export function qualify(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** The namespace part of a full name (undefined for a name without one). */
export function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? undefined : fullName.slice(0, dot);
}

/** A schema attribute that should be a string (a name, a symbol), or '' when it is not. */
export function str(node: SchemaNode | undefined): string {
  return typeof node === 'string' ? node : '';
}

function isObject(node: SchemaNode): node is SchemaObject {
  return node !== null && typeof node === 'object' && !Array.isArray(node);
}

/** Every named type defined anywhere in `schema`, by full name, with its namespace. */
export class SchemaIndex {
  private readonly named = new Map<string, { node: SchemaObject; namespace: string | undefined }>();

  constructor(schema: SchemaNode) {
    this.collect(schema, undefined);
  }

  private collect(node: SchemaNode, namespace: string | undefined): void {
    if (Array.isArray(node)) {
      for (const branch of node) this.collect(branch, namespace);
      return;
    }
    if (!isObject(node)) return;
    const type = node.type;
    if (type === 'record' || type === 'enum' || type === 'fixed' || type === 'error') {
      const name = str(node.name);
      const explicit = typeof node.namespace === 'string' ? node.namespace : namespace;
      const full = qualify(name, explicit);
      const own = namespaceOf(full);
      this.named.set(full, { node, namespace: own });
      if (Array.isArray(node.fields)) for (const field of node.fields) if (isObject(field)) this.collect(field.type ?? null, own);
      return;
    }
    if (type === 'array') this.collect(node.items ?? null, namespace);
    else if (type === 'map') this.collect(node.values ?? null, namespace);
    else if (isObject(type ?? null) || Array.isArray(type)) this.collect(type ?? null, namespace);
  }

  /**
   * The definition a type node stands for: a named reference becomes its definition,
   * `{"type": X}` wrappers without attributes of their own become X. Returns the node and the
   * namespace names inside it resolve against.
   */
  resolve(node: SchemaNode, namespace: string | undefined): { node: SchemaNode; namespace: string | undefined } {
    if (typeof node === 'string' && !PRIMITIVES.has(node)) {
      const full = qualify(node, namespace);
      const found = this.named.get(full) ?? this.named.get(node);
      if (!found) throw new Error(`unknown type ${node}`);
      return { node: found.node, namespace: found.namespace };
    }
    if (isObject(node)) {
      const type = node.type;
      if (type === 'record' || type === 'enum' || type === 'fixed' || type === 'error') {
        const name = str(node.name);
        const explicit = typeof node.namespace === 'string' ? node.namespace : namespace;
        const full = qualify(name, explicit);
        return { node, namespace: namespaceOf(full) };
      }
      if (typeof type === 'string' && PRIMITIVES.has(type) && node.logicalType === undefined) return { node: type, namespace };
      if ((typeof type === 'string' && !PRIMITIVES.has(type) && type !== 'array' && type !== 'map') || Array.isArray(type) || isObject(type ?? null)) {
        return this.resolve(type ?? null, namespace);
      }
    }
    return { node, namespace };
  }
}

/**
 * Where the personal fields are: for each field name, either `true` (a personal string) or the
 * plan of the record below it. Arrays and optional unions are walked through.
 */
export interface PiiPlan {
  readonly fields: ReadonlyMap<string, true | PiiPlan>;
}

export function piiPlanOf(schema: SchemaNode): PiiPlan | undefined {
  const index = new SchemaIndex(schema);
  const planOf = (node: SchemaNode, namespace: string | undefined, depth: number): PiiPlan | undefined => {
    if (depth > 32) throw new Error('schema nests deeper than 32 levels');
    const resolved = index.resolve(node, namespace);
    const target = resolved.node;
    if (Array.isArray(target)) {
      const branch = target.find((item) => item !== 'null');
      return branch === undefined ? undefined : planOf(branch, resolved.namespace, depth + 1);
    }
    if (!isObject(target)) return undefined;
    if (target.type === 'array') return planOf(target.items ?? null, resolved.namespace, depth + 1);
    if (target.type !== 'record') return undefined;
    const fields = new Map<string, true | PiiPlan>();
    for (const field of Array.isArray(target.fields) ? target.fields : []) {
      if (!isObject(field)) continue;
      if (field.pii === true) fields.set(str(field.name), true);
      else {
        const below = planOf(field.type ?? null, resolved.namespace, depth + 1);
        if (below) fields.set(str(field.name), below);
      }
    }
    return fields.size > 0 ? { fields } : undefined;
  };
  return planOf(schema, undefined, 0);
}

/** The personal fields as readable paths: `envelope.person.idNumber`, `members[].person.idNumber`. */
export function piiPathsOf(schema: SchemaNode): string[] {
  const index = new SchemaIndex(schema);
  const paths: string[] = [];
  const walk = (node: SchemaNode, namespace: string | undefined, path: string, depth: number): void => {
    if (depth > 32) return;
    const resolved = index.resolve(node, namespace);
    const target = resolved.node;
    if (Array.isArray(target)) {
      for (const branch of target) if (branch !== 'null') walk(branch, resolved.namespace, path, depth + 1);
      return;
    }
    if (!isObject(target)) return;
    if (target.type === 'array') {
      walk(target.items ?? null, resolved.namespace, `${path}[]`, depth + 1);
      return;
    }
    if (target.type !== 'record') return;
    for (const field of Array.isArray(target.fields) ? target.fields : []) {
      if (!isObject(field)) continue;
      const fieldPath = path ? `${path}.${str(field.name)}` : str(field.name);
      if (field.pii === true) paths.push(fieldPath);
      else walk(field.type ?? null, resolved.namespace, fieldPath, depth + 1);
    }
  };
  walk(schema, undefined, '', 0);
  return paths;
}
