/**
 * Personal fields at rest: each is an AES-256-GCM token whose associated data names the record and
 * the field, so a token copied to another record or field does not decrypt.
 */
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';

export const seal = (keyring: Keyring, value: string, context: string): string => encryptField(keyring, value, context);
export const unseal = (keyring: Keyring, token: string, context: string): string => decryptField(keyring, token, context);
export const sealOptional = (keyring: Keyring, value: string | null | undefined, context: string): string | null => (value === undefined || value === null ? null : seal(keyring, value, context));
export const unsealOptional = (keyring: Keyring, token: string | null, context: string): string | null => (token === null ? null : unseal(keyring, token, context));

export const childContext = (childId: string, field: 'idNumber' | 'name'): string => `child|${childId}|${field}`;
export const guardianContext = (childId: string, personKey: string, field: 'idNumber' | 'name'): string => `child|${childId}|guardian|${personKey}|${field}`;
export const childNoteContext = (childId: string, kind: 'guardianship' | 'visit', entryId: string): string => `child|${childId}|${kind}|${entryId}|note`;
export const reportContext = (reportId: string, field: 'description' | 'locationDescription' | 'reporterPhone' | 'childIdNumber' | 'childName'): string => `report|${reportId}|${field}`;
export const reportStepContext = (reportId: string, step: number): string => `report|${reportId}|step|${step}|note`;
