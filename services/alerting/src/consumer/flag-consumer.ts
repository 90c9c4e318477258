/**
 * Consumes the flag events of data-sharing (`data-sharing.flag-raised`, `-updated`, `-closed` on
 * `mz.data-sharing.flags`) and keeps the alerts in step (`use-cases/alerts.ts`).
 *
 * Batches: the raised flags of a fetched batch are made into alerts in a few writes for all of them
 * (`receiveFlags`). At least once: each handling is idempotent (the alert's id comes from the flag's;
 * what follows a write is finished, not repeated), so a redelivered batch changes nothing. A flag event that cannot be handled goes to the dead-letter topic with the reason;
 * the consumer goes on. Other event types on the topic are ignored.
 */
import type { ContractRegistry, FlagClosed, FlagRaised, FlagUpdated } from '@minzheng/contracts';
import { EventConsumer, type ConsumedEvent, type ConsumerOptions } from '@minzheng/event-bus/consumer';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Connection } from 'mongoose';
import type { AlertingDeps } from '../deps.js';
import { flagClosed, flagUpdated, receiveFlag, receiveFlags } from '../use-cases/alerts.js';

export interface FlagConsumerOptions {
  readonly kafka: ConsumerOptions['kafka'];
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  readonly connection: Connection;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly deps: AlertingDeps;
  readonly logger?: ConsumerOptions['logger'];
  readonly attempts?: number;
  readonly fromBeginning?: boolean;
}

export class FlagConsumer {
  private readonly consumer: EventConsumer;
  private running = false;
  private counts = { raised: 0, updated: 0, closed: 0 };

  constructor(private readonly options: FlagConsumerOptions) {
    this.consumer = new EventConsumer({
      kafka: options.kafka,
      registry: options.registry,
      keyring: options.keyring,
      groupId: options.groupId,
      topics: options.topics,
      // No processed-events store: handling is idempotent by itself (the alert's id is the flag's), and a
      // store would cost two round trips an event; a redelivery is absorbed by the alerts and the stream marks.
      fromBeginning: options.fromBeginning ?? true,
      batchHandler: (events) => this.handleBatch(events),
      batchSize: 200,
      ...(options.attempts === undefined ? {} : { retry: { attempts: options.attempts } }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.stop();
  }

  ready(): Promise<unknown> {
    if (!this.running) return Promise.reject(new Error('the flag consumer is not running'));
    return Promise.resolve(this.metrics());
  }

  metrics() {
    return { ...this.consumer.metrics(), ...this.counts };
  }

  /** A batch in offset order: runs of raised flags at once (`receiveFlags`), updates and closings one by one between them. */
  private async handleBatch(events: readonly ConsumedEvent[]): Promise<void> {
    let run: { flag: FlagRaised; eventId: string }[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      await receiveFlags(this.options.deps, run);
      this.counts.raised += run.length;
      run = [];
    };
    for (const event of events) {
      if (event.eventType === 'data-sharing.flag-raised') {
        run.push({ flag: event.value as FlagRaised, eventId: event.eventId });
        continue;
      }
      await flush();
      await this.handle(event);
    }
    await flush();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    switch (event.eventType) {
      case 'data-sharing.flag-raised':
        await receiveFlag(this.options.deps, event.value as FlagRaised, event.eventId);
        this.counts.raised += 1;
        return;
      case 'data-sharing.flag-updated':
        await flagUpdated(this.options.deps, event.value as FlagUpdated, event.eventId);
        this.counts.updated += 1;
        return;
      case 'data-sharing.flag-closed':
        await flagClosed(this.options.deps, event.value as FlagClosed, event.eventId);
        this.counts.closed += 1;
        return;
      default:
    }
  }
}
