/**
 * Wire protection of personal data. Fields tagged `"pii": true` are encrypted with AES-256-GCM
 * (@minzheng/identity field tokens) before encoding, and decrypted after decoding. The
 * associated data binds each token to its event id and field path, so a token copied into
 * another field or event does not decrypt. Person references keep their keyed pseudonym in
 * clear, so consumers join people without decrypting anything.
 */
import { IdentityError } from '@minzheng/identity/errors';
import { decryptField, encryptField, type Keyring } from '@minzheng/identity/field-crypto';
import { ContractError, type FieldProblem } from './errors.js';
import type { ContractRegistry } from './registry.js';
import type { PiiPlan } from './schema-files/walk.js';

type Transform = (plaintext: string, path: string) => string;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** A copy of `value` with every personal string passed through `transform`; the rest is shared. */
export function mapPersonalFields(value: unknown, plan: PiiPlan | undefined, transform: Transform, path = ''): unknown {
  if (!plan || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item: unknown, i) => mapPersonalFields(item, plan, transform, `${path}[${i}]`));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [name, below] of plan.fields) {
    const fieldPath = path ? `${path}.${name}` : name;
    const field = value[name];
    if (below === true) {
      if (typeof field === 'string') out[name] = transform(field, fieldPath);
    } else {
      out[name] = mapPersonalFields(field, below, transform, fieldPath);
    }
  }
  return out;
}

function eventIdOf(value: unknown): string {
  const envelope = isRecord(value) ? value.envelope : undefined;
  const eventId = isRecord(envelope) ? envelope.eventId : undefined;
  if (typeof eventId !== 'string') throw new ContractError('AVRO_INVALID_VALUE', 'the event has no envelope.eventId', [{ path: 'envelope.eventId', rule: 'is required' }]);
  return eventId;
}

export interface ProtectedEvent {
  readonly value: unknown;
  /** The key that encrypted the personal fields (for the `mz-key-id` header); undefined when none. */
  readonly keyId: string | undefined;
}

/** Encrypts the personal fields of an event value with the keyring's active key. */
export function protectEvent(registry: ContractRegistry, eventType: string, value: unknown, keyring: Keyring): ProtectedEvent {
  const plan = registry.event(eventType).piiPlan;
  if (!plan) return { value, keyId: undefined };
  const eventId = eventIdOf(value);
  let encrypted = 0;
  const out = mapPersonalFields(value, plan, (plaintext, path) => {
    encrypted += 1;
    return encryptField(keyring, plaintext, `${eventId}|${path}`);
  });
  return { value: out, keyId: encrypted > 0 ? keyring.activeKeyId : undefined };
}

/**
 * Decrypts the personal fields of a decoded event. A consumer without the key (or a tampered
 * token) gets AVRO_PII_PROTECTION naming each field and the reason, never garbage.
 */
export function unprotectEvent(registry: ContractRegistry, eventType: string, value: unknown, keyring: Keyring): unknown {
  const plan = registry.event(eventType).piiPlan;
  if (!plan) return value;
  const eventId = eventIdOf(value);
  const problems: FieldProblem[] = [];
  const out = mapPersonalFields(value, plan, (token, path) => {
    try {
      return decryptField(keyring, token, `${eventId}|${path}`);
    } catch (error) {
      const code = error instanceof IdentityError ? error.code : 'CRYPTO_DECRYPT_FAILED';
      problems.push({ path, rule: `cannot be decrypted (${code})` });
      return token;
    }
  });
  if (problems.length > 0) {
    throw new ContractError('AVRO_PII_PROTECTION', `${eventType}: ${problems.length} personal field(s) cannot be decrypted: ${problems.map((p) => `${p.path} ${p.rule}`).join('; ')}`, problems);
  }
  return out;
}

/** A copy with every personal field replaced by a placeholder: what logs may show. */
export function redactEvent(registry: ContractRegistry, eventType: string, value: unknown): unknown {
  return mapPersonalFields(value, registry.event(eventType).piiPlan, () => '[PII]');
}
