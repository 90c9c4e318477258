/**
 * A campaign (募捐活动: 微基金 project, 冠名基金, a help centre's fund, ...): what it is, who runs
 * it and where. The money is NOT here: it is in the campaign's ledger chain (`ledger.schema.ts`),
 * whose head carries the totals. `headSeq` and `statusHint` are hints for lists, written after the
 * ledger and allowed to lag (reads take the ledger's head).
 */
import type { CampaignKind } from '@minzheng/contracts';
import { outboxSchemaFields, type OutboxEntry } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';

export const CAMPAIGN_KINDS = ['MAJOR_ILLNESS', 'EDUCATION', 'HOUSING', 'DISASTER_RELIEF', 'ELDERLY', 'DISABILITY', 'MICRO_FUND', 'PUBLIC_INTEREST_VENTURE', 'OTHER'] as const satisfies readonly CampaignKind[];

export interface StoredCampaign {
  _id: string;
  regionCode: string;
  title: string;
  kind: CampaignKind;
  /** 冠名基金 or help-centre fund name (e.g. 大病困难帮扶中心), when there is one. */
  fundName: string | null;
  organiserId: string;
  organiserName: string;
  filingNo: string | null;
  targetAmountFen: number | null;
  openDate: string;
  plannedCloseDate: string | null;
  headSeq: number;
  statusHint: 'OPEN' | 'CLOSED';
  version: number;
  createdBy: string;
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const campaignSchema = new Schema<StoredCampaign>(
  {
    _id: { type: String, required: true },
    regionCode: { type: String, required: true },
    title: { type: String, required: true },
    kind: { type: String, required: true },
    fundName: { type: String, default: null },
    organiserId: { type: String, required: true },
    organiserName: { type: String, required: true },
    filingNo: { type: String, default: null },
    targetAmountFen: { type: Number, default: null },
    openDate: { type: String, required: true },
    plannedCloseDate: { type: String, default: null },
    headSeq: { type: Number, required: true },
    statusHint: { type: String, required: true },
    version: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    ...outboxSchemaFields,
  } as never,
  { collection: 'campaigns', versionKey: false, autoIndex: false },
);
// List by jurisdiction (region prefix), newest first.
campaignSchema.index({ regionCode: 1, createdAt: -1 });

export function campaignModel(connection: Connection): Model<StoredCampaign> {
  return connection.models.Campaign as Model<StoredCampaign> | undefined ?? connection.model<StoredCampaign>('Campaign', campaignSchema);
}
