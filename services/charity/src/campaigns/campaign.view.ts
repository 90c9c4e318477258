/**
 * What callers see of campaigns and their ledger. Donors and recipients are shown in clear only to
 * caseworkers and supervisors (inside their jurisdiction, which the repository enforced; the
 * routes audit those reads); other roles see them masked. The public transparency view has no
 * personal field at all: only totals, counts and months.
 */
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { maskName, maskResidentId } from '@minzheng/identity/masking';
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import type { Head } from '../chain/chain.js';
import { AID_KINDS } from '../domain/aid-kinds.js';
import { EDUCATION_LEVELS } from '../domain/aid-parameters.js';
import { DONOR_KINDS } from '../domain/donor.js';
import type { LedgerState } from '../domain/ledger.js';
import { donorContext, recipientContext, unseal } from '../protect.js';
import { CAMPAIGN_KINDS, type StoredCampaign } from './campaign.schema.js';
import type { LedgerLink } from './ledger.schema.js';

export const CampaignKindSchema = Type.Enum(CAMPAIGN_KINDS, { description: '活动类型 (campaign kind: MAJOR_ILLNESS 大病帮扶, EDUCATION 教育帮扶, HOUSING 危房改造帮扶, MICRO_FUND 微基金, ...)' });
export const CloseReasonSchema = Type.Enum(['TARGET_REACHED', 'PERIOD_ENDED', 'CANCELLED', 'OTHER'], { description: '结束原因 (why the campaign closed)' });
export const DonorKindSchema = Type.Enum(DONOR_KINDS, { description: '捐赠人类型 (INDIVIDUAL 个人, ENTERPRISE 企业, SOCIAL_ORGANISATION 社会组织, ANONYMOUS 匿名, OTHER 其他)' });
export const DonationFormSchema = Type.Enum(['CASH', 'IN_KIND', 'SERVICE', 'OTHER'], { description: '捐赠形式 (CASH counts in the balance; goods and services at their assessed value, outside it)' });
export const ChannelSchema = Type.Enum(['ONLINE_PLATFORM', 'BANK_TRANSFER', 'ON_SITE', 'OTHER'], { description: '捐赠渠道 (channel)' });
export const AidKindSchema = Type.Enum(AID_KINDS, { description: '帮扶类型 (aid kind)' });
export const EducationLevelSchema = Type.Enum(EDUCATION_LEVELS, { description: '学段 (school level: UNIVERSITY 大学, SENIOR_HIGH 高中, JUNIOR_HIGH 初中)' });

export const TotalsView = Type.Object({
  receivedFen: Type.Integer({ description: '资金捐赠收入，分 (cash received, fen)' }),
  disbursedFen: Type.Integer({ description: '已发放，分 (cash disbursed, fen)' }),
  balanceFen: Type.Integer({ description: '余额，分：收入 = 发放 + 余额 (balance: received = disbursed + balance)' }),
  inKindValueFen: Type.Integer({ description: '物资与服务捐赠估值，分 (assessed value of goods and services received, outside the balance)' }),
  donationCount: Type.Integer({ description: '捐赠笔数 (donations)' }),
  disbursementCount: Type.Integer({ description: '发放笔数 (disbursements)' }),
});

export const MonthView = Type.Object({
  month: Type.String({ description: '月份 (YYYY-MM, UTC+8)' }),
  receivedFen: Type.Integer(),
  inKindValueFen: Type.Integer(),
  disbursedFen: Type.Integer(),
  donations: Type.Integer(),
  disbursements: Type.Integer(),
});

const campaignExample = {
  id: 'CP-2f0c6a53-8a7e-4a0e-9d51-3c1b0c1d2e3f', title: '2026年大病困难帮扶基金', kind: 'MAJOR_ILLNESS', fundName: '大病困难帮扶中心', organiserId: '53442000MJL0000018', organiserName: '中山市慈善总会',
  filingNo: null, targetAmountFen: 100_000_000, openDate: '2026-11-01', plannedCloseDate: '2026-12-31', regionCode: '442000', status: 'OPEN', closedDate: null, closeReason: null,
  totals: { receivedFen: 5_000_000, disbursedFen: 1_200_000, balanceFen: 3_800_000, inKindValueFen: 0, donationCount: 12, disbursementCount: 3 }, ledgerSeq: 15, createdAt: '2026-11-01T02:00:00.000Z',
};

