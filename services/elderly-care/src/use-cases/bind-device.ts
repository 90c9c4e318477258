/**
 * 设备绑定: a monitoring device is bound to one elder (the device id is the record id). Binding the
 * same device to the same elder again answers the existing binding; to another elder it is
 * ELDER_DEVICE_BOUND_ELSEWHERE. The contract has no event for a binding, so none is published.
 */
import type { MonitoringDeviceKind } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { ElderlyCareDeps } from '../deps.js';
import { ElderError } from '../domain/errors.js';
import type { StoredDevice } from '../device-signals/device.schema.js';

export async function bindDevice(deps: ElderlyCareDeps, principal: Principal, elderId: string, input: { deviceId: string; deviceKind: MonitoringDeviceKind }): Promise<{ device: StoredDevice; created: boolean }> {
  const elder = await deps.elders.get(elderId, principal.jurisdiction);
  const device: StoredDevice = { _id: input.deviceId, elderId: elder._id, regionCode: elder.regionCode, deviceKind: input.deviceKind, boundBy: principal.subject, boundAt: deps.now() };
  if (await deps.devices.bind(device)) return { device, created: true };
  const existing = await deps.devices.findDevice(input.deviceId);
  if (existing?.elderId === elder._id) return { device: existing, created: false };
  throw new ElderError('ELDER_DEVICE_BOUND_ELSEWHERE', `设备已绑定其他老人 (device ${input.deviceId} is bound to another elder)`, { field: 'deviceId', rule: 'a device is bound to one elder', deviceId: input.deviceId });
}
