/** What the data-sharing use cases need, built once in `app.ts` (tests build their own). */
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import type { Connection, mongo } from 'mongoose';
import type { Precedence } from './projection/precedence.js';
import type { WrittenSubject } from './projection/projector.js';

export interface DataSharingDeps {
  readonly connection: Connection;
  readonly persons: mongo.Collection<WrittenSubject>;
  readonly households: mongo.Collection<WrittenSubject>;
  /** Decrypts stored personal values for full views. */
  readonly keyring: Keyring;
  readonly precedence: Precedence;
  readonly audit: AccessAudit;
  readonly now: () => Date;
}
