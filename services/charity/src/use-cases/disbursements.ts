/**
 * 帮扶款发放: aid paid to a person through a campaign, appended to the campaign's ledger with the
 * aid-disbursed event in one insert, refused when the campaign is closed, when the balance is
 * smaller than the amount (CHARITY_INSUFFICIENT_BALANCE), or when the person's aid of this kind in
 * the year would pass the parameter in force (R-E12 for education; PARAMETER for the others).
 *
 * The annual cap is enforced by the person's allowance chain: a RESERVE link before the ledger
 * entry (refused atomically when the cap would be passed, however many disbursements race), and
 * a RELEASE link when the ledger then refuses. A crash between the reservation and the ledger
 * leaves the reservation in place: the person may then get less than the cap, never more.
 */
import { randomUUID } from 'node:crypto';
import type { CharityAidKind } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { StoredDisbursement } from '../campaigns/ledger.schema.js';
import { entryIdOf } from '../chain/chain.js';
import type { CharityDeps } from '../deps.js';
import { requireFundedAidKind } from '../domain/aid-kinds.js';
import { parameterInForce, type AidParameterVersion, type EducationLevel } from '../domain/aid-parameters.js';
import { CharityError } from '../domain/errors.js';
import { disburseAid as disburse } from '../domain/ledger.js';
import { envelope, occurredOn } from '../events.js';
import { recipientContext } from '../protect.js';
import { noteLedgerHead } from './campaigns.js';
import { businessDate, checkPerson, checkRegion, personRef, sealPerson, sha256, type CheckedPerson } from './common.js';
import type { Recorded } from './donations.js';

export interface DisbursementInput {
  readonly recipient: { readonly idNumber: string; readonly name: string };
  readonly regionCode: string;
  readonly householdId?: string;
  readonly aidKind: CharityAidKind;
  readonly educationLevel?: EducationLevel;
  readonly amountFen: number;
  readonly eligibleCostFen?: number;
  readonly medicalSettlementId?: string;
  readonly disbursedDate?: string;
}

interface Reservation {
  readonly chainId: string;
  readonly disbursementId: string;
  readonly campaignId: string;
  readonly amountFen: number;
}

async function reserve(deps: CharityDeps, parameter: AidParameterVersion, person: CheckedPerson, reservation: Reservation, year: string, replayable: boolean): Promise<void> {
  await deps.allowances.append(reservation.chainId, `${reservation.disbursementId}|reserve`, (head) => {
    const paidFen = head.state.paidFen + reservation.amountFen;
    if (paidFen > parameter.annualCapFen) {
      throw new CharityError('CHARITY_AID_ABOVE_CAP', `amountFen: 超过帮扶标准：本年已发 ${String(head.state.paidFen)} 分，拟发 ${String(reservation.amountFen)} 分，标准 ${String(parameter.annualCapFen)} 分/年 (the year's aid would exceed the annual standard)`, {
        field: 'amountFen',
        rule: `${parameter.aidKind}${parameter.educationLevel === null ? '' : ` ${parameter.educationLevel}`} aid per person per year may not exceed the parameter in force`,
        year,
        annualCapFen: parameter.annualCapFen,
        alreadyPaidFen: head.state.paidFen,
        amountFen: reservation.amountFen,
        parameterVersionId: parameter.id,
        parameterSource: parameter.source,
        personKey: person.personKey,
      });
    }
    return { state: { paidFen }, body: { kind: 'RESERVE', amountFen: reservation.amountFen, disbursementId: reservation.disbursementId, campaignId: reservation.campaignId }, events: [] };
  }, { replayable });
}

async function release(deps: CharityDeps, reservation: Reservation): Promise<void> {
  await deps.allowances.append(reservation.chainId, `${reservation.disbursementId}|release`, (head) => ({
    state: { paidFen: head.state.paidFen - reservation.amountFen },
    body: { kind: 'RELEASE', amountFen: reservation.amountFen, disbursementId: reservation.disbursementId, campaignId: reservation.campaignId },
    events: [],
  }));
}

