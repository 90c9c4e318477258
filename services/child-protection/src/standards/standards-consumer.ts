/**
 * Consumes `reference.standard-changed` (topic `mz.reference.standards`, keyed by version id) and
 * keeps the 低保 versions (program DIBAO) in the local table; each new, corrected or withdrawn version
 * re-computes the allowance of every child it may affect (`use-cases/dibao-standards.ts`).
 *
 * Delivery is at least once: the processed-events store (the service's own database) skips event
 * ids already handled, and the handling itself is idempotent (the row is keyed by version id, and
 * the schedule is recomputed from the whole table). Other event types on the topic are ignored. A
 * DIBAO version without a monthly amount cannot be used: it is dead-lettered with the reason.
 */
import type { ContractRegistry, StandardChanged } from '@minzheng/contracts';
import { EventConsumer, NonRetriableError, type ConsumedEvent, type ConsumerOptions } from '@minzheng/event-bus/consumer';
import { MongoProcessedEvents } from '@minzheng/service-kit/processed-events';
import type { Connection } from 'mongoose';
import type { ChildDeps } from '../deps.js';
import { receiveDibaoVersion } from '../use-cases/dibao-standards.js';

export const STANDARD_CHANGED = 'reference.standard-changed';

export interface StandardsConsumerOptions {
  readonly kafka: ConsumerOptions['kafka'];
  /** The service's database (the processed-events store). */
  readonly connection: Connection;
  readonly registry: ContractRegistry;
  readonly topic: string;
  readonly groupId: string;
  readonly deps: ChildDeps;
  readonly logger?: ConsumerOptions['logger'];
  /** Handler attempts before dead-lettering (default the bus's 5). */
  readonly attempts?: number;
}

/** The region prefix a reference event names: the village, else the town, else the county code. */
export const regionCodeOf = (value: StandardChanged): string => value.region.villageCode ?? value.region.townCode ?? value.region.countyCode;

export class StandardsConsumer {
  private readonly consumer: EventConsumer;
  private running = false;

  constructor(private readonly options: StandardsConsumerOptions) {
    this.consumer = new EventConsumer({
      kafka: options.kafka,
      registry: options.registry,
      groupId: options.groupId,
      topics: [options.topic],
      processed: new MongoProcessedEvents({ connection: options.connection, consumerGroup: options.groupId }),
      fromBeginning: true,
      handler: (event) => this.handle(event),
      ...(options.attempts === undefined ? {} : { retry: { attempts: options.attempts } }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      maxWaitTimeInMs: 500,
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

  /** Readiness: resolves while the consumer runs, with its counters. */
  ready(): Promise<unknown> {
    if (!this.running) return Promise.reject(new Error('the standards consumer is not running'));
    return Promise.resolve(this.consumer.metrics());
  }

  metrics() {
    return this.consumer.metrics();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    if (event.eventType !== STANDARD_CHANGED) return;
    const value = event.value as StandardChanged;
    if (value.program !== 'DIBAO') return;
    if (value.standardKind !== 'MONTHLY_AMOUNT' || value.valueFen === null) {
      throw new NonRetriableError('CHILD_NO_STANDARD', `DIBAO version ${value.versionId} carries no monthly amount (standardKind ${value.standardKind})`);
    }
    const result = await receiveDibaoVersion(this.options.deps, {
      versionId: value.versionId,
      standardId: value.standardId,
      regionCode: regionCodeOf(value),
      effectiveFrom: value.effectiveFrom,
      monthlyStandardFen: value.valueFen,
      areaScope: value.areaScope,
      withdrawn: value.changeKind === 'WITHDRAWN',
      supersedesVersionId: value.supersedesVersionId,
      title: value.title,
      sourceDocument: value.sourceDocument,
      via: 'KAFKA',
      sourceEventId: event.eventId,
    });
    this.options.logger?.info({ versionId: value.versionId, eventId: event.eventId, ...result }, 'dibao version received; allowances re-computed');
  }
}
