/**
 * 微心愿: published for a person (micro-wish-created), claimed by a donor (micro-wish-claimed),
 * released (micro-wish-released), fulfilled (micro-wish-fulfilled) or cancelled
 * (micro-wish-cancelled). Each step is a link of the wish's steps chain carrying its event in its
 * outbox, so two donors claiming at once cannot both win and each step is published once (see
 * `chain/chain.ts`). Every event is keyed by the beneficiary's person key, so a wish's events stay
 * in order.
 */
import { randomUUID } from 'node:crypto';
import type { PersonRef, WishCategory } from '@minzheng/contracts';
import type { Principal } from '@minzheng/service-kit/auth';
import type { Head } from '../chain/chain.js';
import { chinaToday, type CharityDeps } from '../deps.js';
import { checkDonor, type DonorInput } from '../domain/donor.js';
import { CharityError } from '../domain/errors.js';
import { nextWishStatus, requireBeforeDeadline, type WishAction } from '../domain/micro-wish.js';
import { envelope, occurredOn } from '../events.js';
import type { StoredWish, WishCancelReason, WishClaim, WishState, WishStepBody } from '../micro-wishes/micro-wish.schema.js';
import { claimContext, seal, unseal, wishContext } from '../protect.js';
import { businessDate, checkPerson, checkRegion, personRef } from './common.js';

export interface CreateWishInput {
  readonly beneficiary: { readonly idNumber: string; readonly name: string };
  readonly regionCode: string;
  readonly category: WishCategory;
  readonly description: string;
  readonly estimatedValueFen: number;
  readonly publisherId: string;
  readonly deadline?: string;
}

export interface WishWithState {
  readonly wish: StoredWish;
  readonly head: Head<WishState>;
}

export async function createWish(deps: CharityDeps, principal: Principal, input: CreateWishInput): Promise<WishWithState> {
  const now = deps.now();
  checkRegion(deps, principal, input.regionCode);
  const beneficiary = checkPerson(deps, input.beneficiary, 'beneficiary');
  const today = chinaToday(now);
  if (input.deadline !== undefined && input.deadline < today) {
    throw new CharityError('CHARITY_DATE_ORDER', 'deadline: 截止日期不能早于今天 (must not be before today)', { field: 'deadline', rule: 'must not be before today', today });
  }
  const id = `MW-${randomUUID()}`;
  const wish: StoredWish = {
    _id: id,
    regionCode: input.regionCode,
    beneficiaryPersonKey: beneficiary.personKey,
    beneficiaryIdNumber: seal(deps.keyring, beneficiary.idNumber, wishContext(id, 'idNumber')),
    beneficiaryName: seal(deps.keyring, input.beneficiary.name, wishContext(id, 'name')),
    category: input.category,
    description: seal(deps.keyring, input.description, wishContext(id, 'description')),
    estimatedValueFen: input.estimatedValueFen,
    publisherId: input.publisherId,
    deadline: input.deadline ?? null,
    headSeq: 0,
    version: 1,
    createdBy: principal.subject,
    createdAt: now,
    outbox: [],
    outboxPending: true,
  };
  const event = deps.publisher.prepare('charity.micro-wish-created', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: input.regionCode, person: personRef(beneficiary) }, now),
    wishId: id,
    wishCategory: input.category,
    description: input.description,
    estimatedValueFen: input.estimatedValueFen,
    publisherId: input.publisherId,
    deadline: wish.deadline,
  });
  const { outbox: _outbox, outboxPending: _pending, ...record } = wish;
  await deps.wishes.insert(record, [event]);
  return { wish, head: await deps.wishSteps.head(id) };
}

export async function getWish(deps: CharityDeps, principal: Principal, id: string): Promise<WishWithState> {
  const wish = await deps.wishes.get(id, principal.jurisdiction);
  return { wish, head: await deps.wishSteps.head(id, wish.headSeq) };
}

function beneficiaryRef(deps: CharityDeps, wish: StoredWish): PersonRef {
  return {
    personKey: wish.beneficiaryPersonKey,
    idNumber: unseal(deps.keyring, wish.beneficiaryIdNumber, wishContext(wish._id, 'idNumber')),
    name: unseal(deps.keyring, wish.beneficiaryName, wishContext(wish._id, 'name')),
  };
}

function donorRef(deps: CharityDeps, claim: WishClaim): PersonRef | null {
  if (claim.donorPersonKey === null || claim.donorIdNumber === null) return null;
  return {
    personKey: claim.donorPersonKey,
    idNumber: unseal(deps.keyring, claim.donorIdNumber, claimContext(claim.claimId, 'idNumber')),
    name: claim.donorName === null ? null : unseal(deps.keyring, claim.donorName, claimContext(claim.claimId, 'name')),
  };
}

