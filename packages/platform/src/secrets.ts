/**
 * The demo platform's keys: made once with a cryptographic generator and kept beside the data
 * (`.data/platform/secrets.json`, never committed), so a second start decrypts what the first one
 * stored. A deployment sets its own (see each service's README for the variables).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PlatformSecrets {
  /** `MZ_JWT_KEYS` (kid:base64key). */
  readonly jwtKeys: string;
  /** `MZ_FIELD_KEYS` (kid:base64key). */
  readonly fieldKeys: string;
  /** `MZ_PSEUDONYM_KEY` (base64). */
  readonly pseudonymKey: string;
  /** `MZ_RECEIPT_KEYS` (kid:base64 PKCS#8 DER, Ed25519). */
  readonly receiptKeys: string;
}

export function generateSecrets(): PlatformSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  const stamp = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return {
    jwtKeys: `demo-${stamp}:${randomBytes(32).toString('base64')}`,
    fieldKeys: `demo-${stamp}:${randomBytes(32).toString('base64')}`,
    pseudonymKey: randomBytes(32).toString('base64'),
    receiptKeys: `demo-${stamp}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
  };
}

/** The secrets in `file`, made and written (mode 0600) when it does not exist yet. */
export function loadOrCreateSecrets(file: string): PlatformSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PlatformSecrets;
  const secrets = generateSecrets();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** The variables every service reads, from the secrets. */
export function secretEnv(secrets: PlatformSecrets): Record<string, string> {
  return { MZ_JWT_KEYS: secrets.jwtKeys, MZ_FIELD_KEYS: secrets.fieldKeys, MZ_PSEUDONYM_KEY: secrets.pseudonymKey, MZ_RECEIPT_KEYS: secrets.receiptKeys };
}
