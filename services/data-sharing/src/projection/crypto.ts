/**
 * The projection's handling of personal values with the platform's keys: AES-GCM field encryption
 * at rest (bound to subject and field), keyed digests for comparison, masking for analysts.
 */
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskPhone, maskResidentId } from '@minzheng/identity/masking';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { Decrypter } from './checksum.js';
import type { FoldCrypto } from './fold.js';

export function maskOf(field: string, plaintext: string): string {
  if (field === 'idNumber') return maskResidentId(plaintext);
  if (/phone/iu.test(field)) return maskPhone(plaintext);
  return maskName(plaintext);
}

export function foldCrypto(keyring: Keyring, pseudonymizer: Pseudonymizer): FoldCrypto {
  return {
    encrypt: (plaintext, aad) => encryptField(keyring, plaintext, aad),
    valueKey: (field, plaintext) => pseudonymizer.valueKey(field, plaintext),
    mask: maskOf,
  };
}

export const decrypter = (keyring: Keyring): Decrypter => (token, aad) => decryptField(keyring, token, aad);
