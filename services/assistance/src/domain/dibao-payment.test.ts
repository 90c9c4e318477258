import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import { checkTemporaryAidAmount, dibaoGapPayment, tekunMonthlyAmount, type TemporaryAidAmountInput } from './dibao-payment.js';
import { recordComposition, type HouseholdComposition, type HouseholdMember, type RelationToHead } from './household.js';
import { standardVersionId, zhongshanStandards, type DibaoStandardVersion, type StandardVersion } from './standards.js';

const VILLAGE = '442000100001';
const TOWN = '442000100';

function member(personKey: string, relationToHead: RelationToHead, overrides: Partial<HouseholdMember> = {}): HouseholdMember {
  return { personKey, relationToHead, livingTogether: true, labourCapacity: 'FULL', monthlyIncomeFen: 0, fromDate: '2019-01-01', toDate: null, ...overrides };
}

/** Head earns 1,500 yuan, spouse 300, child nothing: 1,800 / 3 = 600 yuan per capita. */
function threePersons(childCategories: readonly string[] = [], spouseCategories: readonly string[] = []): HouseholdComposition {
  return recordComposition('H-1', '2019-01-01', [
    member('p-head', 'HEAD', { monthlyIncomeFen: 150_000 }),
    member('p-spouse', 'SPOUSE', { monthlyIncomeFen: 30_000, supplementCategories: spouseCategories }),
    member('p-child', 'CHILD', { supplementCategories: childCategories }),
  ]);
}

/** TEST VALUES ONLY: categorical supplements are a PARAMETER the seeds do not give. */
function withSupplements(stacking: 'HIGHEST' | 'SUM'): StandardVersion[] {
  const version: DibaoStandardVersion = {
    id: standardVersionId('DIBAO', TOWN, '2021-07-01'),
    program: 'DIBAO',
    regionCode: TOWN,
    effectiveFrom: '2021-07-01',
    monthlyStandardFen: 112_000,
    categoricalSupplements: { amountsFen: { SEVERE_DISABILITY: 20_000, MINOR: 10_000 }, stacking },
  };
  return [...zhongshanStandards, version];
}