export const CampaignView = Type.Object({
  id: Type.String({ description: '募捐活动编号 (campaign id)' }),
  title: Type.String({ description: '活动名称 (public title)' }),
  kind: CampaignKindSchema,
  fundName: Type.Union([Type.String(), Type.Null()], { description: '冠名基金或帮扶中心 (named fund or help centre)' }),
  organiserId: Type.String({ description: '发起机构统一社会信用代码 (organiser credit code)' }),
  organiserName: Type.String(),
  filingNo: Type.Union([Type.String(), Type.Null()], { description: '募捐备案编号 (filing number)' }),
  targetAmountFen: Type.Union([Type.Integer(), Type.Null()]),
  openDate: Type.String({ format: 'date' }),
  plannedCloseDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  regionCode: Type.String(),
  status: Type.Enum(['OPEN', 'CLOSED']),
  closedDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  closeReason: Type.Union([CloseReasonSchema, Type.Null()]),
  totals: TotalsView,
  ledgerSeq: Type.Integer({ description: '账目条数（最新序号） (ledger entries so far, the head sequence number)' }),
  createdAt: Type.String({ format: 'date-time' }),
}, { examples: [campaignExample] });
export type CampaignView = Static<typeof CampaignView>;

const totalsOf = (state: LedgerState): Static<typeof TotalsView> => ({
  receivedFen: state.receivedFen,
  disbursedFen: state.disbursedFen,
  balanceFen: state.balanceFen,
  inKindValueFen: state.inKindValueFen,
  donationCount: state.donationCount,
  disbursementCount: state.disbursementCount,
});

export function campaignView(campaign: StoredCampaign, head: Head<LedgerState>): CampaignView {
  return {
    id: campaign._id,
    title: campaign.title,
    kind: campaign.kind,
    fundName: campaign.fundName,
    organiserId: campaign.organiserId,
    organiserName: campaign.organiserName,
    filingNo: campaign.filingNo,
    targetAmountFen: campaign.targetAmountFen,
    openDate: campaign.openDate,
    plannedCloseDate: campaign.plannedCloseDate,
    regionCode: campaign.regionCode,
    status: head.state.status,
    closedDate: head.state.closedDate,
    closeReason: head.state.closeReason,
    totals: totalsOf(head.state),
    ledgerSeq: head.seq,
    createdAt: campaign.createdAt.toISOString(),
  };
}

export const TransparencyView = Type.Object({
  campaignId: Type.String(),
  title: Type.String(),
  kind: CampaignKindSchema,
  fundName: Type.Union([Type.String(), Type.Null()]),
  organiserName: Type.String(),
  regionCode: Type.String(),
  status: Type.Enum(['OPEN', 'CLOSED']),
  openDate: Type.String({ format: 'date' }),
  closedDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  targetAmountFen: Type.Union([Type.Integer(), Type.Null()]),
  totals: TotalsView,
  months: Type.Array(MonthView, { description: '按月收支 (figures per month)' }),
  ledgerSeq: Type.Integer({ description: '截至账目序号 (figures as of this ledger entry)' }),
}, {
  description: '公开透明：只有总额、笔数与月度数字，无任何个人信息 (public: totals, counts and months; no personal data)',
  examples: [{
    campaignId: campaignExample.id, title: campaignExample.title, kind: 'MAJOR_ILLNESS', fundName: '大病困难帮扶中心', organiserName: '中山市慈善总会', regionCode: '442000', status: 'OPEN', openDate: '2026-11-01', closedDate: null, targetAmountFen: 100_000_000,
    totals: campaignExample.totals, months: [{ month: '2026-11', receivedFen: 5_000_000, inKindValueFen: 0, disbursedFen: 1_200_000, donations: 12, disbursements: 3 }], ledgerSeq: 15,
  }],
});
export type TransparencyView = Static<typeof TransparencyView>;

