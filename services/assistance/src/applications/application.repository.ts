/** Applications in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '../repository.js';
import { applicationModel, type StoredApplication } from './application.schema.js';

export class ApplicationRepository extends ScopedRepository<StoredApplication> {
  constructor(connection: Connection) {
    super(applicationModel(connection), '申请');
  }
}
