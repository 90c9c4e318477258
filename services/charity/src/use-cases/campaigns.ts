/**
 * 募捐活动: open (campaign-opened), read with the ledger's totals, close (campaign-closed, as the
 * ledger's last link, so the totals in the event are exactly the totals the ledger closed with).
 */
import { randomUUID } from 'node:crypto';
import type { CampaignCloseReason, CampaignKind } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { StoredCampaign } from '../campaigns/campaign.schema.js';
import type { LedgerLink } from '../campaigns/ledger.schema.js';
import type { Head } from '../chain/chain.js';
import type { CharityDeps } from '../deps.js';
import { CharityError } from '../domain/errors.js';
import { closeCampaign as closeLedger, OPENED_LEDGER, type LedgerState } from '../domain/ledger.js';
import { parseUscc } from '../domain/uscc.js';
import { envelope, occurredOn } from '../events.js';
import { businessDate, checkRegion } from './common.js';

export interface OpenCampaignInput {
  readonly title: string;
  readonly kind: CampaignKind;
  readonly fundName?: string;
  readonly organiserId: string;
  readonly filingNo?: string;
  readonly targetAmountFen?: number;
  readonly openDate?: string;
  readonly plannedCloseDate?: string;
  readonly regionCode: string;
}

export interface CampaignWithLedger {
  readonly campaign: StoredCampaign;
  readonly head: Head<LedgerState>;
}

export async function openCampaign(deps: CharityDeps, principal: Principal, input: OpenCampaignInput): Promise<CampaignWithLedger> {
  const now = deps.now();
  checkRegion(deps, principal, input.regionCode);
  const { code: organiserId } = parseUscc(input.organiserId, 'organiserId');
  const organiser = await deps.organisations.findAnywhere(organiserId);
  if (!organiser) {
    throw new CharityError('CHARITY_ORGANISER_NOT_REGISTERED', `organiserId: 发起机构 ${organiserId} 未登记为慈善组织 (the organiser is not a registered charitable organisation)`, { field: 'organiserId', rule: 'the organiser must be registered first (POST /organisations)', organiserId });
  }
  const openDate = businessDate(deps, input.openDate, 'openDate');
  if (input.plannedCloseDate !== undefined && input.plannedCloseDate < openDate) {
    throw new CharityError('CHARITY_DATE_ORDER', 'plannedCloseDate: 计划结束日期不能早于开始日期 (must not be before openDate)', { field: 'plannedCloseDate', rule: 'must not be before openDate', openDate });
  }
  const id = `CP-${randomUUID()}`;
  const campaign: StoredCampaign = {
    _id: id,
    regionCode: input.regionCode,
    title: input.title.trim(),
    kind: input.kind,
    fundName: input.fundName ?? null,
    organiserId,
    organiserName: organiser.name,
    filingNo: input.filingNo ?? null,
    targetAmountFen: input.targetAmountFen ?? null,
    openDate,
    plannedCloseDate: input.plannedCloseDate ?? null,
    headSeq: 0,
    statusHint: 'OPEN',
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    outbox: [],
    outboxPending: true,
  };
  // Campaign events are keyed by campaign id, so a campaign's events keep their order on the topic.
  const event = deps.publisher.prepare('charity.campaign-opened', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: occurredOn(openDate), recordId: id, regionCode: input.regionCode, person: null }, now),
    campaignId: id,
    title: campaign.title,
    campaignKind: campaign.kind,
    organiserId,
    organiserName: organiser.name,
    filingNo: campaign.filingNo,
    targetAmountFen: campaign.targetAmountFen,
    openDate,
    plannedCloseDate: campaign.plannedCloseDate,
  }, { key: id });
  const { outbox: _outbox, outboxPending: _pending, ...record } = campaign;
  await deps.campaigns.insert(record, [event]);
  return { campaign, head: { seq: 0, state: OPENED_LEDGER } };
}

/** A campaign in the caller's jurisdiction, with its ledger's head (the authoritative totals). */
export async function getCampaign(deps: CharityDeps, principal: Principal, id: string): Promise<CampaignWithLedger> {
  const campaign = await deps.campaigns.get(id, principal.jurisdiction);
  return { campaign, head: await deps.ledger.head(id, campaign.headSeq) };
}

/** Moves the campaign's list hints now and then (every 20 links, and at the close). */
export async function noteLedgerHead(deps: CharityDeps, campaignId: string, link: Pick<LedgerLink, 'seq' | 'state'>): Promise<void> {
  if (link.seq % 20 !== 0 && link.state.status !== 'CLOSED') return;
  await deps.campaigns.noteHead(campaignId, link.seq, link.state.status).catch(() => undefined);
}

export interface CloseCampaignInput {
  readonly reason: CampaignCloseReason;
  readonly closedDate?: string;
}

export async function closeCampaign(deps: CharityDeps, principal: Principal, id: string, input: CloseCampaignInput): Promise<CampaignWithLedger> {
  const now = deps.now();
  const campaign = await deps.campaigns.get(id, principal.jurisdiction);
  const closedDate = businessDate(deps, input.closedDate, 'closedDate', { date: campaign.openDate, what: '开始日期 (openDate)' });
  const { link } = await deps.ledger.append(id, `CLOSE-${id}`, (head) => {
    const state = closeLedger(head.state, id, closedDate, input.reason);
    const event = deps.publisher.prepare('charity.campaign-closed', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: occurredOn(closedDate), recordId: id, regionCode: campaign.regionCode, person: null }, now),
      campaignId: id,
      closeReason: input.reason,
      closedDate,
      totalRaisedFen: state.receivedFen + state.inKindValueFen,
      donationCount: state.donationCount,
    }, { key: id });
    return { state, body: { kind: 'CLOSE', amountFen: 0, date: closedDate, recordedBy: principal.subject, donation: null, disbursement: null, closeReason: input.reason }, events: [event] };
  }, { hintSeq: campaign.headSeq, now });
  await noteLedgerHead(deps, id, link);
  return { campaign, head: { seq: link.seq, state: link.state } };
}
