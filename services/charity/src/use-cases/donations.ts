/**
 * 捐赠: a donation into a campaign, appended to its ledger with the donation-received event in one
 * insert. A named donor's ID number and name are sealed to the donation. With an Idempotency-Key
 * the donation id is derived from it, so a retry (even after a crash lost the idempotency record)
 * finds the donation instead of counting it twice.
 */
import { randomUUID } from 'node:crypto';
import type { DonationChannel, DonationForm } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { StoredCampaign } from '../campaigns/campaign.schema.js';
import type { LedgerLink, StoredDonation } from '../campaigns/ledger.schema.js';
import { entryIdOf } from '../chain/chain.js';
import type { CharityDeps } from '../deps.js';
import { checkDonor, type DonorInput } from '../domain/donor.js';
import { receiveDonation as receive } from '../domain/ledger.js';
import { envelope, occurredOn } from '../events.js';
import { donorContext } from '../protect.js';
import { noteLedgerHead } from './campaigns.js';
import { businessDate, checkPerson, personRef, sealPerson, sha256 } from './common.js';

export interface DonationInput extends DonorInput {
  readonly donationForm: DonationForm;
  readonly amountFen: number;
  readonly channel: DonationChannel;
  readonly receiptNo?: string;
  readonly receivedDate?: string;
}

export interface Recorded {
  readonly campaign: StoredCampaign;
  readonly link: LedgerLink;
  readonly replayed: boolean;
}

export async function receiveDonation(deps: CharityDeps, principal: Principal, campaignId: string, input: DonationInput, idempotencyKey: string | undefined): Promise<Recorded> {
  const now = deps.now();
  const campaign = await deps.campaigns.get(campaignId, principal.jurisdiction);
  checkDonor(input);
  const donor = input.donor === undefined ? null : checkPerson(deps, input.donor, 'donor');
  const date = businessDate(deps, input.receivedDate, 'receivedDate', { date: campaign.openDate, what: '开始日期 (openDate)' });
  const donationId = entryIdOf('DN', `${principal.subject}|${campaignId}|donation`, idempotencyKey, sha256);
  const sealed = donor === null ? null : sealPerson(deps, donor, (field) => donorContext(donationId, field));
  const donation: StoredDonation = {
    donorKind: input.donorKind,
    donorPersonKey: donor?.personKey ?? null,
    donorIdNumber: sealed?.idNumber ?? null,
    donorName: sealed?.name ?? null,
    donorOrganisationName: input.donorOrganisationName?.trim() ?? null,
    donationForm: input.donationForm,
    channel: input.channel,
    receiptNo: input.receiptNo ?? null,
  };
  const { link, replayed } = await deps.ledger.append(campaignId, donationId, (head) => {
    const state = receive(head.state, campaignId, { form: input.donationForm, amountFen: input.amountFen, month: date.slice(0, 7) });
    const event = deps.publisher.prepare('charity.donation-received', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: occurredOn(date), recordId: donationId, regionCode: campaign.regionCode, person: null }, now),
      donationId,
      campaignId,
      donorKind: input.donorKind,
      donor: donor === null ? null : personRef(donor),
      donorOrganisationName: donation.donorOrganisationName,
      donationForm: input.donationForm,
      amountFen: input.amountFen,
      channel: input.channel,
      receiptNo: donation.receiptNo,
    }, { key: campaignId });
    return { state, body: { kind: 'DONATION', amountFen: input.amountFen, date, recordedBy: principal.subject, donation, disbursement: null, closeReason: null }, events: [event] };
  }, { hintSeq: campaign.headSeq, replayable: idempotencyKey !== undefined, now });
  if (!replayed) await noteLedgerHead(deps, campaignId, link);
  return { campaign, link, replayed };
}
