/** What the data-sharing use cases need, built once in `app.ts` (tests build their own). */
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import type { Connection, mongo } from 'mongoose';
import type { Precedence } from './projection/precedence.js';
import type { FlagRepository } from './flags/flag.repository.js';
import type { RuleParameters } from './rules/parameters.js';
import type { SubjectSummaryDocument } from './projection/fold.js';
import type { StoredContribution } from './projection/model.js';

export interface DataSharingDeps {
  readonly connection: Connection;
  /** Every event's contribution to every subject (profiles read a subject's range). */
  readonly contributions: mongo.Collection<StoredContribution>;
  /** Subject summaries (search and statistics). */
  readonly persons: mongo.Collection<SubjectSummaryDocument>;
  readonly households: mongo.Collection<SubjectSummaryDocument>;
  /** Decrypts stored personal values for full views. */
  readonly keyring: Keyring;
  readonly precedence: Precedence;
  readonly audit: AccessAudit;
  readonly now: () => Date;
  readonly flags: FlagRepository;
  readonly ruleParameters: RuleParameters;
}
