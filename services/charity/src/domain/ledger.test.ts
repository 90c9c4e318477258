import { describe, expect, it } from 'vitest';
import { thrown } from '../test-support/thrown.js';
import { closeCampaign, disburseAid, ledgerBalances, OPENED_LEDGER, receiveDonation, type LedgerState } from './ledger.js';

const ID = 'CP-1';

describe('campaign ledger', () => {
  it('keeps received = disbursed + balance through donations and disbursements, month by month', () => {
    let state: LedgerState = OPENED_LEDGER;
    state = receiveDonation(state, ID, { form: 'CASH', amountFen: 100_000, month: '2026-10' });
    state = receiveDonation(state, ID, { form: 'IN_KIND', amountFen: 30_000, month: '2026-11' });
    state = disburseAid(state, ID, { amountFen: 40_000, month: '2026-11' });
    expect(state).toMatchObject({ receivedFen: 100_000, disbursedFen: 40_000, balanceFen: 60_000, inKindValueFen: 30_000, donationCount: 2, disbursementCount: 1 });
    expect(state.months).toEqual([
      { month: '2026-10', receivedFen: 100_000, inKindValueFen: 0, disbursedFen: 0, donations: 1, disbursements: 0 },
      { month: '2026-11', receivedFen: 0, inKindValueFen: 30_000, disbursedFen: 40_000, donations: 1, disbursements: 1 },
    ]);
    expect(ledgerBalances(state)).toBe(true);
  });

  it('refuses a disbursement above the balance, naming both amounts', () => {
    const state = receiveDonation(OPENED_LEDGER, ID, { form: 'CASH', amountFen: 10_000, month: '2026-11' });
    expect(thrown(() => disburseAid(state, ID, { amountFen: 10_001, month: '2026-11' }))).toMatchObject({ code: 'CHARITY_INSUFFICIENT_BALANCE', statusCode: 409, details: { amountFen: 10_001, balanceFen: 10_000 } });
    expect(disburseAid(state, ID, { amountFen: 10_000, month: '2026-11' }).balanceFen).toBe(0);
  });

  it('goods and services do not fund cash aid', () => {
    const state = receiveDonation(OPENED_LEDGER, ID, { form: 'SERVICE', amountFen: 50_000, month: '2026-11' });
    expect(() => disburseAid(state, ID, { amountFen: 1, month: '2026-11' })).toThrow(expect.objectContaining({ code: 'CHARITY_INSUFFICIENT_BALANCE' }));
  });

  it('a closed campaign takes no donation, no disbursement and no second close', () => {
    const open = receiveDonation(OPENED_LEDGER, ID, { form: 'CASH', amountFen: 10_000, month: '2026-11' });
    const closed = closeCampaign(open, ID, '2026-11-30', 'PERIOD_ENDED');
    expect(closed).toMatchObject({ status: 'CLOSED', closedDate: '2026-11-30', closeReason: 'PERIOD_ENDED', balanceFen: 10_000 });
    for (const attempt of [
      () => receiveDonation(closed, ID, { form: 'CASH', amountFen: 1, month: '2026-12' }),
      () => disburseAid(closed, ID, { amountFen: 1, month: '2026-12' }),
      () => closeCampaign(closed, ID, '2026-12-01', 'OTHER'),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'CHARITY_CAMPAIGN_CLOSED', statusCode: 409 }));
    }
  });

  it.each([0, -5, 1.5])('refuses an amount of %s fen', (amountFen) => {
    expect(() => receiveDonation(OPENED_LEDGER, ID, { form: 'CASH', amountFen, month: '2026-11' })).toThrow(expect.objectContaining({ code: 'CHARITY_INVALID_INPUT' }));
  });

  it('recognises a state that does not balance', () => {
    expect(ledgerBalances({ ...OPENED_LEDGER, receivedFen: 10, balanceFen: 9 })).toBe(false);
  });
});
