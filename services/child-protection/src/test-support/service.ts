/**
 * Test support for the child-protection service: the kit's harness (real store and broker, own
 * database, one test topic, fresh keys, tokens, a movable clock, an event reader) around this
 * service's app, plus a standards consumer on the test topic and a publisher of reference events.
 */
import { randomUUID } from 'node:crypto';
import type { StandardChanged } from '@minzheng/contracts';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { uniqueName } from '@minzheng/testing';
import { OUTBOX_COLLECTIONS, buildChildProtectionApp, buildDeps, ensureIndexes } from '../app.js';
import type { ChildDeps } from '../deps.js';
import { regionRef } from '../events.js';
import { StandardsConsumer } from '../standards/standards-consumer.js';

export { idNumber, withWrongCheckDigit } from '@minzheng/service-kit/test-support';

export interface TestService extends ServiceHarness {
  readonly deps: ChildDeps;
}

export async function startTestService(): Promise<TestService> {
  let deps: ChildDeps | undefined;
  const harness = await startServiceHarness({
    service: 'child-protection',
    collections: OUTBOX_COLLECTIONS,
    prepare: ensureIndexes,
    build: (options) => {
      deps = buildDeps(options);
      return buildChildProtectionApp(options, deps);
    },
  });
  if (deps === undefined) throw new Error('the app was not built');
  return Object.assign(harness, { deps });
}

/** A standards consumer on the test topic (the harness maps every event type to it). */
export function standardsConsumer(service: TestService, attempts?: number): StandardsConsumer {
  return new StandardsConsumer({ kafka: service.kafka, registry: service.registry, connection: service.connection, topic: service.topic, groupId: uniqueName('child-standards'), deps: service.deps, ...(attempts === undefined ? {} : { attempts }) });
}

export interface DibaoEventInput {
  readonly versionId: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  readonly valueFen: number | null;
  readonly changeKind?: StandardChanged['changeKind'];
  readonly standardKind?: StandardChanged['standardKind'];
  readonly program?: StandardChanged['program'];
  /** Reuse an event id (a redelivery). */
  readonly eventId?: string;
}

/** Publishes `reference.standard-changed` as the assistance service does (keyed by version id). */
export async function publishStandard(service: TestService, input: DibaoEventInput): Promise<string> {
  const publisher = new EventPublisher({ kafka: service.kafka, registry: service.registry, keyring: service.keyring, source: 'assistance-service' });
  await publisher.connect();
  const eventId = input.eventId ?? randomUUID();
  const now = new Date();
  try {
    await publisher.publishPrepared([publisher.prepare('reference.standard-changed', {
      envelope: { eventId, occurredAt: now, recordedAt: now, source: { department: 'CIVIL_AFFAIRS_ASSISTANCE', system: 'assistance-service', recordId: input.versionId }, region: regionRef(input.regionCode), person: null, household: null, correlationId: null, causationId: null },
      standardId: `DIBAO-${input.regionCode}`,
      versionId: input.versionId,
      changeKind: input.changeKind ?? 'PUBLISHED',
      supersedesVersionId: null,
      title: '城乡最低生活保障标准',
      program: input.program ?? 'DIBAO',
      standardKind: input.standardKind ?? 'MONTHLY_AMOUNT',
      beneficiaryCategory: null,
      areaScope: 'ALL',
      region: regionRef(input.regionCode),
      effectiveFrom: input.effectiveFrom,
      effectiveTo: null,
      valueFen: input.valueFen,
      ratioPermille: null,
      baseStandardId: null,
      integerValue: null,
      integerUnit: null,
      tierId: null,
      tierBasis: null,
      tierLowerBound: null,
      tierUpperBound: null,
      sourceDocument: 'test',
    }, { key: input.versionId })]);
  } finally {
    await publisher.disconnect();
  }
  return eventId;
}
