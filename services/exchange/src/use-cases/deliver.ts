/**
 * 单条报送 (one event from a department system): the client must be registered, active and
 * allowed the event type; the event is normalised and checked (`normalize.ts`), stored with its
 * signed receipt and its prepared Avro event in one write (the outbox), and relayed to Kafka.
 * A re-delivery of the same record (same derived event id) is recognised: it publishes nothing and
 * answers the receipt of the first delivery. Every refusal is recorded for the audit.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ContractError } from '@minzheng/contracts';
import { IdentityError } from '@minzheng/identity/errors';
import type { Principal } from '@minzheng/service-kit/auth';
import { ServiceError } from '@minzheng/service-kit/errors';
import { outboxFields } from '@minzheng/service-kit/outbox';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { StoredClient } from '../clients/client.schema.js';
import type { StoredDelivery } from '../deliveries/delivery.schema.js';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';
import { canonicalJson, type SignedReceipt } from '../receipts/receipt-signer.js';
import { normalizeEvent } from './normalize.js';

/** The registered, active client behind the token. */
export async function clientOf(deps: ExchangeDeps, principal: Principal): Promise<StoredClient> {
  const client = await deps.clients.findById(principal.subject).lean<StoredClient>();
  if (client === null) {
    throw exchangeError('EXCH_UNKNOWN_CLIENT', `未登记的部门客户端 (client ${principal.subject} is not registered with the gateway)`, { field: 'sub', rule: 'the token subject must be a registered client', clientId: principal.subject });
  }
  if (!client.active) throw exchangeError('EXCH_CLIENT_DISABLED', `客户端已停用 (client ${client._id} is disabled)`, { field: 'sub', rule: 'the client must be active', clientId: client._id });
  return client;
}

/** Refuses an event type outside the client's allow-list (or outside the catalog). */
export function requireAllowed(deps: ExchangeDeps, client: StoredClient, eventType: string): void {
  if (!deps.registry.has(eventType)) {
    throw exchangeError('EXCH_UNKNOWN_EVENT_TYPE', `事件类型不存在 (no event type ${eventType} in the contract catalog; see GET /schemas)`, { field: 'eventType', rule: 'must be a cataloged event type', eventType });
  }
  if (!client.allowedEventTypes.includes(eventType)) {
    throw exchangeError('EXCH_EVENT_TYPE_NOT_ALLOWED', `无权报送该事件类型 (client ${client._id} of ${client.department} may not publish ${eventType})`, {
      field: 'eventType',
      rule: "must be on the client's allow-list",
      eventType,
      allowedEventTypes: client.allowedEventTypes,
    });
  }
}

/** Keeps a refusal for the audit; a failure to record must not hide the refusal itself. */
export async function recordRefusal(deps: ExchangeDeps, principal: Principal, eventType: string, error: ServiceError, requestId: string): Promise<void> {
  await deps.refusals
    .create({ clientId: principal.subject, department: principal.department ?? null, eventType, code: error.code, message: error.message, requestId, at: deps.now() })
    .catch(() => undefined);
}

export interface DeliveryResult {
  readonly receipt: SignedReceipt;
  readonly duplicate: boolean;
}

export async function deliverEvent(deps: ExchangeDeps, principal: Principal, eventType: string, body: unknown, requestId: string): Promise<DeliveryResult> {
  try {
    const client = await clientOf(deps, principal);
    requireAllowed(deps, client, eventType);
    const now = deps.now();
    const normalized = normalizeEvent(deps.registry, deps.pseudonymizer, client, eventType, body, now);
    const existing = await deps.deliveries.findById(normalized.eventId).select('-outbox').lean<StoredDelivery>();
    if (existing !== null) return { receipt: existing.receipt, duplicate: true };
    // The type is checked against the catalog above; the value against its schema by `normalizeEvent`.
    const event = deps.publisher.prepare(eventType as never, normalized.value as never);
    const receipt = deps.signer.sign({
      receiptId: `RCT-${randomUUID()}`,
      kind: 'EVENT',
      clientId: client._id,
      department: client.department,
      eventType,
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      contentHash: createHash('sha256').update(canonicalJson(body)).digest('hex'),
      eventIds: [normalized.eventId],
      receivedAt: now.toISOString(),
    });
    const delivery: StoredDelivery = {
      _id: normalized.eventId,
      clientId: client._id,
      department: client.department,
      eventType,
      sourceRecordId: normalized.sourceRecordId,
      contentHash: normalized.contentHash(),
      regionCode: normalized.regionCode,
      receipt,
      receivedAt: now,
      ...outboxFields([event], now),
    };
    try {
      await deps.deliveries.create(delivery);
    } catch (error) {
      // The same record delivered twice at once: the other request stored it first.
      if (!isDuplicateKey(error)) throw error;
      const first = await deps.deliveries.findById(normalized.eventId).select('-outbox').lean<StoredDelivery>();
      if (first === null) throw error;
      return { receipt: first.receipt, duplicate: true };
    }
    deps.nudge({ collection: deps.deliveries.collection.collectionName, ids: [delivery._id] });
    return { receipt, duplicate: false };
  } catch (error) {
    if (error instanceof ServiceError) await recordRefusal(deps, principal, eventType, error, requestId);
    else if (error instanceof ContractError || error instanceof IdentityError) await recordRefusal(deps, principal, eventType, new ServiceError(error.code, 400, error.message), requestId);
    throw error;
  }
}
