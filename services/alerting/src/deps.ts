/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { AlertRepository } from './alerts/alert.repository.js';
import type { DeadlineQueue } from './escalation/deadlines.js';
import type { RoutingTable } from './routing/routing-table.js';
import type { StreamHub } from './stream/hub.js';
import type { StreamLog } from './stream/stream-log.js';

/** What is told to external notification systems (the webhooks module implements it). */
export interface Notifier {
  enqueue(notification: { kind: 'ALERT_DELIVERED' | 'ALERT_ESCALATED' | 'ALERT_RESOLVED'; alertId: string; urgency: 'P1' | 'P2' | 'P3' | 'P4'; ruleId: string; payload: Record<string, unknown> }): Promise<unknown>;
}

export interface AlertingDeps {
  readonly alerts: AlertRepository;
  readonly deadlines: DeadlineQueue;
  readonly stream: StreamLog;
  readonly hub: StreamHub;
  readonly routing: RoutingTable;
  readonly notifier: Notifier | null;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly now: () => Date;
}
