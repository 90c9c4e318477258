/** Households in the store (see `repository.ts` for the shape every repository keeps). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { householdModel, type StoredHousehold } from './household.schema.js';

export class HouseholdRepository extends ScopedRepository<StoredHousehold> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(householdModel(connection), repositoryOptions('家庭', nudge));
  }
}
