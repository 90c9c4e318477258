/** The published standard rows (see `standard.schema.ts`). */
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { outboxFields } from '@minzheng/service-kit/outbox';
import type { OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection, Model } from 'mongoose';
import { standardRowModel, type StoredStandardRow } from './standard.schema.js';

export class StandardRowRepository {
  private readonly model: Model<StoredStandardRow>;

  constructor(
    connection: Connection,
    private readonly nudge: OutboxNudge = () => undefined,
  ) {
    this.model = standardRowModel(connection);
  }

  get collectionName(): string {
    return this.model.collection.collectionName;
  }

  /** The ids (topic keys) already published. */
  async ids(): Promise<Set<string>> {
    const stored = await this.model.find({}).select({ _id: 1 }).lean<{ _id: string }[]>();
    return new Set(stored.map((row) => row._id));
  }

  /** Inserts a row with its event; a duplicate id throws the driver's duplicate-key error. */
  async insert(row: Omit<StoredStandardRow, 'outbox' | 'outboxPending'>, events: readonly PreparedEvent[]): Promise<void> {
    await this.model.create({ ...row, ...outboxFields(events) });
    if (events.length > 0) this.nudge({ collection: this.collectionName, ids: [row._id] });
  }
}
