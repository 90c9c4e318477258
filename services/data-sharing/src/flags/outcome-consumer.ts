/**
 * Consumes the alerting service's outcome events (`alerting.alert-outcome-recorded` on
 * `mz.alerting.alert-events`) and records each on its flag: the caseworker's outcome closes the
 * flag (RESOLVED, the outcome code kept), so the flag store knows what came of every flag and each
 * rule's precision can be counted here as well. The flag-closed event it publishes returns to the
 * alerting service, which finds its alert resolved already and does nothing.
 *
 * At least once: the processed-events store skips event ids already handled; a flag already
 * closed, or one the rule has raised anew since (a newer flag in the slot), is left as it is.
 */
import type { AlertOutcomeRecorded, ContractRegistry } from '@minzheng/contracts';
import { EventConsumer, type ConsumedEvent, type ConsumerOptions } from '@minzheng/event-bus/consumer';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { MongoProcessedEvents } from '@minzheng/service-kit/processed-events';
import type { Connection, mongo } from 'mongoose';
import type { SubjectSummaryDocument } from '../projection/fold.js';
import type { FlagRepository } from './flag.repository.js';
import type { FlagOutcome } from './flag.schema.js';
import { flagPersonRef } from './subject.js';

export const OUTCOME_RECORDED = 'alerting.alert-outcome-recorded';

export interface OutcomeConsumerOptions {
  readonly kafka: ConsumerOptions['kafka'];
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  readonly connection: Connection;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly flags: FlagRepository;
  readonly persons: mongo.Collection<SubjectSummaryDocument>;
  readonly now: () => Date;
  readonly logger?: ConsumerOptions['logger'];
  readonly attempts?: number;
}

export class OutcomeConsumer {
  private readonly consumer: EventConsumer;
  private running = false;
  private counts = { recorded: 0, alreadyClosed: 0, unknownFlag: 0 };

  constructor(private readonly options: OutcomeConsumerOptions) {
    this.consumer = new EventConsumer({
      kafka: options.kafka,
      registry: options.registry,
      keyring: options.keyring,
      groupId: options.groupId,
      topics: options.topics,
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

  ready(): Promise<unknown> {
    if (!this.running) return Promise.reject(new Error('the outcome consumer is not running'));
    return Promise.resolve(this.metrics());
  }

  metrics() {
    return { ...this.consumer.metrics(), ...this.counts };
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    if (event.eventType !== OUTCOME_RECORDED) return;
    const value = event.value as AlertOutcomeRecorded;
    const document = await this.options.flags.byFlagId(value.flagId);
    if (document === null) {
      this.counts.unknownFlag += 1;
      return;
    }
    if (document.flagId !== value.flagId) {
      this.counts.alreadyClosed += 1;
      return;
    }
    // The alert's outcome codes are the flag's (FLAG_OUTCOMES has them all, and ALREADY_RECEIVING).
    const outcome: FlagOutcome = value.outcome;
    const subject = { regionCode: document.regionCode ?? value.envelope.region.villageCode ?? value.envelope.region.townCode ?? value.envelope.region.countyCode, householdId: document.householdId, person: await flagPersonRef(this.options.persons, this.options.keyring, document) };
    // The note stays with the alert (it may name people); the flag records who and what.
    const result = await this.options.flags.act(document, 'RESOLVED', `alerting:${value.recordedById}`, outcome, `预警 ${value.alertId} 处置结果 ${value.outcome}`, subject, this.options.now());
    if (result === 'conflict') throw new Error(`flag ${value.flagId} changed while recording the outcome; retried`);
    if (result === 'not-open') this.counts.alreadyClosed += 1;
    else this.counts.recorded += 1;
  }
}
