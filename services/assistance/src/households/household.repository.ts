/** Households in the store (see `repository.ts` for the shape every repository keeps). */
import type { Connection } from 'mongoose';
import { ScopedRepository, type OutboxNudge } from '../repository.js';
import { householdModel, type StoredHousehold } from './household.schema.js';

export class HouseholdRepository extends ScopedRepository<StoredHousehold> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(householdModel(connection), '家庭', nudge);
  }
}
