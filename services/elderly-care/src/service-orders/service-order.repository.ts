/** Home services and renovations. */
import { ScopedRepository } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions, type OutboxNudge } from '../repository.js';
import { serviceOrderModel, type StoredServiceOrder } from './service-order.schema.js';

export class ServiceOrderRepository extends ScopedRepository<StoredServiceOrder> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(serviceOrderModel(connection), repositoryOptions('服务工单', nudge));
  }
}
