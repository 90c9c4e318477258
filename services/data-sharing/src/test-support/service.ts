/**
 * Test support for the data-sharing service: the kit's harness around its app, a publisher on the
 * harness's topic (standing in for every department: the envelopes name them), projection
 * consumers on any database, and events built from the contract fixtures for chosen persons.
 */
import { randomUUID } from 'node:crypto';
import { decodeEvent, unprotectEvent } from '@minzheng/contracts';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue } from '@minzheng/event-bus/test-support';
import { idNumber, startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { uniqueName, waitFor } from '@minzheng/testing';
import type { Connection } from 'mongoose';
import { OUTBOX_COLLECTIONS, buildDataSharingApp, createScreener, ensureIndexes } from '../app.js';
import { foldCrypto } from '../projection/crypto.js';
import { DEFAULT_PRECEDENCE } from '../projection/precedence.js';
import { ProjectionConsumer } from '../projection/projection-consumer.js';

export { idNumber };

export interface TestService extends ServiceHarness {
  readonly publisher: EventPublisher<Record<string, unknown>>;
  /** Starts a projection consumer (fresh group: from the beginning of the topic) into `connection`; with `rules`, the 政策找人 screener runs on it at the service's clock. */
  projection(connection?: Connection, options?: { rules?: boolean }): Promise<ProjectionConsumer>;
  /**
   * The flag events (`data-sharing.*`, decrypted) about `key` (a person key or household id named
   * by the envelope, or the message key) on the topic, in order,
   * once at least `until` are there (or `until` holds of them): read as the alerting service reads
   * them, by one reader that starts on the first call and follows the topic from its beginning.
   */
  flagEvents(key: string, until: number | ((events: readonly FlagEvent[]) => boolean)): Promise<FlagEvent[]>;
}

export interface FlagEvent {
  readonly eventType: string;
  readonly value: Record<string, unknown>;
}

export async function startTestService(): Promise<TestService> {
  const harness = await startServiceHarness({ service: 'data-sharing', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: (deps) => buildDataSharingApp(deps) });
  const publisher = new EventPublisher<Record<string, unknown>>({ kafka: harness.kafka, registry: harness.registry, keyring: harness.keyring, source: 'department-under-test' });
  await publisher.connect();
  const consumers: ProjectionConsumer[] = [];
  type Consumer = ReturnType<typeof harness.kafka.consumer>;
  const found = new Map<string, FlagEvent[]>();
  const seen = new Set<string>();
  let reader: Promise<Consumer> | undefined;
  const startReader = async (): Promise<Consumer> => {
    const consumer = harness.kafka.consumer({ groupId: uniqueName('flag-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: harness.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString();
        if (key === undefined || !message.value) return Promise.resolve();
        const decoded = decodeEvent(harness.registry, message.value);
        if (!decoded.eventType.startsWith('data-sharing.')) return Promise.resolve();
        const value = unprotectEvent(harness.registry, decoded.eventType, decoded.value, harness.keyring) as Record<string, unknown>;
        // Keyed by the household when the envelope names one (the bus's partition key): filed under the person too.
        const envelope = value.envelope as { eventId: string; person: { personKey: string } | null; household: { householdId: string } | null };
        // A rebalance may deliver a message again: each event is filed once.
        if (seen.has(envelope.eventId)) return Promise.resolve();
        seen.add(envelope.eventId);
        for (const subject of new Set([key, envelope.person?.personKey, envelope.household?.householdId])) {
          if (subject !== undefined) found.set(subject, [...(found.get(subject) ?? []), { eventType: decoded.eventType, value }]);
        }
        return Promise.resolve();
      },
    });
    return consumer;
  };
  return {
    ...harness,
    publisher,
    projection: async (connection = harness.connection, options = {}) => {
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
        ...(options.rules === true ? { screener: createScreener({ connection, publisher: harness.servicePublisher, keyring: harness.keyring, now: () => harness.now() }) } : {}),
      });
      await consumer.start();
      consumers.push(consumer);
      return consumer;
    },
    flagEvents: async (key, until) => {
      await harness.relay.drain();
      reader ??= startReader();
      await reader;
      const done = typeof until === 'number' ? (events: readonly FlagEvent[]) => events.length >= until : until;
      await waitFor(() => done(found.get(key) ?? []), { timeoutMs: 30_000, description: `flag events keyed ${key} (${typeof until === 'number' ? `${String(until)} wanted, ` : ''}have ${JSON.stringify((found.get(key) ?? []).map((event) => event.eventType))})` });
      return found.get(key) ?? [];
    },
    close: async () => {
      if (reader !== undefined) await (await reader).disconnect();
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

/** Waits until the consumer has handled or dead-lettered `count` events in all, and the summaries are refreshed. */
export async function projected(consumer: ProjectionConsumer, count: number): Promise<void> {
  await waitFor(() => {
    const metrics = consumer.metrics();
    return metrics.handled + metrics.deadLettered + metrics.duplicatesSkipped >= count;
  }, { timeoutMs: 60_000, description: `${String(count)} events projected` });
  await consumer.idle(60_000);
}

export const FAMILY_HOUSEHOLD = 'HH-442000101002-0001';
export const FAMILY_VILLAGE = '442000101002';

export interface Family {
  readonly elder: TestPerson;
  readonly son: TestPerson;
  readonly child: TestPerson;
  /** Events published (one of them cannot be projected: a broken ID number). */
  readonly events: number;
}

/**
 * A family as the departments report it: 社会救助 records the household (an elder and his son) and
 * its 低保; 养老 registers the elder living alone, with another spelling of his name, and grants
 * the 高龄津贴; 儿童福利 registers a child with the son as guardian; 慈善 gives the elder aid; 公安
 * (through the exchange) records his marriage status and, later, his death; 残联 certifies the son's
 * disability. Also an event about nobody and one that cannot be projected.
 */
export async function publishFamily(service: TestService): Promise<Family> {
  const elderId = idNumber('1940-03-12', 'M');
  const sonId = idNumber('1968-07-01', 'M');
  const childId = idNumber('2015-05-05', 'F');
  const elder: TestPerson = { personKey: service.pseudonymizer.personKey(elderId), idNumber: elderId, name: '郑子轩' };
  const son: TestPerson = { personKey: service.pseudonymizer.personKey(sonId), idNumber: sonId, name: '郑文' };
  const child: TestPerson = { personKey: service.pseudonymizer.personKey(childId), idNumber: childId, name: '郑小' };
  const at = (date: string) => `${date}T02:00:00.000Z`;
  let events = 0;
  const publish = async (eventType: string, value: Record<string, unknown>) => {
    await service.publisher.publish(eventType, value);
    events += 1;
  };
  const about = (person: TestPerson | null, department: string, date: string, extra: { household?: string; body?: Record<string, unknown> } = {}) => ({ person, department, occurredAt: at(date), villageCode: FAMILY_VILLAGE, ...extra });
  const member = (person: TestPerson, relationToHead: string, labourCapacity: string) => ({ person, relationToHead, livingTogether: true, labourCapacity, disabilityKind: null, disabilityGrade: null });

  const composition = eventFor(service, 'assistance.household-composition-recorded', about(elder, 'CIVIL_AFFAIRS_ASSISTANCE', '2025-01-10', { household: FAMILY_HOUSEHOLD }));
  const fixtureMember = (composition.members as Record<string, unknown>[])[0] ?? {};
  await publish('assistance.household-composition-recorded', { ...composition, members: [{ ...fixtureMember, ...member(elder, 'HEAD', 'NONE') }, { ...fixtureMember, ...member(son, 'CHILD', 'FULL') }] });
  await publish('assistance.enrolment-started', eventFor(service, 'assistance.enrolment-started', about(elder, 'CIVIL_AFFAIRS_ASSISTANCE', '2025-02-01', { household: FAMILY_HOUSEHOLD, body: { enrolmentId: 'ENR-1', program: 'DIBAO', startDate: '2025-02-01', coveredMembers: [elder, son], monthlyAmountFen: 230_000 } })));
  await publish('elderly-care.elder-registered', eventFor(service, 'elderly-care.elder-registered', about({ ...elder, name: '郑子軒' }, 'CIVIL_AFFAIRS_ELDERLY_CARE', '2025-03-01', { body: { livingArrangement: 'ALONE', emergencyContactPhone: '13800138000' } })));
  await publish('elderly-care.advanced-age-allowance-granted', eventFor(service, 'elderly-care.advanced-age-allowance-granted', about({ ...elder, name: '郑子軒' }, 'CIVIL_AFFAIRS_ELDERLY_CARE', '2025-03-12', { body: { allowanceId: 'AAA-1', startDate: '2025-03-01', monthlyAmountFen: 10_000 } })));
  const registered = eventFor(service, 'child-protection.child-registered', about(child, 'CIVIL_AFFAIRS_CHILD_PROTECTION', '2025-04-01'));
  const fixtureGuardian = (registered.guardians as Record<string, unknown>[])[0] ?? {};
  await publish('child-protection.child-registered', { ...registered, guardians: [{ ...fixtureGuardian, person: son, relation: 'FATHER' }] });
  await publish('charity.aid-disbursed', eventFor(service, 'charity.aid-disbursed', about(elder, 'CIVIL_AFFAIRS_CHARITY', '2025-05-01')));
  await publish('public-security.marriage-status-changed', eventFor(service, 'public-security.marriage-status-changed', about(elder, 'PUBLIC_SECURITY', '2024-06-01', { body: { newStatus: 'WIDOWED' } })));
  await publish('public-security.death-registered', eventFor(service, 'public-security.death-registered', about({ ...elder, name: null }, 'PUBLIC_SECURITY', '2026-01-27', { body: { dateOfDeath: '2026-01-27' } })));
  await publish('disabled-persons-federation.disability-certified', eventFor(service, 'disabled-persons-federation.disability-certified', about(son, 'DISABLED_PERSONS_FEDERATION', '2025-06-01')));
  await publish('charity.campaign-opened', eventFor(service, 'charity.campaign-opened', about(null, 'CIVIL_AFFAIRS_CHARITY', '2025-01-01')));
  await publish('charity.aid-disbursed', eventFor(service, 'charity.aid-disbursed', about({ personKey: 'f'.repeat(64), idNumber: '442000194003129999', name: '无效' }, 'CIVIL_AFFAIRS_CHARITY', '2025-05-02')));
  await service.publisher.flush();
  return { elder, son, child, events };
}
