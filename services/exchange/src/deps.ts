/** What the gateway's use cases need, built once in `app.ts` (tests build their own). */
import type { ContractRegistry } from '@minzheng/contracts';
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { ClaimStore } from '@minzheng/service-kit/claims';
import type { OutboxNudge } from '@minzheng/service-kit/repository';
import type { Model } from 'mongoose';
import type { StoredClient, StoredRefusal } from './clients/client.schema.js';
import type { StoredDelivery } from './deliveries/delivery.schema.js';
import type { StoredUpload, StoredUploadBatch, StoredUploadError } from './uploads/upload.schema.js';
import type { ReceiptSigner } from './receipts/receipt-signer.js';
import type { RowWorkers } from './uploads/row-workers.js';

export interface ExchangeDeps {
  readonly clients: Model<StoredClient>;
  readonly refusals: Model<StoredRefusal>;
  readonly deliveries: Model<StoredDelivery>;
  readonly uploads: Model<StoredUpload>;
  readonly uploadBatches: Model<StoredUploadBatch>;
  readonly uploadErrors: Model<StoredUploadError>;
  /** Claims of upload rows' event ids (deduplication across batches and uploads). */
  readonly claims: ClaimStore;
  readonly registry: ContractRegistry;
  readonly publisher: EventPublisher;
  /** Checks upload rows (on worker threads when configured). */
  readonly rowWorkers: RowWorkers;
  readonly pseudonymizer: Pseudonymizer;
  readonly signer: ReceiptSigner;
  readonly nudge: OutboxNudge;
  readonly now: () => Date;
}
