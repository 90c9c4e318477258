/**
 * Signed receipts (回执): each accepted delivery gets a receipt — counts, the SHA-256 of what was
 * received, the time — signed with Ed25519 by the gateway under a published key id. A department
 * keeps it to prove what it delivered; the platform keeps it to prove what it received. The
 * signature covers the receipt's canonical JSON (keys sorted, no whitespace, `signature` left out),
 * so anyone with the public key (`GET /receipt-keys`) can check it and any change breaks it.
 */
import { canonicalJson } from '@minzheng/service-kit/idempotency';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface ReceiptKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The keys, oldest first; the last signs, all verify. */
export interface ReceiptKeys {
  readonly keys: readonly ReceiptKey[];
}

/** `kid:base64(PKCS#8 DER of an Ed25519 private key),...`. */
export function parseReceiptKeys(raw: string, variable = 'MZ_RECEIPT_KEYS'): ReceiptKeys {
  const keys = raw.split(',').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new Error(`${variable}: each key is kid:base64(PKCS#8 DER)`);
    const keyId = part.slice(0, colon);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: Buffer.from(part.slice(colon + 1), 'base64'), format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw new Error(`${variable}: key ${keyId} is not a PKCS#8 DER private key in base64`, { cause: error });
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${variable}: key ${keyId} is ${String(privateKey.asymmetricKeyType)}, not ed25519`);
    return { keyId, privateKey, publicKey: createPublicKey(privateKey) };
  });
  if (keys.length === 0) throw new Error(`${variable}: at least one key is required`);
  return { keys };
}

/** The bytes a signature covers: the kit's canonical JSON (keys sorted at every level, no whitespace). */
export { canonicalJson };

export interface ReceiptBody {
  readonly receiptId: string;
  readonly kind: 'EVENT' | 'UPLOAD';
  readonly clientId: string;
  readonly department: string;
  readonly eventType: string;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** SHA-256 (hex) of the canonical JSON (`canonicalJson`) of the request body as received. */
  readonly contentHash: string;
  /** The event ids accepted (one for a single event; omitted for uploads, whose report lists them). */
  readonly eventIds: readonly string[];
  readonly receivedAt: string;
}

export interface SignedReceipt extends ReceiptBody {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  /** base64 signature over `canonicalJson` of every other field. */
  readonly signature: string;
}

export class ReceiptSigner {
  constructor(private readonly keys: ReceiptKeys) {}

  sign(body: ReceiptBody): SignedReceipt {
    const key = this.keys.keys.at(-1);
    if (key === undefined) throw new Error('no receipt key');
    const unsigned = { ...body, keyId: key.keyId, algorithm: 'Ed25519' as const };
    return { ...unsigned, signature: sign(null, Buffer.from(canonicalJson(unsigned)), key.privateKey).toString('base64') };
  }

  /** True when the receipt's signature verifies with the key it names. */
  verify(receipt: SignedReceipt): boolean {
    const key = this.keys.keys.find((candidate) => candidate.keyId === receipt.keyId);
    if (key === undefined) return false;
    const { signature, ...unsigned } = receipt;
    return verify(null, Buffer.from(canonicalJson(unsigned)), key.publicKey, Buffer.from(signature, 'base64'));
  }

  /** The public keys, as JWK, for `GET /receipt-keys`. */
  publicKeys(): { keyId: string; algorithm: 'Ed25519'; jwk: Record<string, unknown> }[] {
    return this.keys.keys.map((key) => ({ keyId: key.keyId, algorithm: 'Ed25519' as const, jwk: { ...key.publicKey.export({ format: 'jwk' }) } }));
  }
}
