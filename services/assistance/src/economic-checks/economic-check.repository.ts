/** Economic-check results in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository, type OutboxNudge } from '../repository.js';
import { economicCheckModel, type StoredEconomicCheck } from './economic-check.schema.js';

export class EconomicCheckRepository extends ScopedRepository<StoredEconomicCheck> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(economicCheckModel(connection), '核对结果', nudge);
  }
}
