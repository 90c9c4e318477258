/**
 * Personal fields at rest: each is an AES-256-GCM token whose associated data names the record
 * and the field, so a token copied to another record or field does not decrypt.
 */
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';

export const seal = (keyring: Keyring, value: string, context: string): string => encryptField(keyring, value, context);
export const unseal = (keyring: Keyring, token: string, context: string): string => decryptField(keyring, token, context);

export const memberContext = (householdId: string, personKey: string, field: 'idNumber' | 'name' | 'phone'): string => `household|${householdId}|${personKey}|${field}`;
export const householdContext = (householdId: string, field: 'address'): string => `household|${householdId}|${field}`;
