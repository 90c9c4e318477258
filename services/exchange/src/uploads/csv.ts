/**
 * CSV rows into the JSON form of an event. The column mapping is the header: each column names a
 * dotted path of the event's JSON form (`envelope.occurredAt`, `envelope.person.idNumber`,
 * `dateOfDeath`, ...). Cells are converted by the Avro type at that path: booleans from
 * `true`/`false`, int and long from integers, float and double from numbers, everything else (strings,
 * enums, dates, timestamps) as text; an empty cell is null. Arrays and maps cannot be expressed in a
 * CSV row: an event type whose required fields include one must be sent as NDJSON.
 *
 * Fields are separated by commas and may be quoted (`"a, b"`, `""` for a quote); a field may not
 * contain a line break.
 */

/** Splits one CSV line into cells; `undefined` when a quote is left open. */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line.charAt(index);
    if (quoted) {
      if (char === '"') {
        if (line[index + 1] === '"') {
          cell += '"';
          index += 1;
        } else quoted = false;
      } else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

/** The shape of avsc types this module reads (duck-typed: avsc is the contracts package's dependency). */
interface AvroTypeLike {
  readonly typeName: string;
  readonly fields?: readonly { readonly name: string; readonly type: AvroTypeLike }[];
  readonly types?: readonly AvroTypeLike[];
  readonly underlyingType?: AvroTypeLike;
}

function isTypeLike(value: unknown): value is AvroTypeLike {
  return typeof value === 'object' && value !== null && 'typeName' in value && typeof value.typeName === 'string';
}

/** The type at a dotted path, through unions (their non-null branch) and records. */
function typeAt(root: AvroTypeLike, path: readonly string[]): AvroTypeLike | undefined {
  let type: AvroTypeLike | undefined = root;
  for (const segment of path) {
    type = nonNull(type);
    const field: { readonly name: string; readonly type: AvroTypeLike } | undefined = type?.fields?.find((candidate) => candidate.name === segment);
    if (field === undefined) return undefined;
    type = field.type;
  }
  return nonNull(type);
}

function nonNull(type: AvroTypeLike | undefined): AvroTypeLike | undefined {
  if (type?.types !== undefined) return type.types.find((branch) => branch.typeName !== 'null');
  return type;
}

export class CsvProblem extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field} ${rule}`);
  }
}

/** Checks the header against the event's schema; returns the column paths. */
export function csvColumns(header: string, schemaType: unknown): string[][] {
  if (!isTypeLike(schemaType)) throw new Error('csvColumns: not an Avro type');
  const cells = splitCsvLine(header);
  if (cells === undefined) throw new CsvProblem('(header)', 'has an unclosed quote');
  return cells.map((cell, index) => {
    const path = cell.trim().split('.');
    const type = typeAt(schemaType, path);
    if (type === undefined) throw new CsvProblem(`(header column ${String(index + 1)})`, `${cell} is not a field of the event`);
    const name = type.underlyingType?.typeName ?? type.typeName;
    if (name === 'array' || name === 'map' || name === 'record') throw new CsvProblem(`(header column ${String(index + 1)})`, `${cell} is a ${name}: send this event type as NDJSON, or name its scalar fields`);
    return path;
  });
}

/** One data line as the JSON form of the event. */
export function csvRecord(line: string, columns: readonly string[][], schemaType: unknown): Record<string, unknown> {
  if (!isTypeLike(schemaType)) throw new Error('csvRecord: not an Avro type');
  const cells = splitCsvLine(line);
  if (cells === undefined) throw new CsvProblem('(row)', 'has an unclosed quote');
  if (cells.length !== columns.length) throw new CsvProblem('(row)', `has ${String(cells.length)} cells for ${String(columns.length)} columns`);
  const record: Record<string, unknown> = {};
  columns.forEach((path, index) => {
    const raw = cells[index] ?? '';
    const type = typeAt(schemaType, path);
    const name = type?.underlyingType === undefined ? type?.typeName : type.typeName.startsWith('logical') ? 'logical' : type.typeName;
    let value: unknown = raw;
    if (raw === '') value = null;
    else if (name === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new CsvProblem(path.join('.'), 'must be true or false');
      value = raw === 'true';
    } else if (name === 'int' || name === 'long') {
      if (!/^-?\d+$/u.test(raw)) throw new CsvProblem(path.join('.'), 'must be an integer');
      value = Number(raw);
    } else if (name === 'float' || name === 'double') {
      const number = Number(raw);
      if (Number.isNaN(number)) throw new CsvProblem(path.join('.'), 'must be a number');
      value = number;
    }
    let target = record;
    path.slice(0, -1).forEach((segment) => {
      const next = target[segment];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) target = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        target[segment] = created;
        target = created;
      }
    });
    const last = path.at(-1);
    if (last !== undefined) target[last] = value;
  });
  return record;
}
