/**
 * From what a department sends (the JSON form of an event, schemas/README.md) to the event the
 * platform publishes, checked against every rule the gateway owns:
 *
 * - the envelope's source department is the client's (filled in when absent);
 * - `occurredAt` is not in the future (5 minutes of clock skew allowed);
 * - every resident ID number anywhere in the event (each person reference) passes GB 11643, and its
 *   `personKey` is computed here: departments do not hold the pseudonym key;
 * - the region codes exist in the region table on the day the event occurred, and nest;
 * - the whole event then matches its Avro contract (`fromJsonForm`), every problem named by path.
 *
 * The event id is derived, not taken: SHA-256 of department, event type and the source record id
 * (or, when the source gives none, the content), shaped as a UUID. A re-delivered record therefore
 * gets the same event id and is recognised as a duplicate.
 */
import { createHash } from 'node:crypto';
import { fromJsonForm, type ContractRegistry, type FieldProblem } from '@minzheng/contracts';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import { requireRegion } from '@minzheng/identity/regions';
import { parseResidentId } from '@minzheng/identity/resident-id';
import { atField } from '@minzheng/service-kit/errors';
import { exchangeError } from '../errors.js';
import { canonicalJson } from '../receipts/receipt-signer.js';

const CLOCK_SKEW_MS = 5 * 60_000;

export interface NormalizedEvent {
  readonly eventId: string;
  readonly value: unknown;
  readonly sourceRecordId: string | null;
  /** The most specific region code of the envelope. */
  readonly regionCode: string;
  /**
   * SHA-256 (hex) of the event as sent, without the fields the gateway sets. Computed on first use
   * (a bulk row with a source record id never needs it; canonical JSON costs about 15 µs a row).
   */
  readonly contentHash: () => string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const invalid = (problems: readonly FieldProblem[]) => {
  const [first] = problems;
  return exchangeError('EXCH_INVALID_EVENT', `事件不符合契约 (${first === undefined ? 'the event' : `${first.path} ${first.rule}`}${problems.length > 1 ? `, and ${String(problems.length - 1)} more problem(s)` : ''})`, {
    field: first?.path ?? '(event)',
    rule: first?.rule ?? 'must be the JSON form of the event',
    problems,
  });
};

/** A UUID (version 5 layout) from the first 16 bytes of a SHA-256. */
export function derivedUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u001f')).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Every person reference gets its ID number checked (GB 11643) and its pseudonym computed. */
function withPersonKeys(value: unknown, path: string, pseudonymizer: Pseudonymizer, now: Date): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withPersonKeys(item, `${path}[${String(index)}]`, pseudonymizer, now));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = withPersonKeys(item, path === '' ? key : `${path}.${key}`, pseudonymizer, now);
  // A person reference ({ personKey, idNumber, name }); the sender may leave personKey out.
  if (typeof value.idNumber === 'string' && ('personKey' in value || 'name' in value)) {
    const idNumber = value.idNumber;
    const field = path === '' ? 'idNumber' : `${path}.idNumber`;
    const parsed = atField(field, () => parseResidentId(idNumber, now));
    out.idNumber = parsed.normalized;
    out.personKey = pseudonymizer.personKey(parsed.normalized);
  }
  return out;
}

function checkRegion(region: unknown, date: string): string {
  if (!isObject(region)) throw invalid([{ path: 'envelope.region', rule: 'is required' }]);
  const codes: [string, unknown][] = [['countyCode', region.countyCode], ['townCode', region.townCode], ['villageCode', region.villageCode]];
  let parent: string | undefined;
  let deepest = '';
  for (const [name, code] of codes) {
    if (code === null || code === undefined) continue;
    if (typeof code !== 'string') throw invalid([{ path: `envelope.region.${name}`, rule: 'must be a string' }]);
    atField(`envelope.region.${name}`, () => requireRegion(code, date, `envelope.region.${name}`));
    if (parent !== undefined && !code.startsWith(parent)) {
      throw exchangeError('EXCH_REGION_MISMATCH', `envelope.region.${name}: 区划代码不在上级区划内 (${code} is not inside ${parent})`, { field: `envelope.region.${name}`, rule: 'must lie inside the higher-level code', code, parent });
    }
    parent = code;
    deepest = code;
  }
  if (deepest === '') throw invalid([{ path: 'envelope.region.countyCode', rule: 'is required' }]);
  return deepest;
}

export function normalizeEvent(
  registry: ContractRegistry,
  pseudonymizer: Pseudonymizer,
  client: { readonly department: string },
  eventType: string,
  json: unknown,
  now: Date,
): NormalizedEvent {
  if (!isObject(json)) throw invalid([{ path: '(event)', rule: 'must be a JSON object (the JSON form of the event)' }]);
  const envelope = json.envelope;
  if (!isObject(envelope)) throw invalid([{ path: 'envelope', rule: 'is required' }]);
  const source = isObject(envelope.source) ? envelope.source : {};
  if (source.department !== undefined && source.department !== null && source.department !== client.department) {
    throw exchangeError('EXCH_SOURCE_MISMATCH', `envelope.source.department: 来源部门须为本客户端所属部门 (must be ${client.department})`, { field: 'envelope.source.department', rule: `must be the client's department ${client.department}`, value: source.department });
  }
  const recordId = typeof source.recordId === 'string' && source.recordId.trim() !== '' ? source.recordId : null;
  const occurredAt = typeof envelope.occurredAt === 'string' ? Date.parse(envelope.occurredAt) : Number.NaN;
  if (Number.isNaN(occurredAt)) throw invalid([{ path: 'envelope.occurredAt', rule: 'must be an ISO-8601 timestamp' }]);
  if (occurredAt > now.getTime() + CLOCK_SKEW_MS) {
    throw exchangeError('EXCH_DATE_IN_FUTURE', 'envelope.occurredAt: 发生时间不能晚于当前时间 (must not be in the future)', { field: 'envelope.occurredAt', rule: 'must not be in the future', value: envelope.occurredAt });
  }
  const regionCode = checkRegion(envelope.region, new Date(occurredAt + 8 * 3_600_000).toISOString().slice(0, 10));

  // The content a re-delivery repeats: without what the gateway sets.
  const { eventId: _eventId, recordedAt: _recordedAt, ...sentEnvelope } = envelope;
  let hashed: string | undefined;
  const contentHash = (): string => (hashed ??= createHash('sha256').update(canonicalJson({ ...json, envelope: sentEnvelope })).digest('hex'));
  const eventId = derivedUuid(client.department, eventType, recordId ?? `content:${contentHash()}`);

  const keyed = withPersonKeys({ ...json, envelope: { ...sentEnvelope, source: { ...source, department: client.department, recordId } } }, '', pseudonymizer, now);
  if (!isObject(keyed) || !isObject(keyed.envelope)) throw new Error('normalised event lost its envelope');
  const filled = { ...keyed, envelope: { ...keyed.envelope, eventId, recordedAt: now.toISOString() } };
  const { value, problems } = fromJsonForm(registry.event(eventType).schema, filled);
  if (problems.length > 0) throw invalid(problems);
  return { eventId, value, sourceRecordId: recordId, regionCode, contentHash };
}
