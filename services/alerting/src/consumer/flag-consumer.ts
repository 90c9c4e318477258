/**
 * Consumes the flag events of data-sharing (`data-sharing.flag-raised`, `-updated`, `-closed` on
 * `mz.data-sharing.flags`) and keeps the alerts in step (`use-cases/alerts.ts`).
 *
 * At least once: the processed-events store skips event ids already handled, and each handling is
 * idempotent anyway (the alert's id comes from the flag's; what follows a write is finished, not
 * repeated). A flag event that cannot be handled goes to the dead-letter topic with the reason;
 * the consumer goes on. Other event types on the topic are ignored.
 */
import type { ContractRegistry, FlagClosed, FlagRaised, FlagUpdated } from '@minzheng/contracts';
import { EventConsumer, type ConsumedEvent, type ConsumerOptions } from '@minzheng/event-bus/consumer';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { MongoProcessedEvents } from '@minzheng/service-kit/processed-events';
import type { Connection } from 'mongoose';
import type { AlertingDeps } from '../deps.js';
import { flagClosed, flagUpdated, receiveFlag } from '../use-cases/alerts.js';

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
      processed: new MongoProcessedEvents({ connection: options.connection, consumerGroup: options.groupId }),
      fromBeginning: options.fromBeginning ?? true,
      handler: (event) => this.handle(event),
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
