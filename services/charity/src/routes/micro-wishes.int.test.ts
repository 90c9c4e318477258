/**
 * Micro-wishes on the real FerretDB and Kafka: publish (micro-wish-created), claim, release,
 * fulfil (micro-wish-fulfilled), cancel; illegal transitions and an expired wish refused with
 * coded errors; two donors claiming at once cannot both win; personal data sealed and masked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../test-support/fixtures.js';
import { idNumber, startTestService, withWrongCheckDigit, type TestService } from '../test-support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const VILLAGE = '442000001001';

async function create(overrides: Record<string, unknown> = {}, jurisdiction = '442000001') {
  return service.app.inject({
    method: 'POST',
    url: '/micro-wishes',
    headers: await bearer(service, ['caseworker'], jurisdiction),
    payload: { beneficiary: { idNumber: idNumber('2012-03-04', 'F'), name: '陈小雨' }, regionCode: VILLAGE, category: 'STUDY_SUPPLIES', description: '想要一个新书包', estimatedValueFen: 20_000, publisherId: 'VC-001', ...overrides },
  });
}

async function act(id: string, action: 'claim' | 'release' | 'fulfilment' | 'cancellation', payload: Record<string, unknown> = {}) {
  return service.app.inject({ method: 'POST', url: `/micro-wishes/${id}/${action}`, headers: await bearer(service, ['caseworker'], '442000001'), payload });
}

describe('micro-wishes', () => {
  it('goes open → claimed → released → claimed → fulfilled, publishing created and fulfilled events with the beneficiary and the donor', async () => {
    const beneficiary = { idNumber: idNumber('2011-07-07', 'F'), name: '黄小芳' };
    const created = await create({ beneficiary, deadline: '2999-12-31' });
    expect(created.statusCode).toBe(201);
    const wish = created.json<{ id: string; status: string; allowedActions: string[]; beneficiary: { personKey: string } }>();
    expect(wish).toMatchObject({ status: 'OPEN', allowedActions: ['claim', 'cancel'], description: '想要一个新书包', masked: false });
    const stored = await service.connection.collection('micro_wishes').findOne({ _id: wish.id as never });
    for (const secret of [beneficiary.idNumber, beneficiary.name, '想要一个新书包']) expect(JSON.stringify(stored)).not.toContain(secret);

    expect((await act(wish.id, 'claim', { donorKind: 'ENTERPRISE', donorOrganisationName: '某电器公司' })).json()).toMatchObject({ status: 'CLAIMED', claim: { donorKind: 'ENTERPRISE', donorOrganisationName: '某电器公司' } });
    expect((await act(wish.id, 'release')).json()).toMatchObject({ status: 'OPEN', claim: null });
    const donor = { idNumber: idNumber('1985-03-15', 'F'), name: '黄丽娟' };
    expect((await act(wish.id, 'claim', { donorKind: 'INDIVIDUAL', donor })).json()).toMatchObject({ status: 'CLAIMED', claim: { donor: { idNumber: donor.idNumber } } });
    const fulfilled = await act(wish.id, 'fulfilment', { fulfilledValueFen: 19_800, receiptConfirmed: true });
    expect(fulfilled.json()).toMatchObject({ status: 'FULFILLED', fulfilledValueFen: 19_800, receiptConfirmed: true, allowedActions: [] });

    const asAnalyst = await service.app.inject({ url: `/micro-wishes/${wish.id}`, headers: await bearer(service, ['analyst']) });
    expect(asAnalyst.json()).toMatchObject({ masked: true, description: null });
    expect(asAnalyst.body).not.toContain(beneficiary.idNumber);
    expect(asAnalyst.body).not.toContain(donor.idNumber);

    // Every step is published, in order, keyed by the beneficiary.
    const events = await service.events(wish.beneficiary.personKey, 5);
    expect(events.map((event) => event.eventType.replace('charity.', ''))).toEqual(['micro-wish-created', 'micro-wish-claimed', 'micro-wish-released', 'micro-wish-claimed', 'micro-wish-fulfilled']);
    expect(events[0]?.value).toMatchObject({ wishId: wish.id, wishCategory: 'STUDY_SUPPLIES', description: '想要一个新书包', estimatedValueFen: 20_000, publisherId: 'VC-001', deadline: '2999-12-31', envelope: { person: { idNumber: beneficiary.idNumber, name: '黄小芳' } } });
    const firstClaim = events[1]?.value as { claimId: string };
    expect(events[1]?.value).toMatchObject({ wishId: wish.id, claimId: expect.stringMatching(/^WC-/) as string, donorKind: 'ENTERPRISE', donor: null, donorOrganisationName: '某电器公司', recordedById: 'u-1', envelope: { person: { idNumber: beneficiary.idNumber } } });
    expect(events[2]?.value).toMatchObject({ wishId: wish.id, claimId: firstClaim.claimId, recordedById: 'u-1' });
    expect(events[3]?.value).toMatchObject({ wishId: wish.id, donorKind: 'INDIVIDUAL', donor: { idNumber: donor.idNumber, name: '黄丽娟' }, donorOrganisationName: null });
    expect((events[3]?.value as { claimId: string }).claimId).not.toBe(firstClaim.claimId);
    expect(events[4]?.value).toMatchObject({ wishId: wish.id, donor: { idNumber: donor.idNumber, name: '黄丽娟' }, donorOrganisationName: null, fulfilledValueFen: 19_800, receiptConfirmed: true });
  });

  it('refuses illegal transitions with the allowed actions, and lets only one of three simultaneous claims win', async () => {
    const created = (await create({ beneficiary: { idNumber: idNumber('2013-05-05', 'M'), name: '李小军' } })).json<{ id: string; beneficiary: { personKey: string } }>();
    const { id } = created;
    const early = await act(id, 'fulfilment', { fulfilledValueFen: 1, receiptConfirmed: false });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'CHARITY_ILLEGAL_TRANSITION', details: { status: 'OPEN', action: 'fulfil', allowedActions: ['claim', 'cancel'] } });
    const claims = await Promise.all([1, 2, 3].map(() => act(id, 'claim', { donorKind: 'ANONYMOUS' })));
    expect(claims.filter((response) => response.statusCode === 200)).toHaveLength(1);
    expect(claims.filter((response) => response.statusCode === 409).every((response) => response.json<{ code: string }>().code === 'CHARITY_ILLEGAL_TRANSITION')).toBe(true);
    expect((await act(id, 'cancellation', { reason: 'MET_OTHERWISE' })).json()).toMatchObject({ status: 'CANCELLED', cancelReason: 'MET_OTHERWISE' });
    expect((await act(id, 'release')).json()).toMatchObject({ code: 'CHARITY_ILLEGAL_TRANSITION', details: { allowedActions: [] } });
    // One claim won, so one claimed event; the cancellation names the claim it voided.
    const events = await service.events(created.beneficiary.personKey, 3);
    expect(events.map((event) => event.eventType)).toEqual(['charity.micro-wish-created', 'charity.micro-wish-claimed', 'charity.micro-wish-cancelled']);
    expect(events[2]?.value).toMatchObject({ wishId: id, cancelReason: 'MET_OTHERWISE', voidedClaimId: (events[1]?.value as { claimId: string }).claimId });
  });

  it('refuses a claim after the deadline, bad input, and wishes outside the jurisdiction', async () => {
    service.setNow('2026-11-01T02:00:00.000Z');
    const { id } = (await create({ deadline: '2026-11-10' })).json<{ id: string }>();
    service.setNow('2026-11-11T02:00:00.000Z');
    expect((await act(id, 'claim', { donorKind: 'ANONYMOUS' })).json()).toMatchObject({ code: 'CHARITY_WISH_EXPIRED' });
    service.setNow(undefined);
    expect((await create({ deadline: '2020-01-01' })).json()).toMatchObject({ code: 'CHARITY_DATE_ORDER', details: { field: 'deadline' } });
    expect((await create({ beneficiary: { idNumber: withWrongCheckDigit(idNumber('2010-01-01')), name: '某' } })).json()).toMatchObject({ code: 'ID_CHECK_DIGIT', details: { field: 'beneficiary.idNumber' } });
    expect((await create({}, '442000002')).json()).toMatchObject({ code: 'AUTH_OUT_OF_JURISDICTION' });
    expect((await act(id, 'claim', { donorKind: 'INDIVIDUAL' })).json()).toMatchObject({ code: 'CHARITY_DONOR_MISMATCH' });
    const elsewhere = await service.app.inject({ url: `/micro-wishes/${id}`, headers: await bearer(service, ['caseworker'], '442000002') });
    expect(elsewhere.json()).toMatchObject({ code: 'CHARITY_NOT_FOUND' });
    const list = await service.app.inject({ url: '/micro-wishes?category=STUDY_SUPPLIES&regionCode=442000001', headers: await bearer(service, ['supervisor']) });
    const page = list.json<{ total: number; items: { masked: boolean; description: string | null }[] }>();
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items.every((item) => item.masked && item.description === null)).toBe(true);
  });
});
