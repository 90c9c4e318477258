/**
 * Bulk uploads (批量报送): a file of one event type, NDJSON or CSV, streamed in. The upload record
 * keeps the progress (`rowsCommitted`: every row up to it has its fate recorded) and the counts.
 * Accepted rows go in batches of up to 500: each row's derived event id is claimed first
 * (`upload_row_claims`), so a row delivered before — in this upload or an earlier one (a single
 * delivery is separate) — is recognised and not published twice; the batch's events are then
 * published, and a small batch record says so. Invalid rows are kept in `upload_errors` for the
 * report.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { SignedReceipt } from '../receipts/receipt-signer.js';

export const UPLOAD_FORMATS = ['NDJSON', 'CSV'] as const;
export const ROW_CLAIMS_COLLECTION = 'upload_row_claims';

export interface StoredUpload {
  _id: string;
  clientId: string;
  department: string;
  eventType: string;
  format: (typeof UPLOAD_FORMATS)[number];
  fileName: string | null;
  status: 'OPEN' | 'RECEIVING' | 'COMPLETED';
  /** Every row (line number) up to this one has its fate recorded; a resumed transfer skips them. */
  rowsCommitted: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  receipt: SignedReceipt | null;
  createdAt: Date;
  updatedAt: Date;
}

const uploadSchema = new Schema<StoredUpload>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    department: { type: String, required: true },
    eventType: { type: String, required: true },
    format: { type: String, required: true },
    fileName: { type: String, default: null },
    status: { type: String, required: true },
    rowsCommitted: { type: Number, required: true },
    accepted: { type: Number, required: true },
    duplicates: { type: Number, required: true },
    rejected: { type: Number, required: true },
    receipt: { type: Object, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'uploads', versionKey: false, autoIndex: false },
);
uploadSchema.index({ clientId: 1, createdAt: -1 });

export function uploadModel(connection: Connection): Model<StoredUpload> {
  return (connection.models.Upload as Model<StoredUpload> | undefined) ?? connection.model<StoredUpload>('Upload', uploadSchema);
}

/**
 * A batch of an upload whose events Kafka has acknowledged. Written after the publish, so its
 * absence marks claims that may be taken over (`ClaimStore`'s `batchExists`).
 */
export interface StoredUploadBatch {
  /** `<uploadId>:<last row>`. */
  _id: string;
  uploadId: string;
  firstRow: number;
  lastRow: number;
  accepted: number;
  publishedAt: Date;
}

const batchSchema = new Schema<StoredUploadBatch>(
  {
    _id: { type: String, required: true },
    uploadId: { type: String, required: true },
    firstRow: { type: Number, required: true },
    lastRow: { type: Number, required: true },
    accepted: { type: Number, required: true },
    publishedAt: { type: Date, required: true },
  },
  { collection: 'upload_batches', versionKey: false, autoIndex: false },
);

export function uploadBatchModel(connection: Connection): Model<StoredUploadBatch> {
  return (connection.models.UploadBatch as Model<StoredUploadBatch> | undefined) ?? connection.model<StoredUploadBatch>('UploadBatch', batchSchema);
}

export interface StoredUploadError {
  /** `<uploadId>:<row>`: a row's problem is recorded once, also when a transfer is resumed. */
  _id: string;
  uploadId: string;
  row: number;
  code: string;
  field: string;
  rule: string;
}

const errorSchema = new Schema<StoredUploadError>(
  {
    _id: { type: String, required: true },
    uploadId: { type: String, required: true },
    row: { type: Number, required: true },
    code: { type: String, required: true },
    field: { type: String, required: true },
    rule: { type: String, required: true },
  },
  { collection: 'upload_errors', versionKey: false, autoIndex: false },
);

export function uploadErrorModel(connection: Connection): Model<StoredUploadError> {
  return (connection.models.UploadError as Model<StoredUploadError> | undefined) ?? connection.model<StoredUploadError>('UploadError', errorSchema);
}