export function transparencyView(campaign: StoredCampaign, head: Head<LedgerState>): TransparencyView {
  return {
    campaignId: campaign._id,
    title: campaign.title,
    kind: campaign.kind,
    fundName: campaign.fundName,
    organiserName: campaign.organiserName,
    regionCode: campaign.regionCode,
    status: head.state.status,
    openDate: campaign.openDate,
    closedDate: head.state.closedDate,
    targetAmountFen: campaign.targetAmountFen,
    totals: totalsOf(head.state),
    months: head.state.months.map((month) => ({ ...month })),
    ledgerSeq: head.seq,
  };
}

/** Whether this caller sees donors and recipients in clear (jurisdiction is enforced by the query). */
export const seesPersonalData = (principal: Principal): boolean => hasRole(principal, 'caseworker', 'supervisor');

const PersonView = Type.Object({
  personKey: Type.String({ description: '人员假名键 (pseudonymous person key)' }),
  idNumber: Type.String({ description: '公民身份号码（按角色脱敏） (ID number, masked unless the caller may see it)' }),
  name: Type.Union([Type.String(), Type.Null()], { description: '姓名（按角色脱敏） (name, masked unless the caller may see it)' }),
});

export const DonationView = Type.Object({
  id: Type.String({ description: '捐赠编号 (donation id)' }),
  campaignId: Type.String(),
  seq: Type.Integer({ description: '账目序号 (ledger sequence number)' }),
  donorKind: DonorKindSchema,
  donor: Type.Union([PersonView, Type.Null()], { description: '个人捐赠人 (individual donor; null for organisations and anonymous donors)' }),
  donorOrganisationName: Type.Union([Type.String(), Type.Null()]),
  donationForm: DonationFormSchema,
  amountFen: Type.Integer(),
  channel: ChannelSchema,
  receiptNo: Type.Union([Type.String(), Type.Null()]),
  receivedDate: Type.String({ format: 'date' }),
  balanceAfterFen: Type.Integer({ description: '入账后余额 (balance after this entry)' }),
  masked: Type.Boolean(),
  recordedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    id: 'DN-7c1e0f3a9b2d4e5f8a6b7c8d9e0f1a2b', campaignId: campaignExample.id, seq: 1, donorKind: 'INDIVIDUAL', donor: { personKey: '3f7a0c…', idNumber: '442000198503150028', name: '黄丽娟' }, donorOrganisationName: null,
    donationForm: 'CASH', amountFen: 50_000, channel: 'ONLINE_PLATFORM', receiptNo: null, receivedDate: '2026-11-02', balanceAfterFen: 50_000, masked: false, recordedAt: '2026-11-02T02:00:00.000Z',
  }],
});
export type DonationView = Static<typeof DonationView>;

