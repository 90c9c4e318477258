/** Applications in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository, type OutboxNudge } from '../repository.js';
import { applicationModel, type StoredApplication } from './application.schema.js';

export class ApplicationRepository extends ScopedRepository<StoredApplication> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(applicationModel(connection), '申请', nudge);
  }
}
