/**
 * The local table of 低保 standard versions (低保标准版本), as received from the assistance
 * service's `reference.standard-changed` events (program DIBAO) or entered by an operator. Keyed
 * by the reference `versionId`, so a redelivered or corrected version replaces its own row.
 * Nothing here is published: the assistance service owns these versions.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { DibaoVersion } from '../domain/allowance.js';

export interface StoredDibaoVersion extends DibaoVersion {
  /** = versionId. */
  _id: string;
  standardId: string;
  supersedesVersionId: string | null;
  title: string;
  sourceDocument: string;
  /** `KAFKA` (the consumer) or `OPERATOR` (POST /standards/dibao). */
  via: 'KAFKA' | 'OPERATOR';
  /** The event id it came with, or the operator's request id. */
  sourceEventId: string;
  receivedAt: Date;
}

const dibaoSchema = new Schema<StoredDibaoVersion>(
  {
    _id: { type: String, required: true },
    versionId: { type: String, required: true },
    regionCode: { type: String, required: true },
    effectiveFrom: { type: String, required: true },
    monthlyStandardFen: { type: Number, required: true },
    areaScope: { type: String, required: true },
    withdrawn: { type: Boolean, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'dibao_standards', versionKey: false, autoIndex: false, strict: false },
);

export function dibaoModel(connection: Connection): Model<StoredDibaoVersion> {
  return (connection.models.DibaoVersion as Model<StoredDibaoVersion> | undefined) ?? connection.model<StoredDibaoVersion>('DibaoVersion', dibaoSchema);
}
