/**
 * 居家养老服务 / 适老化改造: a home service or an age-friendly renovation delivered to an elder,
 * stored (note encrypted) and published as `elderly-care.service-delivered`, in one write. A
 * renovation is published with its own kind, AGE_FRIENDLY_RENOVATION (service-delivered v2).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { dateInFuture } from '../domain/errors.js';
import type { ServiceKind } from '../domain/service-kinds.js';
import { personRef } from '../elders/elder.people.js';
import type { StoredElder } from '../elders/elder.schema.js';
import { envelope } from '../events.js';
import { seal, serviceOrderContext } from '../protect.js';
import type { StoredServiceOrder } from '../service-orders/service-order.schema.js';

export interface ServiceInput {
  readonly serviceKind: ServiceKind;
  readonly providerId: string;
  readonly providerName?: string;
  readonly deliveredAt: string;
  readonly durationMinutes: number;
  readonly subsidyFen?: number;
  readonly selfPaidFen?: number;
  readonly note?: string;
}

export async function recordService(deps: ElderlyCareDeps, principal: Principal, elderId: string, input: ServiceInput): Promise<{ order: StoredServiceOrder; elder: StoredElder }> {
  const now = deps.now();
  const deliveredAt = new Date(input.deliveredAt);
  if (deliveredAt.getTime() > now.getTime()) throw dateInFuture('deliveredAt');
  const elder = await deps.elders.get(elderId, principal.jurisdiction);
  const id = `FW-${randomUUID()}`;
  const order: StoredServiceOrder = {
    _id: id,
    elderId: elder._id,
    personKey: elder.personKey,
    regionCode: elder.regionCode,
    serviceKind: input.serviceKind,
    providerId: input.providerId,
    providerName: input.providerName ?? null,
    deliveredAt,
    durationMinutes: input.durationMinutes,
    subsidyFen: input.subsidyFen ?? null,
    selfPaidFen: input.selfPaidFen ?? null,
    note: input.note === undefined ? null : seal(deps.keyring, input.note, serviceOrderContext(id, 'note')),
    recordedBy: principal.subject,
    version: 1,
    createdAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('elderly-care.service-delivered', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: deliveredAt, recordId: id, regionCode: elder.regionCode, person: personRef(deps.keyring, elder), householdId: elder.householdId }, now),
    serviceOrderId: id,
    serviceKind: input.serviceKind,
    providerId: input.providerId,
    providerName: order.providerName,
    durationMinutes: input.durationMinutes,
    subsidyFen: order.subsidyFen,
    selfPaidFen: order.selfPaidFen,
  });
  const { outbox: _outbox, outboxPending: _pending, ...record } = order;
  await deps.serviceOrders.insert(record, [event]);
  return { order, elder };
}
