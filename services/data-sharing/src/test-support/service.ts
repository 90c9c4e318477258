/**
 * Test support for the data-sharing service: the kit's harness around its app, a publisher on the
 * harness's topic (standing in for every department: the envelopes name them), projection
 * consumers on any database, and events built from the contract fixtures for chosen persons.
 */
import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue } from '@minzheng/event-bus/test-support';
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { uniqueName, waitFor } from '@minzheng/testing';
import type { Connection } from 'mongoose';
import { OUTBOX_COLLECTIONS, buildDataSharingApp, ensureIndexes } from '../app.js';
import { foldCrypto } from '../projection/crypto.js';
import { DEFAULT_PRECEDENCE } from '../projection/precedence.js';
import { ProjectionConsumer } from '../projection/projection-consumer.js';

export { idNumber } from '@minzheng/service-kit/test-support';

export interface TestService extends ServiceHarness {
  readonly publisher: EventPublisher<Record<string, unknown>>;
  /** Starts a projection consumer (fresh group: from the beginning of the topic) into `connection`. */
  projection(connection?: Connection): Promise<ProjectionConsumer>;
}

export async function startTestService(): Promise<TestService> {
  const harness = await startServiceHarness({ service: 'data-sharing', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: (deps) => buildDataSharingApp(deps) });
  const publisher = new EventPublisher<Record<string, unknown>>({ kafka: harness.kafka, registry: harness.registry, keyring: harness.keyring, source: 'department-under-test' });
  await publisher.connect();
  const consumers: ProjectionConsumer[] = [];
  return {
    ...harness,
    publisher,
    projection: async (connection = harness.connection) => {
      const consumer = new ProjectionConsumer({
        kafka: harness.kafka,
        registry: harness.registry,
        keyring: harness.keyring,
        connection,
        precedence: DEFAULT_PRECEDENCE,
        crypto: foldCrypto(harness.keyring, harness.pseudonymizer),
        groupId: uniqueName('projection'),
        topics: [harness.topic],
        attempts: 2,
      });
      await consumer.start();
      consumers.push(consumer);
      return consumer;
    },
    close: async () => {
      for (const consumer of consumers) await consumer.stop();
      await publisher.disconnect();
      await harness.close();
    },
  };
}

/** A person as departments refer to them (the pseudonym from the harness's key). */
export interface TestPerson {
  readonly personKey: string;
  readonly idNumber: string;
  readonly name: string | null;
}

export const region = (villageCode: string) => ({ countyCode: villageCode.slice(0, 6), townCode: villageCode.slice(0, 9), villageCode });

/**
 * The fixture of `eventType` about `person` (and `household`), from `department`, at `occurredAt`,
 * with `body` fields replaced; a fresh event id.
 */
export function eventFor(service: TestService, eventType: string, options: { person: TestPerson | null; household?: string | null; department: string; occurredAt: string; villageCode: string; body?: Record<string, unknown> }): Record<string, unknown> {
  const value = fixtureValue(service.registry, eventType, {
    occurredAt: options.occurredAt,
    recordedAt: options.occurredAt,
    source: { department: options.department, system: 'test', recordId: randomUUID() },
    region: region(options.villageCode),
    person: options.person,
    household: options.household === undefined || options.household === null ? null : { householdId: options.household },
  });
  return { ...value, ...options.body };
}

/** Waits until the consumer has handled or dead-lettered `count` events in all. */
export async function projected(consumer: ProjectionConsumer, count: number): Promise<void> {
  await waitFor(() => {
    const metrics = consumer.metrics();
    return metrics.handled + metrics.deadLettered + metrics.duplicatesSkipped >= count;
  }, { timeoutMs: 60_000, description: `${String(count)} events projected` });
}
