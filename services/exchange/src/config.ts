/**
 * The exchange gateway's configuration, read once from the environment (see README). A bad or
 * missing value stops start-up with a message naming each variable.
 */
import { availableParallelism } from 'node:os';
import { env } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';
import { parseReceiptKeys, type ReceiptKeys } from './receipts/receipt-signer.js';

export const configSpec = {
  ...serviceConfigSpec(3105),
  MZ_UPLOAD_THREADS: env.int('worker threads that check bulk-upload rows (0: on the request thread; default: one core is left for the request thread, at most 4)', { default: Math.max(1, Math.min(4, availableParallelism() - 1)), min: 0, max: 64 }),
  MZ_RECEIPT_KEYS: env.secret<ReceiptKeys>('Ed25519 receipt signing keys, kid:base64(PKCS#8 DER),... (the last signs; all are published for verification)', (raw) => parseReceiptKeys(raw, 'MZ_RECEIPT_KEYS')),
};