async function step(deps: CharityDeps, principal: Principal, id: string, action: WishAction, entryId: string, next: (wish: StoredWish, state: WishState) => { state: WishState; events: ReturnType<CharityDeps['publisher']['prepare']>[] }): Promise<WishWithState> {
  const wish = await deps.wishes.get(id, principal.jurisdiction);
  const { link } = await deps.wishSteps.append(id, entryId, (head) => {
    nextWishStatus(head.state.status, action, id);
    const { state, events } = next(wish, head.state);
    const body: WishStepBody = { action, by: principal.subject };
    return { state, body, events };
  }, { hintSeq: wish.headSeq, now: deps.now() });
  await deps.wishes.noteHead(id, link.seq).catch(() => undefined);
  return { wish, head: { seq: link.seq, state: link.state } };
}

export async function claimWish(deps: CharityDeps, principal: Principal, id: string, input: DonorInput): Promise<WishWithState> {
  checkDonor(input);
  const donor = input.donor === undefined ? null : checkPerson(deps, input.donor, 'donor');
  const claimId = `WC-${randomUUID()}`;
  const donorName = donor?.name ?? null;
  const now = deps.now();
  const today = chinaToday(now);
  return step(deps, principal, id, 'claim', claimId, (wish, state) => {
    requireBeforeDeadline(wish.deadline, today, id);
    const claim: WishClaim = {
      claimId,
      donorKind: input.donorKind,
      donorPersonKey: donor?.personKey ?? null,
      donorIdNumber: donor === null ? null : seal(deps.keyring, donor.idNumber, claimContext(claimId, 'idNumber')),
      donorName: donorName === null ? null : seal(deps.keyring, donorName, claimContext(claimId, 'name')),
      donorOrganisationName: input.donorOrganisationName?.trim() ?? null,
      claimedDate: today,
    };
    const event = deps.publisher.prepare('charity.micro-wish-claimed', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: wish.regionCode, person: beneficiaryRef(deps, wish) }, now),
      wishId: id,
      claimId,
      donorKind: input.donorKind,
      donor: donor === null ? null : personRef(donor),
      donorOrganisationName: claim.donorOrganisationName,
      claimedDate: today,
      recordedById: principal.subject,
    });
    return { state: { ...state, status: 'CLAIMED', claim }, events: [event] };
  });
}

export async function releaseWish(deps: CharityDeps, principal: Principal, id: string): Promise<WishWithState> {
  const now = deps.now();
  return step(deps, principal, id, 'release', `WR-${randomUUID()}`, (wish, state) => {
    const event = deps.publisher.prepare('charity.micro-wish-released', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: wish.regionCode, person: beneficiaryRef(deps, wish) }, now),
      wishId: id,
      // A release follows a claim (the transition table), so the state names it.
      claimId: state.claim?.claimId ?? '',
      recordedById: principal.subject,
    });
    return { state: { ...state, status: 'OPEN', claim: null }, events: [event] };
  });
}

export interface FulfilWishInput {
  readonly fulfilledValueFen: number;
  readonly deliveredDate?: string;
  readonly receiptConfirmed: boolean;
}

export async function fulfilWish(deps: CharityDeps, principal: Principal, id: string, input: FulfilWishInput): Promise<WishWithState> {
  const now = deps.now();
  return step(deps, principal, id, 'fulfil', `FULFIL-${id}`, (wish, state) => {
    const { claim } = state;
    if (claim === null) throw new CharityError('CHARITY_ILLEGAL_TRANSITION', '微心愿未被认领 (the wish has no claim)', { field: 'status', rule: 'only a claimed wish can be fulfilled', wishId: id, status: state.status, allowedActions: [] });
    const deliveredDate = businessDate(deps, input.deliveredDate, 'deliveredDate', { date: claim.claimedDate, what: '认领日期 (the claim date)' });
    const event = deps.publisher.prepare('charity.micro-wish-fulfilled', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: occurredOn(deliveredDate), recordId: id, regionCode: wish.regionCode, person: beneficiaryRef(deps, wish) }, now),
      wishId: id,
      donor: donorRef(deps, claim),
      donorOrganisationName: claim.donorOrganisationName,
      fulfilledValueFen: input.fulfilledValueFen,
      deliveredDate,
      receiptConfirmed: input.receiptConfirmed,
    });
    return { state: { ...state, status: 'FULFILLED', fulfilledValueFen: input.fulfilledValueFen, deliveredDate, receiptConfirmed: input.receiptConfirmed }, events: [event] };
  });
}

export async function cancelWish(deps: CharityDeps, principal: Principal, id: string, reason: WishCancelReason): Promise<WishWithState> {
  const now = deps.now();
  return step(deps, principal, id, 'cancel', `CANCEL-${id}`, (wish, state) => {
    const event = deps.publisher.prepare('charity.micro-wish-cancelled', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: wish.regionCode, person: beneficiaryRef(deps, wish) }, now),
      wishId: id,
      cancelReason: reason,
      voidedClaimId: state.claim?.claimId ?? null,
      recordedById: principal.subject,
    });
    return { state: { ...state, status: 'CANCELLED', cancelReason: reason }, events: [event] };
  });
}
