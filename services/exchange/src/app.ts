/**
 * The exchange gateway's app: the kit's `buildApp`, the idempotency plugin, and the routes.
 * `server.ts` builds the real dependencies; tests build their own and call this.
 */
import { contractRegistry, type ContractRegistry } from '@minzheng/contracts';
import { buildApp, type App } from '@minzheng/service-kit/app';
import type { ServiceAppInput } from '@minzheng/service-kit/service';
import { idempotency } from '@minzheng/service-kit/idempotency';
import type { Connection } from 'mongoose';
import { clientModel, refusalModel } from './clients/client.schema.js';
import { deliveryModel } from './deliveries/delivery.schema.js';
import { ROW_CLAIMS_COLLECTION, uploadBatchModel, uploadErrorModel, uploadModel } from './uploads/upload.schema.js';
import { uploadRoutes } from './routes/uploads.js';
import { ClaimStore } from '@minzheng/service-kit/claims';
import type { ExchangeDeps } from './deps.js';
import { RowWorkers } from './uploads/row-workers.js';
import { ReceiptSigner, type ReceiptKeys } from './receipts/receipt-signer.js';
import { clientRoutes } from './routes/clients.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { schemaRoutes } from './routes/schemas.js';

export const SERVICE_VERSION = '0.1.0';

/**
 * The collections whose documents carry an outbox: the relay's list. Bulk uploads publish their
 * batches themselves before recording them (`use-cases/bulk-upload.ts`).
 */
export const OUTBOX_COLLECTIONS = ['deliveries'] as const;

export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of [clientModel, refusalModel, deliveryModel, uploadModel, uploadBatchModel, uploadErrorModel]) await model(connection).createIndexes();
}

export interface ExchangeAppOptions extends ServiceAppInput {
  readonly receiptKeys: ReceiptKeys;
  readonly registry?: ContractRegistry;
  /** Worker threads that check bulk-upload rows (`MZ_UPLOAD_THREADS`); 0 (the default) checks them on the request's thread. */
  readonly uploadThreads?: number;
}

export async function buildExchangeApp(options: ExchangeAppOptions): Promise<App> {
  const app = await buildApp({
    service: {
      name: 'exchange',
      version: SERVICE_VERSION,
      title: '数据交换网关 (exchange gateway)',
      description: '外部部门系统（公安、医保、残联、人社、教育、住建、水务、12345、应急）向平台报送事件：按 Avro 契约与身份规则校验，识别重复，签名回执，契约分发，报送审计。',
    },
    jwtKeys: options.jwtKeys,
    logger: options.logger,
    readiness: options.readiness,
    tags: [
      { name: 'deliveries', description: '报送 (deliveries)' },
      { name: 'uploads', description: '批量报送：NDJSON 与 CSV，逐行校验、识别重复、断点续传 (bulk uploads)' },
      { name: 'receipts', description: '回执与验签 (receipts and their verification)' },
      { name: 'schemas', description: '契约分发 (schema distribution)' },
      { name: 'clients', description: '部门客户端与允许清单 (department clients and allow-lists)' },
      { name: 'audit', description: '报送与拒收审计 (delivery and refusal audit)' },
    ],
  });
  await app.register(idempotency, { connection: options.connection, keyring: options.keyring });
  const registry = options.registry ?? contractRegistry();
  // The publisher's registry: its topics are where the events go (a test publisher's differ).
  const rowWorkers = new RowWorkers({ registry: options.publisher.registry, keyring: options.keyring, pseudonymizer: options.pseudonymizer, source: options.publisher.source, threads: options.uploadThreads ?? 0 });
  app.addHook('onClose', () => rowWorkers.close());
  const deps: ExchangeDeps = {
    clients: clientModel(options.connection),
    refusals: refusalModel(options.connection),
    deliveries: deliveryModel(options.connection),
    uploads: uploadModel(options.connection),
    uploadBatches: uploadBatchModel(options.connection),
    uploadErrors: uploadErrorModel(options.connection),
    claims: new ClaimStore(options.connection, ROW_CLAIMS_COLLECTION, async (batchId) => (await uploadBatchModel(options.connection).exists({ _id: batchId })) !== null),
    registry,
    publisher: options.publisher,
    rowWorkers,
    pseudonymizer: options.pseudonymizer,
    signer: new ReceiptSigner(options.receiptKeys),
    nudge: options.nudge ?? (() => undefined),
    now: options.now ?? (() => new Date()),
  };
  deliveryRoutes(app, deps);
  uploadRoutes(app, deps);
  schemaRoutes(app, deps);
  clientRoutes(app, deps);
  return app;
}
