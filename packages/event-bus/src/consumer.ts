/**
 * Consuming contract events, at least once, with idempotent handling:
 *  - each message is decoded (any published schema version, resolved to the reader's), its
 *    personal fields decrypted when a keyring is given, and handed to the handler once per
 *    event id (a processed-events store remembers which ids were handled);
 *  - a failing handler is retried with exponential backoff, a bounded number of times;
 *  - what cannot be processed (undecodable, unknown schema, undecryptable, or still failing
 *    after the retries) goes to `<topic>.dlq` with the reason, code, original headers and
 *    position, and only then is the offset moved on. Nothing is dropped silently;
 *  - the handler runs in the trace context the producer sent in the headers;
 *  - offsets are resolved message by message and committed after batches and on stop, so a
 *    graceful stop commits exactly what was processed and a crash replays at most the
 *    uncommitted tail (which the processed-events store and idempotent handlers absorb).
 */
import { ContractError, decodeEvent, unprotectEvent, type ContractRegistry } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { BusLogger } from './client.js';
import { HEADERS, readHeaders } from './headers.js';
import { deadLetterTopicOf } from './topics.js';

/** What a handler receives. */
export interface ConsumedEvent {
  readonly eventId: string;
  readonly eventType: string;
  /** Decoded value; personal fields decrypted when the consumer has a keyring. */
  readonly value: unknown;
  readonly writerVersion: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** False when no keyring was given: personal fields are still ciphertext. */
  readonly decrypted: boolean;
}

/** Remembers handled event ids, so a redelivered event is not handled twice. */
export interface ProcessedEventStore {
  isProcessed(eventId: string): Promise<boolean>;
  markProcessed(eventId: string): Promise<void>;
}

/** Bounded in-memory store: enough for tests and for consumers whose effects are idempotent anyway. */
export class InMemoryProcessedEvents implements ProcessedEventStore {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 100_000) {}
  isProcessed(eventId: string): Promise<boolean> {
    return Promise.resolve(this.ids.has(eventId));
  }
  markProcessed(eventId: string): Promise<void> {
    this.ids.add(eventId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return Promise.resolve();
  }
}

/** Thrown by a handler for a failure that retrying cannot fix: dead-lettered at once. */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RetryPolicy {
  /** Handler attempts in total (first try included). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ConsumerOptions {
  readonly kafka: Kafka;
  readonly registry: ContractRegistry;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Handles one event. Give this or `batchHandler`. */
  readonly handler?: (event: ConsumedEvent) => Promise<void>;
  /**
   * Handles the decodable events of a fetched batch at once (up to `batchSize`, in offset order, one
   * partition at a time): for consumers whose store work is cheaper per batch than per event. A
   * failing batch is retried as a whole; when it still fails, its events are handled one by one
   * (each with the same retries), so only the events that fail alone are dead-lettered.
   */
  readonly batchHandler?: (events: readonly ConsumedEvent[]) => Promise<void>;
  /** Events per `batchHandler` call (default 500). */
  readonly batchSize?: number;
  /** Decrypts personal fields; without it the handler sees ciphertext (and pseudonyms). */
  readonly keyring?: Keyring;
  readonly processed?: ProcessedEventStore;
  readonly retry?: Partial<RetryPolicy>;
  readonly fromBeginning?: boolean;
  readonly logger?: BusLogger;
  /** kafkajs fetch long-poll; a stop waits for the fetch in flight, so keep it short. */
  readonly maxWaitTimeInMs?: number;
}

export interface ConsumerMetrics {
  readonly received: number;
  readonly handled: number;
  readonly duplicatesSkipped: number;
  readonly retries: number;
  readonly deadLettered: number;
  /** Events handled per second over the last 10 seconds. */
  readonly throughputPerSecond: number;
  /** Messages behind the end of each partition, by `topic/partition`. */
  readonly lag: Readonly<Record<string, number>>;
  /** The next offset to process in each partition handled so far, by `topic/partition`. */
  readonly positions: Readonly<Record<string, number>>;
  readonly paused: boolean;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 10_000 };

