/**
 * Personal fields at rest: each is an AES-256-GCM token whose associated data names the record
 * and the field, so a token copied to another record or field does not decrypt.
 */
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';

export type PersonField = 'idNumber' | 'name';

export const seal = (keyring: Keyring, value: string, context: string): string => encryptField(keyring, value, context);
export const unseal = (keyring: Keyring, token: string, context: string): string => decryptField(keyring, token, context);

/** A donor of a donation (`donation|<id>|donor|<field>`). */
export const donorContext = (donationId: string, field: PersonField): string => `donation|${donationId}|donor|${field}`;
/** The recipient of a disbursement. */
export const recipientContext = (disbursementId: string, field: PersonField): string => `disbursement|${disbursementId}|recipient|${field}`;
/** The beneficiary and description of a micro-wish. */
export const wishContext = (wishId: string, field: PersonField | 'description'): string => `wish|${wishId}|${field}`;
/** The donor of a micro-wish claim. */
export const claimContext = (claimId: string, field: PersonField): string => `wish-claim|${claimId}|donor|${field}`;
