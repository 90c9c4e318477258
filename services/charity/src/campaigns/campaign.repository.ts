/** Campaigns in the store; their money is in the ledger chain. */
import { ScopedRepository } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { campaignModel, type StoredCampaign } from './campaign.schema.js';

export class CampaignRepository extends ScopedRepository<StoredCampaign> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(campaignModel(connection), repositoryOptions('募捐活动', nudge));
  }

  /** A campaign by id in any region (the public transparency view). */
  async findAnywhere(id: string): Promise<StoredCampaign | null> {
    return this.model.findOne({ _id: id }).select('-outbox').lean<StoredCampaign>();
  }

  /**
   * Moves the list hints after a ledger append. Best effort: FerretDB v1 may lose this write to a
   * concurrent one, which only makes the next read probe a few more links (reads take the head).
   */
  async noteHead(id: string, seq: number, status: 'OPEN' | 'CLOSED'): Promise<void> {
    await this.model.updateOne({ _id: id }, { $max: { headSeq: seq }, ...(status === 'CLOSED' ? { $set: { statusHint: status } } : {}) });
  }
}
