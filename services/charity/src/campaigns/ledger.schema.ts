/**
 * The campaign ledger (账目): one link per donation, disbursement or close, `<campaignId>|<seq>`,
 * each carrying the campaign's totals after it and its event in its own outbox (see
 * `chain/chain.ts` for why a chain of inserts and not a conditional update). Donor and recipient
 * ID numbers and names are AES-GCM tokens bound to the entry (`protect.ts`).
 */
import type { CampaignCloseReason, CharityAidKind, DonationChannel, DonationForm, DonorKind } from '@minzheng/contracts';
import { outboxSchemaFields } from '@minzheng/service-kit/outbox';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Link } from '../chain/chain.js';
import type { EducationLevel } from '../domain/aid-parameters.js';
import type { LedgerState } from '../domain/ledger.js';

export const LEDGER_COLLECTION = 'campaign_ledger';

export interface StoredDonation {
  donorKind: DonorKind;
  donorPersonKey: string | null;
  /** Sealed. */
  donorIdNumber: string | null;
  /** Sealed. */
  donorName: string | null;
  donorOrganisationName: string | null;
  donationForm: DonationForm;
  channel: DonationChannel;
  receiptNo: string | null;
}

export interface StoredDisbursement {
  recipientPersonKey: string;
  /** Sealed. */
  recipientIdNumber: string;
  /** Sealed. */
  recipientName: string;
  /** Where the recipient lives (region code). */
  regionCode: string;
  householdId: string | null;
  aidKind: CharityAidKind;
  educationLevel: EducationLevel | null;
  eligibleCostFen: number | null;
  medicalSettlementId: string | null;
  approverId: string;
  /** The aid parameter version checked, when one was in force. */
  parameterVersionId: string | null;
}

export interface LedgerBody {
  kind: 'DONATION' | 'DISBURSEMENT' | 'CLOSE';
  /** 0 for a close. */
  amountFen: number;
  /** Business date (received, disbursed or closed), YYYY-MM-DD in UTC+8. */
  date: string;
  recordedBy: string;
  donation: StoredDonation | null;
  disbursement: StoredDisbursement | null;
  closeReason: CampaignCloseReason | null;
}

export type LedgerLink = Link<LedgerState> & LedgerBody;

const ledgerSchema = new Schema<LedgerLink>(
  {
    _id: { type: String, required: true },
    chainId: { type: String, required: true },
    seq: { type: Number, required: true },
    entryId: { type: String, required: true },
    state: { type: Object, required: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    amountFen: { type: Number, required: true },
    date: { type: String, required: true },
    recordedBy: { type: String, required: true },
    donation: { type: Object, default: null },
    disbursement: { type: Object, default: null },
    closeReason: { type: String, default: null },
    ...outboxSchemaFields,
  } as never,
  { collection: LEDGER_COLLECTION, versionKey: false, autoIndex: false },
);
// An entry (donation or disbursement id) is in the ledger at most once: retries find it instead.
ledgerSchema.index({ entryId: 1 }, { unique: true });
// A campaign's entries in order, by kind (lists, recomputation).
ledgerSchema.index({ chainId: 1, kind: 1, seq: 1 });

export function ledgerModel(connection: Connection): Model<LedgerLink> {
  return connection.models.LedgerLink as Model<LedgerLink> | undefined ?? connection.model<LedgerLink>('LedgerLink', ledgerSchema);
}
