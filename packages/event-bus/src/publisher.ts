/**
 * Typed publishing of contract events. `publish()` validates and encodes at once (an invalid
 * event never reaches Kafka and the caller gets the coded error), encrypts personal fields, and
 * queues the message; queued messages leave in batches (one produce request per few ms or per
 * `maxBatch` messages), so concurrent publishers get Kafka's batch throughput with per-event
 * promises. The producer is idempotent and waits for all in-sync replicas (acks = -1).
 *
 * Key: the household id when the envelope has one, else the person's pseudonym, else the event
 * id, so one household's events stay on one partition, in order. The caller's trace context
 * travels in the headers.
 *
 * With `encodingThreads` > 0, encryption and encoding run on worker threads (see
 * `encoding-pool.ts`); events still enter the send queue in the order `publish` was called, so
 * per-key order holds. Invalid events then reject their promise a moment later instead of at once.
 */
import { encodeEvent, protectEvent, type ContractRegistry, type EventTypeMap } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { context, propagation } from '@opentelemetry/api';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { BusLogger } from './client.js';
import { EncodingPool } from './encoding-pool.js';
import { HEADERS } from './headers.js';

export interface PublisherOptions {
  readonly kafka: Kafka;
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  /** The producing system, e.g. `assistance-service` (header `mz-source`). */
  readonly source: string;
  readonly logger?: BusLogger;
  /** How long a message may wait for companions before its batch leaves. */
  readonly lingerMs?: number;
  readonly maxBatch?: number;
  /**
   * Worker threads for encryption and Avro encoding (default 0: on the calling thread). Worth it
   * for producers of thousands of events per second on a machine with a core to spare.
   */
  readonly encodingThreads?: number;
}

export interface PublishOptions {
  /** Overrides the partition key (rarely needed). */
  readonly key?: string;
  readonly headers?: Record<string, string>;
}

/**
 * An event validated, protected and encoded, ready to send: what a transactional outbox stores
 * (plain data: the bytes already carry the encryption of personal fields, so nothing personal is
 * stored in clear) and later hands to `publishPrepared`.
 */
export interface PreparedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly topic: string;
  readonly key: string;
  readonly bytes: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PublishReceipt {
  readonly eventId: string;
  readonly eventType: string;
  readonly topic: string;
  readonly key: string;
}

interface Pending {
  readonly topic: string;
  readonly message: Message;
  readonly receipt: PublishReceipt;
  readonly resolve: (receipt: PublishReceipt) => void;
  readonly reject: (error: unknown) => void;
}

/** An event whose encoding runs on a worker; it joins the send queue when all before it have. */
interface Encoding {
  pending: Pending | undefined;
  error: unknown;
  readonly reject: (error: unknown) => void;
}

interface EnvelopeLike {
  envelope: { eventId: string; household: { householdId: string } | null; person: { personKey: string } | null };
}

/** The partition key of an event: household, else person pseudonym, else event id. */
export function partitionKeyOf(value: EnvelopeLike): string {
  const { envelope } = value;
  return envelope.household?.householdId ?? envelope.person?.personKey ?? envelope.eventId;
}

/**
 * The caller's trace context as message headers (W3C traceparent/tracestate through the global
 * OpenTelemetry propagator; nothing when no SDK is registered), for `prepareEvent` on a thread
 * that does not share the caller's context.
 */
export function currentTraceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** What `prepareEvent` needs: no Kafka client, so a worker thread can prepare events too. */
export interface PrepareContext {
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  /** The producing system (`mz-source` header). */
  readonly source: string;
}

/**
 * `EventPublisher.prepare` without a publisher: validates, protects and encodes an event, with the
 * headers a publisher would set. Trace headers are the caller's to pass in `options.headers`.
 */
