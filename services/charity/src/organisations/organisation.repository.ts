/** Charitable organisations in the store. */
import { ScopedRepository, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection } from 'mongoose';
import { repositoryOptions } from '../repository.js';
import { organisationModel, type StoredOrganisation } from './organisation.schema.js';

export class OrganisationRepository extends ScopedRepository<StoredOrganisation> {
  constructor(connection: Connection, nudge?: OutboxNudge) {
    super(organisationModel(connection), repositoryOptions('慈善组织', nudge));
  }

  /** An organisation by credit code in any region (names and codes of organisations are public). */
  async findAnywhere(id: string): Promise<StoredOrganisation | null> {
    return this.model.findOne({ _id: id }).select('-outbox').lean<StoredOrganisation>();
  }
}
