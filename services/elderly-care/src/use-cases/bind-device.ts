/**
 * 设备绑定: a monitoring device is bound to one elder (the device id is the record id), and the
 * binding is published as `elderly-care.device-bound` in the same insert, keyed like the elder's
 * other events (household id when linked, else person key). Binding the same device to the same
 * elder again answers the existing binding and publishes nothing; to another elder it is
 * ELDER_DEVICE_BOUND_ELSEWHERE.
 */
import { randomUUID } from 'node:crypto';
import type { MonitoringDeviceKind } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { ElderError } from '../domain/errors.js';
import type { StoredDevice } from '../device-signals/device.schema.js';
import { personRef } from '../elders/elder.people.js';
import { envelope } from '../events.js';

export async function bindDevice(deps: ElderlyCareDeps, principal: Principal, elderId: string, input: { deviceId: string; deviceKind: MonitoringDeviceKind }): Promise<{ device: StoredDevice; created: boolean }> {
  const elder = await deps.elders.get(elderId, principal.jurisdiction);
  const now = deps.now();
  const device: StoredDevice = { _id: input.deviceId, elderId: elder._id, regionCode: elder.regionCode, deviceKind: input.deviceKind, boundBy: principal.subject, boundAt: now };
  const event = deps.publisher.prepare('elderly-care.device-bound', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: input.deviceId, regionCode: elder.regionCode, person: personRef(deps.keyring, elder), householdId: elder.householdId }, now),
    elderRecordId: elder._id,
    deviceId: input.deviceId,
    deviceKind: input.deviceKind,
    boundById: principal.subject,
  });
  if (await deps.devices.bind(device, [event])) return { device, created: true };
  const existing = await deps.devices.findDevice(input.deviceId);
  if (existing?.elderId === elder._id) return { device: existing, created: false };
  throw new ElderError('ELDER_DEVICE_BOUND_ELSEWHERE', `设备已绑定其他老人 (device ${input.deviceId} is bound to another elder)`, { field: 'deviceId', rule: 'a device is bound to one elder', deviceId: input.deviceId });
}