export function prepareEvent(context: PrepareContext, eventType: string, value: unknown, options: PublishOptions = {}): PreparedEvent {
  const { registry, keyring, source } = context;
  const protectedEvent = protectEvent(registry, eventType, value, keyring);
  const bytes = encodeEvent(registry, eventType, protectedEvent.value);
  const event = registry.event(eventType);
  const envelope = (value as EnvelopeLike).envelope;
  const key = options.key ?? partitionKeyOf(value as EnvelopeLike);
  const headers: Record<string, string> = {
    ...options.headers,
    [HEADERS.eventId]: envelope.eventId,
    [HEADERS.eventType]: eventType,
    [HEADERS.schemaFingerprint]: event.fingerprintHex,
    [HEADERS.source]: source,
  };
  if (protectedEvent.keyId) headers[HEADERS.keyId] = protectedEvent.keyId;
  return { eventId: envelope.eventId, eventType, topic: event.topic, key, bytes, headers };
}

/**
 * `M` maps event types to value types: the generated `EventTypeMap` by default, so services get
 * compile-time checking of every field; tests with their own registries pass their own map.
 */
export class EventPublisher<M extends object = EventTypeMap> {
  private readonly producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private connected = false;
  private pool: EncodingPool | undefined;
  /** Events being encoded on workers, in publish order. */
  private encoding: Encoding[] = [];
  private encodingDone: Promise<void> | undefined;
  private signalEncodingDone: (() => void) | undefined;

  constructor(private readonly options: PublisherOptions) {
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatch ?? 1_000;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    const threads = this.options.encodingThreads ?? 0;
    if (threads > 0) this.pool ??= new EncodingPool(this.options.registry, this.options.keyring, threads);
    this.connected = true;
  }

  /** Flushes what is queued, waits for it, then disconnects. */
  async disconnect(): Promise<void> {
    await this.flush();
    this.connected = false;
    await this.pool?.close();
    this.pool = undefined;
    await this.producer.disconnect();
  }

