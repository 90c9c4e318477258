/**
 * The logical types the contracts use, mapped to the values TypeScript code handles:
 *   timestamp-millis (long)  <->  Date
 *   date (int, days since 1970-01-01)  <->  "YYYY-MM-DD" (a calendar date has no time zone)
 *   uuid (fixed 16, or string)  <->  lowercase UUID string
 *   hex (fixed n, our own logical type)  <->  2n lowercase hex digits (pseudonymous person keys)
 * A value of the wrong shape makes `_toValue` return undefined, so avsc reports the field as
 * invalid instead of writing garbage.
 */
import avsc from 'avsc';

const { LogicalType } = avsc.types;
type AvscType = avsc.Type;

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Days since the epoch for a real calendar date "YYYY-MM-DD", or undefined. */
export function daysFromIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

export function isoDateFromDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

class TimestampMillisType extends LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }
  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
  }
  // Resolution hands over the value as the WRITER type decoded it: already a Date when the
  // writer is this logical type, a number when it wrote a plain long.
  protected override _resolve(type: AvscType): ((value: number | Date) => Date) | undefined {
    if (avsc.Type.isType(type, 'logical:timestamp-millis')) return (value) => value as Date;
    if (avsc.Type.isType(type, 'long')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

class DateType extends LogicalType {
  protected override _fromValue(value: number): string {
    return isoDateFromDays(value);
  }
  protected override _toValue(value: unknown): number | undefined {
    return daysFromIsoDate(value);
  }
  protected override _resolve(type: AvscType): ((value: number | string) => string) | undefined {
    if (avsc.Type.isType(type, 'logical:date')) return (value) => value as string;
    if (avsc.Type.isType(type, 'int')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/** 32 hex digits of a UUID as 16 bytes, or undefined. */
function uuidBytes(value: unknown): Buffer | undefined {
  return isUuid(value) ? Buffer.from(value.replaceAll('-', ''), 'hex') : undefined;
}

function uuidString(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** uuid on `fixed(16)` (16 bytes on the wire) or on `string`; a lowercase UUID string in code. */
class UuidType extends LogicalType {
  private readonly onFixed = avsc.Type.isType(this.underlyingType, 'fixed');
  protected override _fromValue(value: Buffer | string): string {
    return typeof value === 'string' ? value : uuidString(value);
  }
  protected override _toValue(value: unknown): Buffer | string | undefined {
    if (!isUuid(value)) return undefined;
    return this.onFixed ? uuidBytes(value) : value.toLowerCase();
  }
  protected override _resolve(type: AvscType): ((value: Buffer | string) => string) | undefined {
    if (avsc.Type.isType(type, 'logical:uuid')) return (value) => value as string;
    if (avsc.Type.isType(type, 'string')) return (value) => (value as string).toLowerCase();
    if (avsc.Type.isType(type, 'fixed') && (type as avsc.types.FixedType).size === 16) return (value) => uuidString(value as Buffer);
    return undefined;
  }
}

/** `hex` on `fixed(n)`: n bytes on the wire, 2n lowercase hex digits in code (pseudonyms). */
class HexType extends LogicalType {
  private readonly size = (this.underlyingType as avsc.types.FixedType).size;
  protected override _fromValue(value: Buffer): string {
    return value.toString('hex');
  }
  protected override _toValue(value: unknown): Buffer | undefined {
    return typeof value === 'string' && value.length === this.size * 2 && /^[0-9a-f]*$/.test(value) ? Buffer.from(value, 'hex') : undefined;
  }
  protected override _resolve(type: AvscType): ((value: Buffer | string) => string) | undefined {
    if (avsc.Type.isType(type, 'logical:hex')) return (value) => value as string;
    if (avsc.Type.isType(type, 'fixed') && (type as avsc.types.FixedType).size === this.size) return (value) => (value as Buffer).toString('hex');
    return undefined;
  }
}

/** Options for `Type.forSchema` that every schema of the platform is parsed with. */
export const AVRO_PARSE_OPTIONS = {
  logicalTypes: {
    'timestamp-millis': TimestampMillisType,
    date: DateType,
    uuid: UuidType,
    hex: HexType,
  },
  wrapUnions: 'auto',
} as const;

export function parseAvroSchema(schema: object): AvscType {
  // A fresh registry per parse: avsc stores the named types it meets in `opts.registry`, and
  // a shared one would make the second parse of any schema fail with "duplicate type name".
  return avsc.Type.forSchema(schema as avsc.Schema, { ...AVRO_PARSE_OPTIONS, registry: {} });
}

/** The Parsing Canonical Form (Avro spec): full names, no docs, defaults or logical types. */
export function canonicalForm(type: AvscType): string {
  return JSON.stringify(type.schema());
}
