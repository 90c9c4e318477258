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
 */
import { encodeEvent, protectEvent, type ContractRegistry, type EventTypeMap } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { context, propagation } from '@opentelemetry/api';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { BusLogger } from './client.js';
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
}

export interface PublishOptions {
  /** Overrides the partition key (rarely needed). */
  readonly key?: string;
  readonly headers?: Record<string, string>;
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

interface EnvelopeLike {
  envelope: { eventId: string; household: { householdId: string } | null; person: { personKey: string } | null };
}

/** The partition key of an event: household, else person pseudonym, else event id. */
export function partitionKeyOf(value: EnvelopeLike): string {
  const { envelope } = value;
  return envelope.household?.householdId ?? envelope.person?.personKey ?? envelope.eventId;
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

  constructor(private readonly options: PublisherOptions) {
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatch ?? 1_000;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Flushes what is queued, waits for it, then disconnects. */
  async disconnect(): Promise<void> {
    await this.flush();
    this.connected = false;
    await this.producer.disconnect();
  }

  /**
   * Validates, encodes, protects and queues one event; resolves once Kafka has acknowledged it
   * (all in-sync replicas). Throws ContractError at once for an invalid event.
   */
  publish<T extends keyof M & string>(eventType: T, value: M[T], options: PublishOptions = {}): Promise<PublishReceipt> {
    if (!this.connected) return Promise.reject(new Error('EventPublisher.publish before connect()'));
    let pending: Omit<Pending, 'resolve' | 'reject'>;
    try {
      pending = this.prepare(eventType, value, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<PublishReceipt>((resolve, reject) => {
      this.queue.push({ ...pending, resolve, reject });
      if (this.queue.length >= this.maxBatch) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private prepare(eventType: string, value: unknown, options: PublishOptions): Omit<Pending, 'resolve' | 'reject'> {
    const { registry, keyring } = this.options;
    const event = registry.event(eventType);
    const envelope = (value as EnvelopeLike).envelope;
    const protectedEvent = protectEvent(registry, eventType, value, keyring);
    const bytes = encodeEvent(registry, eventType, protectedEvent.value);
    const key = options.key ?? partitionKeyOf(value as EnvelopeLike);
    // The caller's trace context (W3C traceparent/tracestate through the global OpenTelemetry
    // propagator; nothing when no SDK is registered), so consumers continue the same trace.
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    const headers: Record<string, string> = {
      ...traceHeaders,
      ...options.headers,
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.eventType]: eventType,
      [HEADERS.schemaFingerprint]: event.fingerprintHex,
      [HEADERS.source]: this.options.source,
    };
    if (protectedEvent.keyId) headers[HEADERS.keyId] = protectedEvent.keyId;
    return {
      topic: event.topic,
      message: { key, value: bytes, headers },
      receipt: { eventId: envelope.eventId, eventType, topic: event.topic, key },
    };
  }

  /** Sends everything queued now; resolves when Kafka acknowledged it (or rejects those that failed). */
  async flush(): Promise<void> {
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
