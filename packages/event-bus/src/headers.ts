/** Kafka header names the bus writes (and dead letters add). */
export const HEADERS = {
  eventId: 'mz-event-id',
  eventType: 'mz-event-type',
  /** CRC-64-AVRO of the writer schema, 16 hex digits (the body carries it too). */
  schemaFingerprint: 'mz-schema-fp',
  source: 'mz-source',
  /** Id of the key that encrypted the personal fields. */
  keyId: 'mz-key-id',
  deadLetter: {
    code: 'mz-dlq-code',
    reason: 'mz-dlq-reason',
    topic: 'mz-dlq-topic',
    partition: 'mz-dlq-partition',
    offset: 'mz-dlq-offset',
    group: 'mz-dlq-group',
    failedAt: 'mz-dlq-failed-at',
    attempts: 'mz-dlq-attempts',
  },
} as const;

/** Header values as strings (kafkajs gives Buffers, arrays or undefined). */
export function readHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? (raw as unknown[]).at(-1) : raw;
    if (value === undefined || value === null) continue;
    if (Buffer.isBuffer(value)) out[name] = value.toString('utf8');
    else if (typeof value === 'string' || typeof value === 'number') out[name] = String(value);
  }
  return out;
}