export async function disburseAid(deps: CharityDeps, principal: Principal, campaignId: string, input: DisbursementInput, idempotencyKey: string | undefined): Promise<Recorded> {
  const now = deps.now();
  const campaign = await deps.campaigns.get(campaignId, principal.jurisdiction);
  requireFundedAidKind(campaign.kind, input.aidKind, campaignId);
  if ((input.aidKind === 'EDUCATION') !== (input.educationLevel !== undefined)) {
    throw new CharityError('CHARITY_EDUCATION_LEVEL_REQUIRED', input.aidKind === 'EDUCATION' ? 'educationLevel: 教育帮扶须注明学段 (education aid needs educationLevel)' : 'educationLevel: 仅教育帮扶注明学段 (only education aid has an educationLevel)', {
      field: 'educationLevel',
      rule: 'required for EDUCATION aid (UNIVERSITY, SENIOR_HIGH, JUNIOR_HIGH), absent otherwise',
    });
  }
  const recipient = checkPerson(deps, input.recipient, 'recipient');
  checkRegion(deps, principal, input.regionCode);
  const date = businessDate(deps, input.disbursedDate, 'disbursedDate', { date: campaign.openDate, what: '开始日期 (openDate)' });
  const disbursementId = entryIdOf('DB', `${principal.subject}|${campaignId}|disbursement`, idempotencyKey, sha256);
  const replayable = idempotencyKey !== undefined;
  const educationLevel = input.educationLevel ?? null;
  const parameter = parameterInForce(await deps.parameters.all(), input.aidKind, educationLevel, input.regionCode, date);
  const year = date.slice(0, 4);
  const reservation: Reservation = { chainId: `${input.aidKind}|${recipient.personKey}|${year}`, disbursementId, campaignId, amountFen: input.amountFen };
  if (parameter !== undefined) await reserve(deps, parameter, recipient, reservation, year, replayable);

  const sealed = sealPerson(deps, recipient, (field) => recipientContext(disbursementId, field));
  const disbursement: StoredDisbursement = {
    recipientPersonKey: recipient.personKey,
    recipientIdNumber: sealed.idNumber,
    recipientName: sealed.name ?? '',
    regionCode: input.regionCode,
    householdId: input.householdId ?? null,
    aidKind: input.aidKind,
    educationLevel,
    eligibleCostFen: input.eligibleCostFen ?? null,
    medicalSettlementId: input.medicalSettlementId ?? null,
    approverId: principal.subject,
    parameterVersionId: parameter?.id ?? null,
  };
  try {
    const { link, replayed } = await deps.ledger.append(campaignId, disbursementId, (head) => {
      const state = disburse(head.state, campaignId, { amountFen: input.amountFen, month: date.slice(0, 7) });
      // Keyed by the person (the default): the beneficiary is envelope.person.
      const event = deps.publisher.prepare('charity.aid-disbursed', {
        envelope: envelope({ eventId: randomUUID(), occurredAt: occurredOn(date), recordId: disbursementId, regionCode: input.regionCode, person: personRef(recipient), householdId: input.householdId ?? null }, now),
        disbursementId,
        aidKind: input.aidKind,
        amountFen: input.amountFen,
        eligibleCostFen: disbursement.eligibleCostFen,
        medicalSettlementId: disbursement.medicalSettlementId,
        campaignId,
        fundName: campaign.fundName,
        approverId: principal.subject,
      });
      return { state, body: { kind: 'DISBURSEMENT', amountFen: input.amountFen, date, recordedBy: principal.subject, donation: null, disbursement, closeReason: null }, events: [event] };
    }, { hintSeq: campaign.headSeq, replayable, now });
    if (!replayed) await noteLedgerHead(deps, campaignId, link);
    return { campaign, link, replayed };
  } catch (error) {
    if (parameter !== undefined) await release(deps, reservation);
    throw error;
  }
}
