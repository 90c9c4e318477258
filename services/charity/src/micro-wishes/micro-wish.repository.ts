/** Micro-wishes in the store; their status is in the steps chain. */
import { ScopedRepository } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { wishModel, type StoredWish } from './micro-wish.schema.js';

export class WishRepository extends ScopedRepository<StoredWish> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(wishModel(connection), repositoryOptions('微心愿', nudge));
  }

  /** Moves the list hint after a step (best effort, see `CampaignRepository.noteHead`). */
  async noteHead(id: string, seq: number): Promise<void> {
    await this.model.updateOne({ _id: id }, { $max: { headSeq: seq } });
  }
}
