/**
 * The consumers' memory of handled event ids, in the service's own database, so "each event's
 * effect once" survives restarts and rebalances (the bus's in-memory store does not). One document
 * per (consumer group, event id); `_id` makes the check a primary-key lookup and the mark an
 * insert, the two cheapest operations on FerretDB v1.
 *
 * Records older than `retentionDays` are removed by `prune()` (FerretDB v1 rejects TTL indexes);
 * keep the retention longer than the topics' retention, or a replay from the beginning would be
 * handled again.
 */
import type { ProcessedEventStore } from '@minzheng/event-bus/consumer';
import type { Connection } from 'mongoose';

const DUPLICATE_KEY = 11_000;

export interface MongoProcessedEventsOptions {
  readonly connection: Connection;
  readonly consumerGroup: string;
  readonly collection?: string;
  readonly retentionDays?: number;
}

interface ProcessedRecord {
  _id: string;
  group: string;
  at: Date;
}

export class MongoProcessedEvents implements ProcessedEventStore {
  private readonly collectionName: string;

  constructor(private readonly options: MongoProcessedEventsOptions) {
    this.collectionName = options.collection ?? 'processed_events';
  }

  private get collection() {
    return this.options.connection.collection<ProcessedRecord>(this.collectionName);
  }

  private id(eventId: string): string {
    return `${this.options.consumerGroup}|${eventId}`;
  }

  async isProcessed(eventId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: this.id(eventId) }, { projection: { _id: 1 } })) !== null;
  }

  async markProcessed(eventId: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: this.id(eventId), group: this.options.consumerGroup, at: new Date() });
    } catch (error) {
      if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
    }
  }

  /** Removes records older than the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - (this.options.retentionDays ?? 30) * 86_400_000);
    const result = await this.collection.deleteMany({ group: this.options.consumerGroup, at: { $lt: cutoff } });
    return result.deletedCount;
  }
}
