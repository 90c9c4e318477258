/**
 * The campaign ledger (募捐活动账目), as pure state transitions. A campaign's state after each
 * entry is carried on that entry (see `chain/chain.ts`), so the totals are never updated in place:
 * every entry's state is its predecessor's state plus its own amount.
 *
 * The invariant, for every state: receivedFen = disbursedFen + balanceFen (cash). Goods and
 * services donated (IN_KIND, SERVICE, OTHER) are counted at their assessed value in
 * `inKindValueFen` and in the donation count, not in the cash balance: aid is paid in money, so
 * only money can fund it.
 */
import type { CampaignCloseReason, DonationForm } from '@minzheng/contracts';
import { CharityError } from './errors.js';

export interface MonthFigures {
  /** YYYY-MM (UTC+8). */
  readonly month: string;
  readonly receivedFen: number;
  readonly inKindValueFen: number;
  readonly disbursedFen: number;
  readonly donations: number;
  readonly disbursements: number;
}

export interface LedgerState {
  readonly status: 'OPEN' | 'CLOSED';
  /** Cash received (资金捐赠). */
  readonly receivedFen: number;
  /** Cash paid out as aid. */
  readonly disbursedFen: number;
  /** receivedFen − disbursedFen, kept so that a disbursement is checked against one number. */
  readonly balanceFen: number;
  /** Assessed value of goods and services received. */
  readonly inKindValueFen: number;
  readonly donationCount: number;
  readonly disbursementCount: number;
  /** Figures per month, oldest first. */
  readonly months: readonly MonthFigures[];
  readonly closedDate: string | null;
  readonly closeReason: CampaignCloseReason | null;
}

export const OPENED_LEDGER: LedgerState = Object.freeze({
  status: 'OPEN',
  receivedFen: 0,
  disbursedFen: 0,
  balanceFen: 0,
  inKindValueFen: 0,
  donationCount: 0,
  disbursementCount: 0,
  months: [],
  closedDate: null,
  closeReason: null,
});

function requireAmount(amountFen: number, field: string): void {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new CharityError('CHARITY_INVALID_INPUT', `${field}: 金额须为正整数（分） (must be a positive whole number of fen)`, { field, rule: 'a positive whole number of fen', value: amountFen });
  }
}

function requireOpen(state: LedgerState, campaignId: string, action: string): void {
  if (state.status === 'CLOSED') {
    throw new CharityError('CHARITY_CAMPAIGN_CLOSED', `募捐活动已结束，不能${action} (campaign ${campaignId} is closed)`, {
      field: 'campaignId',
      rule: 'a closed campaign takes no donations, no disbursements and no second close',
      campaignId,
      closedDate: state.closedDate,
    });
  }
}

function withMonth(months: readonly MonthFigures[], month: string, change: (figures: MonthFigures) => MonthFigures): MonthFigures[] {
  const existing = months.find((figures) => figures.month === month);
  const updated = change(existing ?? { month, receivedFen: 0, inKindValueFen: 0, disbursedFen: 0, donations: 0, disbursements: 0 });
  const others = months.filter((figures) => figures.month !== month);
  return [...others, updated].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

export interface DonationEntry {
  readonly form: DonationForm;
  readonly amountFen: number;
  /** YYYY-MM of the day received. */
  readonly month: string;
}

/** A donation: cash raises the balance, goods and services their assessed value. */
export function receiveDonation(state: LedgerState, campaignId: string, donation: DonationEntry): LedgerState {
  requireOpen(state, campaignId, '接收捐赠 (receive donations)');
  requireAmount(donation.amountFen, 'amountFen');
  const cash = donation.form === 'CASH' ? donation.amountFen : 0;
  const inKind = donation.amountFen - cash;
  return {
    ...state,
    receivedFen: state.receivedFen + cash,
    balanceFen: state.balanceFen + cash,
    inKindValueFen: state.inKindValueFen + inKind,
    donationCount: state.donationCount + 1,
    months: withMonth(state.months, donation.month, (figures) => ({
      ...figures,
      receivedFen: figures.receivedFen + cash,
      inKindValueFen: figures.inKindValueFen + inKind,
      donations: figures.donations + 1,
    })),
  };
}

export interface DisbursementEntry {
  readonly amountFen: number;
  readonly month: string;
}

/** A disbursement: refused when the campaign is closed or the balance is smaller than the amount. */
export function disburseAid(state: LedgerState, campaignId: string, disbursement: DisbursementEntry): LedgerState {
  requireOpen(state, campaignId, '发放帮扶款 (disburse aid)');
  requireAmount(disbursement.amountFen, 'amountFen');
  if (disbursement.amountFen > state.balanceFen) {
    throw new CharityError('CHARITY_INSUFFICIENT_BALANCE', `余额不足：拟发放 ${String(disbursement.amountFen)} 分，余额 ${String(state.balanceFen)} 分 (the disbursement of ${String(disbursement.amountFen)} fen exceeds the balance of ${String(state.balanceFen)} fen)`, {
      field: 'amountFen',
      rule: 'a disbursement may not exceed the campaign balance (received = disbursed + balance)',
      amountFen: disbursement.amountFen,
      balanceFen: state.balanceFen,
      receivedFen: state.receivedFen,
      disbursedFen: state.disbursedFen,
    });
  }
  return {
    ...state,
    disbursedFen: state.disbursedFen + disbursement.amountFen,
    balanceFen: state.balanceFen - disbursement.amountFen,
    disbursementCount: state.disbursementCount + 1,
    months: withMonth(state.months, disbursement.month, (figures) => ({
      ...figures,
      disbursedFen: figures.disbursedFen + disbursement.amountFen,
      disbursements: figures.disbursements + 1,
    })),
  };
}

/** Closing: once. The balance stays (no more disbursements; what happens to it is decided outside). */
export function closeCampaign(state: LedgerState, campaignId: string, closedDate: string, reason: CampaignCloseReason): LedgerState {
  requireOpen(state, campaignId, '再次结束 (close again)');
  return { ...state, status: 'CLOSED', closedDate, closeReason: reason };
}

/** received = disbursed + balance, every figure a whole, non-negative number of fen. */
export function ledgerBalances(state: LedgerState): boolean {
  const figures = [state.receivedFen, state.disbursedFen, state.balanceFen, state.inKindValueFen];
  return figures.every((value) => Number.isSafeInteger(value) && value >= 0) && state.receivedFen === state.disbursedFen + state.balanceFen;
}
