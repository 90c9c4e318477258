/** Economic-check results in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { economicCheckModel, type StoredEconomicCheck } from './economic-check.schema.js';

export class EconomicCheckRepository extends ScopedRepository<StoredEconomicCheck> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(economicCheckModel(connection), repositoryOptions('核对结果', nudge));
  }
}