export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly processed: ProcessedEventStore;
  private readonly retry: RetryPolicy;
  private counters = { received: 0, handled: 0, duplicatesSkipped: 0, retries: 0, deadLettered: 0 };
  private readonly lag = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  private readonly recent: number[] = [];
  private paused = false;

  constructor(private readonly options: ConsumerOptions) {
    if ((options.handler === undefined) === (options.batchHandler === undefined)) throw new Error('EventConsumer: give exactly one of handler and batchHandler');
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
    });
    this.deadLetters = options.kafka.producer({ allowAutoTopicCreation: false });
    this.processed = options.processed ?? new InMemoryProcessedEvents();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Finishes the message in hand, commits what was processed, leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  /** Stops fetching (back-pressure); what is in hand finishes. */
  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    this.paused = true;
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.paused = false;
  }

  metrics(): ConsumerMetrics {
    const now = Date.now();
    while (this.recent.length > 0 && (this.recent[0] ?? 0) < now - 10_000) this.recent.shift();
    return {
      ...this.counters,
      throughputPerSecond: this.recent.length / 10,
      lag: Object.fromEntries(this.lag),
      positions: Object.fromEntries(this.positions),
      paused: this.paused,
    };
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    if (this.options.batchHandler !== undefined) {
      await this.eachBatchAtOnce(payload, this.options.batchHandler);
      return;
    }
    const { batch } = payload;
    const high = BigInt(batch.highWatermark);
    const heartbeat = (): Promise<void> => payload.heartbeat();
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      await this.process(batch.topic, batch.partition, message, heartbeat);
      payload.resolveOffset(message.offset);
      this.lag.set(`${batch.topic}/${batch.partition}`, Number(high - BigInt(message.offset) - 1n));
      this.positions.set(`${batch.topic}/${batch.partition}`, Number(message.offset) + 1);
      // Commits only when the auto-commit interval has passed; inside the loop so that a crash in
      // a large batch replays about one interval of work, not the whole batch.
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    }
    // On a stop, commit what was processed now instead of waiting for the next interval.
    await payload.commitOffsetsIfNecessary(payload.isRunning() ? undefined : payload.uncommittedOffsets());
  }

  private async eachBatchAtOnce(payload: EachBatchPayload, handle: (events: readonly ConsumedEvent[]) => Promise<void>): Promise<void> {
    const { batch } = payload;
    const high = BigInt(batch.highWatermark);
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const size = this.options.batchSize ?? 500;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!payload.isRunning() || payload.isStale()) break;
      const messages = batch.messages.slice(start, start + size);
      const events: { event: ConsumedEvent; message: KafkaMessage; headers: Record<string, string> }[] = [];
      for (const message of messages) {
        const decoded = await this.decode(batch.topic, batch.partition, message);
        if (decoded !== undefined) events.push({ ...decoded, message });
      }
      if (events.length > 0) {
        const all = events.map((item) => item.event);
        const failure = await this.withRetries(() => handle(all), heartbeat, all[0]?.eventId ?? '');
        if (failure === undefined) {
          for (const { event } of events) await this.handled(event);
        } else {
          // One by one, so that only what fails alone is dead-lettered.
          for (const { event, message, headers } of events) {
            const alone = await this.withRetries(() => handle([event]), heartbeat, event.eventId);
            if (alone === undefined) await this.handled(event);
            else await this.deadLetter(batch.topic, batch.partition, message, headers, alone.error, alone.attempts);
          }
        }
      }
      const last = messages.at(-1);
      if (last !== undefined) {
        payload.resolveOffset(last.offset);
        this.lag.set(`${batch.topic}/${batch.partition}`, Number(high - BigInt(last.offset) - 1n));
        this.positions.set(`${batch.topic}/${batch.partition}`, Number(last.offset) + 1);
      }
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    }
    await payload.commitOffsetsIfNecessary(payload.isRunning() ? undefined : payload.uncommittedOffsets());
  }

  private async process(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const decoded = await this.decode(topic, partition, message);
    if (decoded === undefined) return;
    const { event, headers } = decoded;
    const handler = this.options.handler;
    if (handler === undefined) return;
    // The handler runs in the producer's trace context (from the message headers).
    const traceContext = propagation.extract(ROOT_CONTEXT, headers);
    const failure = await this.withRetries(() => context.with(traceContext, () => handler(event)), heartbeat, event.eventId);
    if (failure === undefined) await this.handled(event);
    else await this.deadLetter(topic, partition, message, headers, failure.error, failure.attempts);
  }

  /** Decodes (and decrypts) a message; undefined when it was a duplicate or went to the dead-letter topic. */
  private async decode(topic: string, partition: number, message: KafkaMessage): Promise<{ event: ConsumedEvent; headers: Record<string, string> } | undefined> {
    this.counters.received += 1;
    const headers = readHeaders(message.headers);
    const { registry, keyring } = this.options;
    try {
      if (!message.value) throw new NonRetriableError('BUS_EMPTY_MESSAGE', 'the message has no value (a tombstone or an empty record)');
      const decoded = decodeEvent(registry, message.value);
      const eventId = (decoded.value as { envelope: { eventId: string } }).envelope.eventId;
      if (await this.processed.isProcessed(eventId)) {
        this.counters.duplicatesSkipped += 1;
        return undefined;
      }
      const value = keyring ? unprotectEvent(registry, decoded.eventType, decoded.value, keyring) : decoded.value;
      return {
        headers,
        event: {
          eventId,
          eventType: decoded.eventType,
          value,
          writerVersion: decoded.writerVersion,
          topic,
          partition,
          offset: message.offset,
          key: message.key ? message.key.toString('utf8') : null,
          headers,
          decrypted: keyring !== undefined,
        },
      };
    } catch (error) {
      await this.deadLetter(topic, partition, message, headers, error, 0);
      return undefined;
    }
  }

  private async handled(event: ConsumedEvent): Promise<void> {
    await this.processed.markProcessed(event.eventId);
    this.counters.handled += 1;
    this.recent.push(Date.now());
  }

  /** Runs `work` with the retry policy; resolves undefined on success, or the last error and the attempts made. */
  private async withRetries(work: () => Promise<void>, heartbeat: () => Promise<void>, eventId: string): Promise<{ error: unknown; attempts: number } | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await work();
        return undefined;
      } catch (error) {
        const retriable = !(error instanceof NonRetriableError) && !(error instanceof ContractError);
        if (!retriable || attempt >= this.retry.attempts) return { error, attempts: attempt };
        this.counters.retries += 1;
        const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1));
        this.options.logger?.warn({ err: error, eventId, attempt, delayMs: delay }, 'handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        await heartbeat();
      }
    }
  }

  /** Sends the original message, with the reason, to `<topic>.dlq`; resolves when Kafka has it. */
  private async deadLetter(topic: string, partition: number, message: KafkaMessage, headers: Record<string, string>, error: unknown, attempts: number): Promise<void> {
    const code =
      error instanceof ContractError || error instanceof NonRetriableError ? error.code : attempts > 0 ? 'BUS_HANDLER_FAILED' : 'BUS_UNPROCESSABLE';
    const reason = error instanceof Error ? error.message : String(error);
    await this.deadLetters.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            [HEADERS.deadLetter.code]: code,
            [HEADERS.deadLetter.reason]: reason.slice(0, 2_000),
            [HEADERS.deadLetter.topic]: topic,
            [HEADERS.deadLetter.partition]: String(partition),
            [HEADERS.deadLetter.offset]: message.offset,
            [HEADERS.deadLetter.group]: this.options.groupId,
            [HEADERS.deadLetter.failedAt]: new Date().toISOString(),
            [HEADERS.deadLetter.attempts]: String(attempts),
          },
        },
      ],
    });
    this.counters.deadLettered += 1;
    this.options.logger?.error({ code, reason, topic, partition, offset: message.offset }, 'message dead-lettered');
  }
}