  /**
   * Validates, encodes, protects and queues one event; resolves once Kafka has acknowledged it
   * (all in-sync replicas). Throws ContractError at once for an invalid event.
   */
  publish<T extends keyof M & string>(eventType: T, value: M[T], options: PublishOptions = {}): Promise<PublishReceipt> {
    if (!this.connected) return Promise.reject(new Error('EventPublisher.publish before connect()'));
    const pool = this.pool;
    if (pool) return this.publishThroughPool(pool, eventType, value, options);
    let pending: Omit<Pending, 'resolve' | 'reject'>;
    try {
      const { bytes, keyId } = this.encode(eventType, value);
      pending = this.prepareMessage(eventType, value, options, bytes, keyId);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<PublishReceipt>((resolve, reject) => {
      this.enqueue({ ...pending, resolve, reject });
    });
  }

  /**
   * Validates, protects and encodes an event without sending it (throws ContractError at once for
   * an invalid event). The caller's trace context is captured now. Works before `connect()`.
   */
  prepare<T extends keyof M & string>(eventType: T, value: M[T], options: PublishOptions = {}): PreparedEvent {
    const { registry, keyring, source } = this.options;
    return prepareEvent({ registry, keyring, source }, eventType, value, { ...options, headers: { ...this.traceHeaders(), ...options.headers } });
  }

  /** The contracts this publisher encodes with (and their topics). */
  get registry(): ContractRegistry {
    return this.options.registry;
  }

  /** The producing system named in every event's `mz-source` header. */
  get source(): string {
    return this.options.source;
  }

  /**
   * Sends prepared events in the given order (per key, Kafka keeps it); resolves when all are
   * acknowledged. Sending the same prepared event twice publishes the same event id twice, which
   * consumers skip: that is how an outbox relay that crashed before marking events sent stays
   * exactly-once in effect.
   */
  publishPrepared(events: readonly PreparedEvent[]): Promise<PublishReceipt[]> {
    if (!this.connected) return Promise.reject(new Error('EventPublisher.publishPrepared before connect()'));
    return Promise.all(
      events.map(
        (event) =>
          new Promise<PublishReceipt>((resolve, reject) => {
            const message: Message = { key: event.key, value: Buffer.isBuffer(event.bytes) ? event.bytes : Buffer.from(event.bytes), headers: { ...event.headers } };
            const receipt: PublishReceipt = { eventId: event.eventId, eventType: event.eventType, topic: event.topic, key: event.key };
            this.enqueue({ topic: event.topic, message, receipt, resolve, reject });
          }),
      ),
    );
  }

  private publishThroughPool(pool: EncodingPool, eventType: string, value: unknown, options: PublishOptions): Promise<PublishReceipt> {
    let traceHeaders: Record<string, string>;
    try {
      this.options.registry.event(eventType); // an unknown type fails at once, as inline
      traceHeaders = this.traceHeaders(); // the caller's context, captured now
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<PublishReceipt>((resolve, reject) => {
      const slot: Encoding = { pending: undefined, error: undefined, reject };
      this.encoding.push(slot);
      pool.encode(eventType, value).then(
        ({ bytes, keyId }) => {
          try {
            slot.pending = { ...this.prepareMessage(eventType, value, options, bytes, keyId, traceHeaders), resolve, reject };
          } catch (error) {
            slot.error = error;
          }
          this.admitEncoded();
        },
        (error: unknown) => {
          slot.error = error;
          this.admitEncoded();
        },
      );
    });
  }

  /** Moves encoded events into the send queue in publish order (a slow one holds back those after it). */
  private admitEncoded(): void {
    for (let head = this.encoding[0]; head && (head.pending !== undefined || head.error !== undefined); head = this.encoding[0]) {
      this.encoding.shift();
      if (head.pending) this.enqueue(head.pending);
      else head.reject(head.error instanceof Error ? head.error : new Error(String(head.error)));
    }
    if (this.encoding.length === 0 && this.signalEncodingDone) {
      this.signalEncodingDone();
      this.signalEncodingDone = undefined;
      this.encodingDone = undefined;
    }
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    if (this.queue.length >= this.maxBatch) void this.sendQueued();
    else this.timer ??= setTimeout(() => void this.sendQueued(), this.lingerMs);
  }

  private encode(eventType: string, value: unknown): { bytes: Buffer; keyId: string | undefined } {
    const { registry, keyring } = this.options;
    const protectedEvent = protectEvent(registry, eventType, value, keyring);
    return { bytes: encodeEvent(registry, eventType, protectedEvent.value), keyId: protectedEvent.keyId };
  }

  /**
   * The caller's trace context (W3C traceparent/tracestate through the global OpenTelemetry
   * propagator; nothing when no SDK is registered), so consumers continue the same trace.
   */
  private traceHeaders(): Record<string, string> {
    return currentTraceHeaders();
  }

  private prepareMessage(
    eventType: string,
    value: unknown,
    options: PublishOptions,
    bytes: Buffer,
    keyId: string | undefined,
    traceHeaders = this.traceHeaders(),
  ): Omit<Pending, 'resolve' | 'reject'> {
    const event = this.options.registry.event(eventType);
    const envelope = (value as EnvelopeLike).envelope;
    const key = options.key ?? partitionKeyOf(value as EnvelopeLike);
    const headers: Record<string, string> = {
      ...traceHeaders,
      ...options.headers,
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.eventType]: eventType,
      [HEADERS.schemaFingerprint]: event.fingerprintHex,
      [HEADERS.source]: this.options.source,
    };
    if (keyId) headers[HEADERS.keyId] = keyId;
    return {
      topic: event.topic,
      message: { key, value: bytes, headers },
      receipt: { eventId: envelope.eventId, eventType, topic: event.topic, key },
    };
  }

  /** Sends everything queued now; resolves when Kafka acknowledged it (or rejects those that failed). */
  async flush(): Promise<void> {
    if (this.encoding.length > 0) {
      this.encodingDone ??= new Promise<void>((resolve) => (this.signalEncodingDone = resolve));
      await this.encodingDone;
    }
    await this.sendQueued();
  }

  /** Sends the send queue as it is now (events still encoding on workers are not waited for). */
  private async sendQueued(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const send = this.send(batch);
      this.inFlight.add(send);
      void send.finally(() => this.inFlight.delete(send));
    }
    await Promise.all([...this.inFlight]);
  }

  private async send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const pending of batch) {
      const messages = byTopic.get(pending.topic) ?? [];
      messages.push(pending.message);
      byTopic.set(pending.topic, messages);
    }
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const pending of batch) pending.resolve(pending.receipt);
    } catch (error) {
      this.options.logger?.error({ err: error, messages: batch.length }, 'publishing a batch failed');
      for (const pending of batch) pending.reject(error);
    }
  }
}