export const DisbursementView = Type.Object({
  id: Type.String({ description: '发放编号 (disbursement id)' }),
  campaignId: Type.String(),
  seq: Type.Integer({ description: '账目序号 (ledger sequence number)' }),
  recipient: PersonView,
  regionCode: Type.String({ description: '受助人所在区划 (recipient region)' }),
  householdId: Type.Union([Type.String(), Type.Null()]),
  aidKind: AidKindSchema,
  educationLevel: Type.Union([EducationLevelSchema, Type.Null()]),
  amountFen: Type.Integer(),
  eligibleCostFen: Type.Union([Type.Integer(), Type.Null()]),
  medicalSettlementId: Type.Union([Type.String(), Type.Null()]),
  disbursedDate: Type.String({ format: 'date' }),
  approverId: Type.String(),
  parameterVersionId: Type.Union([Type.String(), Type.Null()], { description: '核对的帮扶标准版本 (aid parameter version checked, when one was in force)' }),
  balanceAfterFen: Type.Integer({ description: '发放后余额 (balance after this entry)' }),
  masked: Type.Boolean(),
  recordedAt: Type.String({ format: 'date-time' }),
}, {
  examples: [{
    id: 'DB-0a1b2c3d4e5f60718293a4b5c6d7e8f9', campaignId: campaignExample.id, seq: 13, recipient: { personKey: '9b2e41…', idNumber: '442000200801010023', name: '李小红' }, regionCode: '442000001001', householdId: null,
    aidKind: 'EDUCATION', educationLevel: 'SENIOR_HIGH', amountFen: 300_000, eligibleCostFen: null, medicalSettlementId: null, disbursedDate: '2026-11-20', approverId: 'supervisor-1',
    parameterVersionId: 'EDUCATION|SENIOR_HIGH|442000|2021-01-01', balanceAfterFen: 3_800_000, masked: false, recordedAt: '2026-11-20T02:00:00.000Z',
  }],
});
export type DisbursementView = Static<typeof DisbursementView>;

function person(keyring: Keyring, personKey: string, idToken: string, nameToken: string | null, context: (field: 'idNumber' | 'name') => string, clear: boolean): Static<typeof PersonView> {
  const idNumber = unseal(keyring, idToken, context('idNumber'));
  const name = nameToken === null ? null : unseal(keyring, nameToken, context('name'));
  return { personKey, idNumber: clear ? idNumber : maskResidentId(idNumber), name: name === null ? null : clear ? name : maskName(name) };
}

export function donationView(link: LedgerLink, keyring: Keyring, clear: boolean): DonationView {
  const donation = link.donation;
  if (donation === null) throw new Error(`ledger link ${link._id} is not a donation`);
  return {
    id: link.entryId,
    campaignId: link.chainId,
    seq: link.seq,
    donorKind: donation.donorKind,
    donor: donation.donorPersonKey === null || donation.donorIdNumber === null ? null : person(keyring, donation.donorPersonKey, donation.donorIdNumber, donation.donorName, (field) => donorContext(link.entryId, field), clear),
    donorOrganisationName: donation.donorOrganisationName,
    donationForm: donation.donationForm,
    amountFen: link.amountFen,
    channel: donation.channel,
    receiptNo: donation.receiptNo,
    receivedDate: link.date,
    balanceAfterFen: link.state.balanceFen,
    masked: !clear,
    recordedAt: link.at.toISOString(),
  };
}

export function disbursementView(link: LedgerLink, keyring: Keyring, clear: boolean): DisbursementView {
  const disbursement = link.disbursement;
  if (disbursement === null) throw new Error(`ledger link ${link._id} is not a disbursement`);
  return {
    id: link.entryId,
    campaignId: link.chainId,
    seq: link.seq,
    recipient: person(keyring, disbursement.recipientPersonKey, disbursement.recipientIdNumber, disbursement.recipientName, (field) => recipientContext(link.entryId, field), clear),
    regionCode: disbursement.regionCode,
    householdId: disbursement.householdId,
    aidKind: disbursement.aidKind,
    educationLevel: disbursement.educationLevel,
    amountFen: link.amountFen,
    eligibleCostFen: disbursement.eligibleCostFen,
    medicalSettlementId: disbursement.medicalSettlementId,
    disbursedDate: link.date,
    approverId: disbursement.approverId,
    parameterVersionId: disbursement.parameterVersionId,
    balanceAfterFen: link.state.balanceFen,
    masked: !clear,
    recordedAt: link.at.toISOString(),
  };
}

/** The person keys a view shows (for the access audit). */
export const donorKeys = (links: readonly LedgerLink[]): string[] => links.flatMap((link) => {
  const key = link.donation?.donorPersonKey ?? null;
  return key === null ? [] : [key];
});
export const recipientKeys = (links: readonly LedgerLink[]): string[] => links.flatMap((link) => (link.disbursement === null ? [] : [link.disbursement.recipientPersonKey]));