describe('dibaoGapPayment', () => {
  it('pays (standard − per-capita income) × members with the 2021 standard of 1,120 yuan, citing the version', () => {
    expect(dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2021-06-01' })).toEqual({
      standardVersionId: 'DIBAO-442000-2021-01-01',
      regionCode: VILLAGE,
      date: '2021-06-01',
      monthlyStandardFen: 112_000,
      totalMonthlyIncomeFen: 180_000,
      countedPersonKeys: ['p-head', 'p-spouse', 'p-child'],
      perCapitaIncomeFen: 60_000,
      coveredPersonKeys: ['p-head', 'p-spouse', 'p-child'],
      belowStandard: true,
      gapPerPersonFen: 52_000,
      gapPaymentFen: 156_000,
      categoricalSupplements: [],
      categoricalSupplementFen: 0,
      monthlyAmountFen: 156_000,
      rounding: 'HALF_UP_TO_FEN',
    });
  });

  it('uses the standard of the date: 1,100 yuan in 2020', () => {
    const result = dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2020-12-31' });
    expect(result).toMatchObject({ standardVersionId: 'DIBAO-442000-2020-01-01', gapPerPersonFen: 50_000, monthlyAmountFen: 150_000 });
  });

  it('subtracts the per-capita income rounded half up to the fen', () => {
    // 1,000.01 yuan over 2 = 500.005 → 500.01; gap (1,120 − 500.01) × 2 = 1,239.98 yuan.
    const household = recordComposition('H-2', '2019-01-01', [member('a', 'HEAD', { monthlyIncomeFen: 100_001 }), member('b', 'CHILD')]);
    expect(dibaoGapPayment(zhongshanStandards, { household, regionCode: VILLAGE, date: '2021-06-01' })).toMatchObject({
      perCapitaIncomeFen: 50_001,
      gapPerPersonFen: 61_999,
      gapPaymentFen: 123_998,
    });
  });

  it('pays nothing, never a negative amount, at or above the standard', () => {
    const atStandard = recordComposition('H-3', '2019-01-01', [member('a', 'HEAD', { monthlyIncomeFen: 224_000 }), member('b', 'CHILD')]);
    expect(dibaoGapPayment(zhongshanStandards, { household: atStandard, regionCode: VILLAGE, date: '2021-06-01' })).toMatchObject({
      perCapitaIncomeFen: 112_000,
      belowStandard: false,
      gapPerPersonFen: 0,
      gapPaymentFen: 0,
      monthlyAmountFen: 0,
    });
    const above = recordComposition('H-4', '2019-01-01', [member('a', 'HEAD', { monthlyIncomeFen: 500_000 })]);
    expect(dibaoGapPayment(withSupplements('SUM'), { household: above, regionCode: VILLAGE, date: '2021-08-01' })).toMatchObject({
      gapPaymentFen: 0,
      categoricalSupplements: [],
      monthlyAmountFen: 0,
    });
  });

  it('covers only the members given, who must be counted members', () => {
    const result = dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2021-06-01', coveredPersonKeys: ['p-child'] });
    expect(result).toMatchObject({ coveredPersonKeys: ['p-child'], gapPaymentFen: 52_000 });
    expect(thrownBy(AssistanceError, () => dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2021-06-01', coveredPersonKeys: ['p-other'] }))).toMatchObject(
      { code: 'ASSIST_UNKNOWN_MEMBER', details: { field: 'coveredPersonKeys.0' } },
    );
    expect(thrownBy(AssistanceError, () =>
      dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2021-06-01', coveredPersonKeys: ['p-child', 'p-child'] }),
    )).toMatchObject({ code: 'ASSIST_MEMBER_DUPLICATE', details: { field: 'coveredPersonKeys.1' } });
    expect(thrownBy(AssistanceError, () => dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2021-06-01', coveredPersonKeys: [] }))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT' },
    );
  });

  it('pays no categorical supplement when none is configured (the seeds give none)', () => {
    const result = dibaoGapPayment(zhongshanStandards, { household: threePersons(['SEVERE_DISABILITY']), regionCode: VILLAGE, date: '2021-06-01' });
    expect(result).toMatchObject({ categoricalSupplements: [], categoricalSupplementFen: 0, monthlyAmountFen: 156_000 });
  });

  it('adds configured supplements per covered member: the highest category, or the sum', () => {
    const highest = dibaoGapPayment(withSupplements('HIGHEST'), {
      household: threePersons(['MINOR', 'SEVERE_DISABILITY', 'UNCONFIGURED']),
      regionCode: VILLAGE,
      date: '2021-07-01',
    });
    expect(highest).toMatchObject({
      standardVersionId: 'DIBAO-442000100-2021-07-01',
      categoricalSupplements: [{ personKey: 'p-child', category: 'SEVERE_DISABILITY', amountFen: 20_000 }],
      categoricalSupplementFen: 20_000,
      monthlyAmountFen: 176_000,
    });
    const sum = dibaoGapPayment(withSupplements('SUM'), { household: threePersons(['MINOR', 'SEVERE_DISABILITY', 'MINOR'], ['MINOR']), regionCode: VILLAGE, date: '2021-07-01' });
    expect(sum.categoricalSupplementFen).toBe(40_000);
    expect(sum.monthlyAmountFen).toBe(196_000);
    // A member not covered gets no supplement.
    const childOnly = dibaoGapPayment(withSupplements('SUM'), {
      household: threePersons([], ['MINOR']),
      regionCode: VILLAGE,
      date: '2021-07-01',
      coveredPersonKeys: ['p-child'],
    });
    expect(childOnly.categoricalSupplementFen).toBe(0);
  });

  it('throws ASSIST_NO_STANDARD before any 低保 version', () => {
    expect(() => dibaoGapPayment(zhongshanStandards, { household: threePersons(), regionCode: VILLAGE, date: '2019-01-01' })).not.toThrow();
    const early = recordComposition('H-5', '2010-01-01', [member('a', 'HEAD', { fromDate: '2010-01-01' })]);
    expect(thrownBy(AssistanceError, () => dibaoGapPayment(zhongshanStandards, { household: early, regionCode: VILLAGE, date: '2013-06-01' }))).toMatchObject({ code: 'ASSIST_NO_STANDARD' });
  });
});

