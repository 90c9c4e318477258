/**
 * A monitoring device bound to an elder (紧急呼叫装置, 生命体征监测仪, ...). The device id is the
 * document id, so a device is bound to one elder at most. The binding is inserted with
 * `elderly-care.device-bound` in its outbox.
 */
import type { MonitoringDeviceKind } from '@minzheng/contracts';
import { outboxSchemaFields } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export interface StoredDevice {
  _id: string;
  elderId: string;
  regionCode: string;
  deviceKind: MonitoringDeviceKind;
  boundBy: string;
  boundAt: Date;
}

const deviceSchema = new Schema<StoredDevice>(
  {
    _id: { type: String, required: true },
    elderId: { type: String, required: true },
    regionCode: { type: String, required: true },
    deviceKind: { type: String, required: true },
    boundBy: { type: String, required: true },
    boundAt: { type: Date, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'devices', versionKey: false, autoIndex: false },
);
// An elder's devices.
deviceSchema.index({ elderId: 1 });

export function deviceModel(connection: Connection): Model<StoredDevice> {
  return connection.models.Device as Model<StoredDevice> | undefined ?? connection.model<StoredDevice>('Device', deviceSchema);
}
