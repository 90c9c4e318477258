/**
 * Personal fields at rest: each is an AES-256-GCM token whose associated data names the record
 * and the field, so a token copied to another record or field does not decrypt.
 */
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';

export const seal = (keyring: Keyring, value: string, context: string): string => encryptField(keyring, value, context);
export const unseal = (keyring: Keyring, token: string, context: string): string => decryptField(keyring, token, context);

export const elderContext = (elderId: string, field: 'idNumber' | 'name' | 'phone' | 'emergencyContactPhone' | 'address'): string => `elder|${elderId}|${field}`;
export const visitContext = (visitId: string, field: 'note'): string => `visit|${visitId}|${field}`;
export const serviceOrderContext = (orderId: string, field: 'note'): string => `service-order|${orderId}|${field}`;
