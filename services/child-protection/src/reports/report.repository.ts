/** Mandatory reports in the store (see `repository.ts`). */
import type { Connection } from 'mongoose';
import { ScopedRepository } from '@minzheng/service-kit/repository';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { reportModel, type StoredReport } from './report.schema.js';

export class ReportRepository extends ScopedRepository<StoredReport> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(reportModel(connection), repositoryOptions('强制报告', nudge));
  }
}
