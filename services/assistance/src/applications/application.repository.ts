/** Applications in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { applicationModel, type StoredApplication } from './application.schema.js';

export class ApplicationRepository extends ScopedRepository<StoredApplication> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(applicationModel(connection), repositoryOptions('申请', nudge));
  }
}
