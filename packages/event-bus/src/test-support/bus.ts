/**
 * Test support for the bus: the real catalog with every event moved to a test topic, values
 * built from the real fixtures (schemas/fixtures) with fresh event ids, and test keyrings.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CATALOG, ContractRegistry, fromJsonForm } from '@minzheng/contracts';
import { createKeyring, type Keyring } from '@minzheng/identity/field-crypto';

const FIXTURES = new URL('../../../../schemas/fixtures/', import.meta.url);

/** The real catalog, every event published on `topic` (tests never touch the platform's topics). */
export function registryOnTopic(topic: string): ContractRegistry {
  return new ContractRegistry({ events: CATALOG.events.map((event) => ({ ...event, topic })) });
}

export const testKeyring = (id = 'k1', key: Uint8Array = randomBytes(32)): Keyring => createKeyring({ [id]: key }, id);

type Value = Record<string, unknown> & { envelope: Record<string, unknown> };

/** A valid value of `eventType` from its fixture, with a fresh event id and optional envelope changes. */
export function fixtureValue(registry: ContractRegistry, eventType: string, envelope: Record<string, unknown> = {}): Value {
  const json = JSON.parse(readFileSync(new URL(`${eventType}.json`, FIXTURES), 'utf8')) as Value;
  const { value, problems } = fromJsonForm(registry.event(eventType).schema, { ...json, envelope: { ...json.envelope, eventId: randomUUID(), ...envelope } });
  if (problems.length > 0) throw new Error(`fixture ${eventType}: ${JSON.stringify(problems)}`);
  return value as Value;
}
