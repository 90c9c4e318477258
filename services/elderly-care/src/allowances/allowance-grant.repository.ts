/** 高龄津贴 grants: inserted once per elder and tier (duplicate-key safe), read by id. */
import { ScopedRepository, isDuplicateKey } from '@minzheng/service-kit/repository';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { allowanceGrantModel, type StoredAllowanceGrant } from './allowance-grant.schema.js';

export class AllowanceGrantRepository extends ScopedRepository<StoredAllowanceGrant> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(allowanceGrantModel(connection), repositoryOptions('高龄津贴', nudge));
  }

  /** Inserts the grant with its event; false when a grant with this id already exists. */
  async insertOnce(record: Omit<StoredAllowanceGrant, 'outbox' | 'outboxPending'>, events: readonly PreparedEvent[]): Promise<boolean> {
    try {
      await this.insert(record, events);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The ids of every stored grant in the jurisdiction (one read per job run, instead of one per elder). */
  async idsIn(jurisdiction: string): Promise<Set<string>> {
    const rows = await this.model.find({ regionCode: { $gte: jurisdiction, $lt: `${jurisdiction}:` } }).select('_id').lean<{ _id: string }[]>();
    return new Set(rows.map((row) => row._id));
  }

  /** Grants by id (exact `_id` lookups, which FerretDB v1 pushes down), skipping missing ones. */
  async byIds(ids: readonly string[], jurisdiction: string): Promise<StoredAllowanceGrant[]> {
    const found = await Promise.all(ids.map((id) => this.model.findOne({ _id: id }).select('-outbox').lean<StoredAllowanceGrant>()));
    return found.filter((grant): grant is StoredAllowanceGrant => grant?.regionCode.startsWith(jurisdiction) === true);
  }
}
