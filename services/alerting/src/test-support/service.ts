/**
 * Test support for the alerting service: the kit's harness (real store and broker, own database,
 * one test topic, fresh keys, tokens, a movable clock, an event reader) around this service's app,
 * with a routing table of the test's, a flag consumer on the test topic, an escalator driven by
 * hand, a publisher of flag events as data-sharing publishes them, and an SSE reader.
 */
import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@minzheng/event-bus/publisher';
import { fixtureValue } from '@minzheng/event-bus/test-support';
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { uniqueName } from '@minzheng/testing';
import { OUTBOX_COLLECTIONS, buildAlertingApp, buildDeps, ensureIndexes } from '../app.js';
import { FlagConsumer } from '../consumer/flag-consumer.js';
import type { AlertingDeps, Notifier } from '../deps.js';
import { Escalator } from '../escalation/escalator.js';
import { RoutingTable, type RoutingTableInput } from '../routing/routing-table.js';

export { idNumber } from '@minzheng/service-kit/test-support';

export interface TestService extends ServiceHarness {
  readonly deps: AlertingDeps;
  readonly consumer: FlagConsumer;
  readonly escalator: Escalator;
  /** A publisher standing in for data-sharing (flag events on the test topic). */
  readonly flags: EventPublisher<Record<string, unknown>>;
}

export const TEST_VILLAGE = '442000101002';

/** A routing table for tests: P1 acknowledgement in 2 s (short deadlines), a grid worker and supervisors for town 101. */
export function testRouting(changes: Partial<RoutingTableInput> = {}): RoutingTable {
  return RoutingTable.parse({
    version: 'test-1',
    deadlines: { P1: { ackSeconds: 2, resolveSeconds: 60 }, P2: { ackSeconds: 3600, resolveSeconds: 7200 }, P3: { ackSeconds: 7200, resolveSeconds: 86400 }, P4: { ackSeconds: 86400, resolveSeconds: 172800 } },
    routes: [{ match: { ruleId: 'WATER_METER_SILENCE' }, role: 'GRID_WORKER' }],
    escalation: { default: 'SUPERVISOR', maxLevel: 2 },
    staff: [
      { id: 'gw-101002', name: '网格员甲', role: 'GRID_WORKER', regionCode: '442000101002' },
      { id: 'gw-102001', name: '网格员乙', role: 'GRID_WORKER', regionCode: '442000102001' },
      { id: 'sw-101', name: '社工甲', role: 'SOCIAL_WORKER', regionCode: '442000101' },
      { id: 'sup-101', name: '主管甲', role: 'SUPERVISOR', regionCode: '442000101' },
      { id: 'sup-city', name: '主管乙', role: 'SUPERVISOR', regionCode: '442000' },
    ],
    ...changes,
  });
}

export async function startTestService(options: { routing?: RoutingTable; notifier?: Notifier; streamPollMs?: number } = {}): Promise<TestService> {
  let deps: AlertingDeps | undefined;
  const harness = await startServiceHarness({
    service: 'alerting',
    collections: OUTBOX_COLLECTIONS,
    prepare: ensureIndexes,
    build: (input) => {
      const appOptions = { ...input, routing: options.routing ?? testRouting(), notifier: options.notifier ?? null, streamPollMs: options.streamPollMs ?? 100 };
      deps = buildDeps(appOptions);
      return buildAlertingApp(appOptions, deps);
    },
  });
  if (deps === undefined) throw new Error('the app was not built');
  const consumer = new FlagConsumer({ kafka: harness.kafka, registry: harness.registry, keyring: harness.keyring, connection: harness.connection, topics: [harness.topic], groupId: uniqueName('alerting-flags'), deps, attempts: 2 });
  await consumer.start();
  const escalator = new Escalator(deps, { intervalMs: 60_000 });
  const flags = new EventPublisher<Record<string, unknown>>({ kafka: harness.kafka, registry: harness.registry, keyring: harness.keyring, source: 'data-sharing-service' });
  await flags.connect();
  // The harness's own close, taken before `close` is replaced below.
  const close = harness.close.bind(harness);
  return Object.assign(harness, {
    deps,
    consumer,
    escalator,
    flags,
    close: async () => {
      await escalator.stop();
      await consumer.stop();
      await flags.disconnect();
      await close();
    },
  });
}

export interface FlagInput {
  readonly ruleId?: string;
  readonly flagCode?: string;
  readonly urgency?: 'P1' | 'P2' | 'P3' | 'P4';
  readonly targetRole?: string;
  readonly villageCode?: string;
  readonly person?: { personKey: string; idNumber: string; name: string | null } | null;
  readonly householdId?: string | null;
  readonly flagId?: string;
  readonly eventId?: string;
  readonly explanation?: string;
}

/** A `data-sharing.flag-raised` value (from the contract fixture) about `input`. */
export function flagRaised(service: TestService, input: FlagInput = {}): Record<string, unknown> {
  const village = input.villageCode ?? TEST_VILLAGE;
  const base = fixtureValue(service.registry, 'data-sharing.flag-raised', {
    region: { countyCode: village.slice(0, 6), townCode: village.slice(0, 9), villageCode: village },
    person: input.person === undefined ? null : input.person,
    household: input.householdId === undefined || input.householdId === null ? null : { householdId: input.householdId },
  });
  const envelope = { ...base.envelope, eventId: input.eventId ?? randomUUID() };
  return {
    ...base,
    envelope,
    flagId: input.flagId ?? randomUUID(),
    ruleId: input.ruleId ?? 'WATER_METER_SILENCE',
    flagCode: input.flagCode ?? 'RISK_WELLBEING_CHECK',
    urgency: input.urgency ?? 'P1',
    targetRole: input.targetRole ?? 'GRID_WORKER',
    ...(input.explanation === undefined ? {} : { explanation: input.explanation }),
  };
}

export interface StreamEvent {
  readonly id: number;
  readonly event: string;
  readonly data: Record<string, unknown>;
  /** When the event arrived (ms, `Date.now()`). */
  readonly receivedAt: number;
}

export interface StreamClient {
  readonly events: StreamEvent[];
  readonly status: number;
  close(): void;
}

/** A console on the live stream: `GET /alerts/stream` over real HTTP, parsed as server-sent events. */
export async function openStream(baseUrl: string, token: string, lastEventId?: number): Promise<StreamClient> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/alerts/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) }, signal: abort.signal });
  const events: StreamEvent[] = [];
  if (response.body !== null && response.status === 200) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = new Map(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const));
            const data = fields.get('data');
            if (data !== undefined) events.push({ id: Number(fields.get('id')), event: fields.get('event') ?? 'message', data: JSON.parse(data) as Record<string, unknown>, receivedAt: Date.now() });
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  }
  return {
    events,
    status: response.status,
    close: () => {
      abort.abort();
    },
  };
}
