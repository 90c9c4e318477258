/**
 * A charitable organisation (慈善组织), keyed by its unified social credit code (统一社会信用代码).
 * Nothing here is personal data. Its registration carries `charity.organisation-registered` in its
 * outbox.
 */
import type { CharityOrganisationForm } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export const ORGANISATION_FORMS = ['FOUNDATION', 'SOCIAL_GROUP', 'SOCIAL_SERVICE_AGENCY', 'OTHER'] as const satisfies readonly CharityOrganisationForm[];

export interface StoredOrganisation {
  /** The unified social credit code. */
  _id: string;
  name: string;
  /** 基金会, 社会团体, 社会服务机构, 其他. */
  form: (typeof ORGANISATION_FORMS)[number];
  /** Registration region (6, 9 or 12 digits): the jurisdiction that sees it. */
  regionCode: string;
  /** 认定为慈善组织的日期 (date recognised as a charitable organisation), when known. */
  recognisedDate: string | null;
  /** 具有公开募捐资格 (may raise funds publicly). */
  publicFundraising: boolean;
  version: number;
  createdBy: string;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const organisationSchema = new Schema<StoredOrganisation>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    form: { type: String, required: true },
    regionCode: { type: String, required: true },
    recognisedDate: { type: String, default: null },
    publicFundraising: { type: Boolean, required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'organisations', versionKey: false, autoIndex: false },
);
// List by jurisdiction (region prefix), newest first.
organisationSchema.index({ regionCode: 1, createdAt: -1 });

export function organisationModel(connection: Connection): Model<StoredOrganisation> {
  return connection.models.Organisation as Model<StoredOrganisation> | undefined ?? connection.model<StoredOrganisation>('Organisation', organisationSchema);
}