describe('checkTemporaryAidAmount (R-E6)', () => {
  const ordinaryAtTown = (date: string, amountFen: number): TemporaryAidAmountInput => ({
    regionCode: VILLAGE,
    date,
    type: 'EXPENDITURE',
    grade: 'ORDINARY',
    grantingLevel: 'TOWN',
    amountFen,
  });

  it('accepts exactly 2 months of the 低保 standard: 2,240 yuan in 2021, 2,200 in 2020', () => {
    expect(checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2021-06-01', 224_000))).toEqual({
      amountFen: 224_000,
      floorApplies: true,
      floorFen: 224_000,
      temporaryAidStandardVersionId: 'TEMPORARY_AID-442000-2018-01-01',
      dibaoStandardVersionId: 'DIBAO-442000-2021-01-01',
    });
    expect(checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2020-06-01', 220_000)).floorFen).toBe(220_000);
  });

  it('refuses one fen below the floor with ASSIST_TEMPORARY_AID_BELOW_FLOOR', () => {
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2021-06-01', 223_999)))).toMatchObject(
      {
        code: 'ASSIST_TEMPORARY_AID_BELOW_FLOOR',
        statusCode: 422,
        details: { field: 'amountFen', floorFen: 224_000, amountFen: 223_999, dibaoStandardVersionId: 'DIBAO-442000-2021-01-01' },
      },
    );
    // EMERGENCY type has the same floor.
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, { ...ordinaryAtTown('2021-06-01', 100_000), type: 'EMERGENCY' }))).toMatchObject(
      { code: 'ASSIST_TEMPORARY_AID_BELOW_FLOOR' },
    );
  });

  it('applies no floor to small-amount or special grades, nor to city-level grants', () => {
    for (const input of [
      { ...ordinaryAtTown('2021-06-01', 50_000), grade: 'SMALL_AMOUNT' as const },
      { ...ordinaryAtTown('2021-06-01', 50_000), grade: 'SPECIAL' as const },
      { ...ordinaryAtTown('2021-06-01', 50_000), grantingLevel: 'CITY' as const },
    ]) {
      expect(checkTemporaryAidAmount(zhongshanStandards, input)).toEqual({
        amountFen: 50_000,
        floorApplies: false,
        floorFen: null,
        temporaryAidStandardVersionId: null,
        dibaoStandardVersionId: null,
      });
    }
  });

  it('needs the temporary-aid parameters in force: none before 2018', () => {
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2017-12-31', 500_000)))).toMatchObject(
      { code: 'ASSIST_NO_STANDARD', details: { program: 'TEMPORARY_AID' } },
    );
  });

  it('applies no floor where the region configured none', () => {
    const versions: StandardVersion[] = [
      ...zhongshanStandards,
      { id: 'TEMPORARY_AID-442000100-2022-01-01', program: 'TEMPORARY_AID', regionCode: TOWN, effectiveFrom: '2022-01-01', temporaryAidFloorPermille: null },
    ];
    expect(checkTemporaryAidAmount(versions, ordinaryAtTown('2022-06-01', 1_000))).toMatchObject({
      floorApplies: false,
      temporaryAidStandardVersionId: 'TEMPORARY_AID-442000100-2022-01-01',
    });
  });

  it('refuses zero, negative and unknown values', () => {
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2021-06-01', 0)))).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, ordinaryAtTown('2021-06-01', -1)))).toMatchObject({ code: 'ASSIST_NEGATIVE_AMOUNT' });
    expect(thrownBy(AssistanceError, () => checkTemporaryAidAmount(zhongshanStandards, { ...ordinaryAtTown('2021-06-01', 1), grade: 'HUGE' as 'OTHER' }))).toMatchObject(
      { details: { field: 'grade' } },
    );
  });
});

describe('tekunMonthlyAmount (R-E4)', () => {
  it('equals the 特困 standard in force: 1,220 yuan in 2016-2019, 1,760 from 2020', () => {
    expect(tekunMonthlyAmount(zhongshanStandards, VILLAGE, '2019-12-31')).toEqual({ monthlyAmountFen: 122_000, standardVersionId: 'TEKUN-442000-2016-01-01' });
    expect(tekunMonthlyAmount(zhongshanStandards, VILLAGE, '2020-01-01')).toEqual({ monthlyAmountFen: 176_000, standardVersionId: 'TEKUN-442000-2020-01-01' });
    expect(thrownBy(AssistanceError, () => tekunMonthlyAmount(zhongshanStandards, VILLAGE, '2015-12-31'))).toMatchObject({ code: 'ASSIST_NO_STANDARD' });
  });
});
