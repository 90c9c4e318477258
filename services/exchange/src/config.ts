/**
 * The exchange gateway's configuration, read once from the environment (see README). A bad or
 * missing value stops start-up with a message naming each variable.
 */
import { env } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';
import { parseReceiptKeys, type ReceiptKeys } from './receipts/receipt-signer.js';

export const configSpec = {
  ...serviceConfigSpec(3105),
  MZ_RECEIPT_KEYS: env.secret<ReceiptKeys>('Ed25519 receipt signing keys, kid:base64(PKCS#8 DER),... (the last signs; all are published for verification)', (raw) => parseReceiptKeys(raw, 'MZ_RECEIPT_KEYS')),
};
