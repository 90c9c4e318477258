import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import { assessExpenditureHardship, assessHouseholdIncome, classifyIncome, perCapitaIncome } from './eligibility.js';
import { recordComposition, type HouseholdMember, type RelationToHead } from './household.js';
import { zhongshanStandards, type ExpenditureHardshipStandardVersion, type StandardVersion } from './standards.js';

const VILLAGE = '442000100001';

function member(personKey: string, relationToHead: RelationToHead, overrides: Partial<HouseholdMember> = {}): HouseholdMember {
  return { personKey, relationToHead, livingTogether: true, labourCapacity: 'FULL', monthlyIncomeFen: 0, fromDate: '2019-01-01', toDate: null, ...overrides };
}

function household(...incomes: number[]): ReturnType<typeof recordComposition> {
  return recordComposition(
    'H-1',
    '2019-01-01',
    incomes.map((monthlyIncomeFen, index) => member(`p-${index}`, index === 0 ? 'HEAD' : 'CHILD', { monthlyIncomeFen })),
  );
}

describe('perCapitaIncome', () => {
  it('divides the counted members’ total by their number', () => {
    expect(perCapitaIncome(household(150_000, 30_000, 0), '2021-06-01')).toEqual({
      date: '2021-06-01',
      countedPersonKeys: ['p-0', 'p-1', 'p-2'],
      totalMonthlyIncomeFen: 180_000,
      perCapitaIncomeFen: 60_000,
      rounding: 'HALF_UP_TO_FEN',
    });
  });

  it('rounds half up to the fen (not integer division rounding down)', () => {
    expect(perCapitaIncome(household(100_001, 0), '2021-06-01').perCapitaIncomeFen).toBe(50_001); // 50,000.5
    expect(perCapitaIncome(household(100_000, 0, 0), '2021-06-01').perCapitaIncomeFen).toBe(33_333); // 33,333.33
    expect(perCapitaIncome(household(200_000, 0, 0), '2021-06-01').perCapitaIncomeFen).toBe(66_667); // 66,666.67
  });

  it('leaves out members not living together and members not in the household on the date', () => {
    const composition = recordComposition('H-1', '2019-01-01', [
      member('head', 'HEAD', { monthlyIncomeFen: 60_000 }),
      member('away', 'CHILD', { monthlyIncomeFen: 900_000, livingTogether: false }),
      member('left', 'SPOUSE', { monthlyIncomeFen: 500_000, toDate: '2020-12-31' }),
      member('born', 'CHILD', { fromDate: '2021-03-01' }),
    ]);
    expect(perCapitaIncome(composition, '2020-12-31')).toMatchObject({ countedPersonKeys: ['head', 'left'], perCapitaIncomeFen: 280_000 });
    expect(perCapitaIncome(composition, '2021-02-28')).toMatchObject({ countedPersonKeys: ['head'], perCapitaIncomeFen: 60_000 });
    expect(perCapitaIncome(composition, '2021-03-01')).toMatchObject({ countedPersonKeys: ['head', 'born'], perCapitaIncomeFen: 30_000 });
  });

  it('throws ASSIST_HOUSEHOLD_EMPTY when nobody is counted on the date', () => {
    const composition = recordComposition('H-1', '2019-01-01', [member('head', 'HEAD', { livingTogether: false })]);
    expect(thrownBy(AssistanceError, () => perCapitaIncome(composition, '2021-06-01'))).toMatchObject({ code: 'ASSIST_HOUSEHOLD_EMPTY', details: { date: '2021-06-01' } });
    expect(thrownBy(AssistanceError, () => perCapitaIncome(household(0), '2018-12-31'))).toMatchObject({ code: 'ASSIST_HOUSEHOLD_EMPTY' });
  });

  it('refuses a negative income naming the member, even in an unvalidated composition', () => {
    const composition = { householdId: 'H-1', revision: 0, recordedFrom: '2019-01-01', members: [member('a', 'HEAD'), member('b', 'SPOUSE'), member('c', 'CHILD', { monthlyIncomeFen: -1 })] };
    expect(thrownBy(AssistanceError, () => perCapitaIncome(composition, '2021-06-01'))).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'members.2.monthlyIncomeFen' } },
    );
  });
});

describe('classifyIncome (Zhongshan seeds)', () => {
  const classify = (perCapitaIncomeFen: number, date: string): ReturnType<typeof classifyIncome> =>
    classifyIncome(zhongshanStandards, { regionCode: VILLAGE, date, perCapitaIncomeFen });

  it('2020: below 1,100 is DIBAO; exactly 1,100 is LOW_INCOME; 1,650 is LOW_INCOME; 1,650.01 is NONE', () => {
    expect(classify(109_999, '2020-06-01').band).toBe('DIBAO');
    expect(classify(110_000, '2020-06-01').band).toBe('LOW_INCOME');
    expect(classify(110_050, '2020-06-01').band).toBe('LOW_INCOME'); // 1,100.50: between the seed's whole-yuan band edges
    expect(classify(165_000, '2020-06-01').band).toBe('LOW_INCOME');
    expect(classify(165_001, '2020-06-01').band).toBe('NONE');
    expect(classify(0, '2020-06-01').band).toBe('DIBAO');
  });

  it('2021: the edges move with the 1,120 standard (upper limit 1,680)', () => {
    expect(classify(111_999, '2021-01-01').band).toBe('DIBAO');
    expect(classify(112_000, '2021-01-01')).toEqual({
      band: 'LOW_INCOME',
      perCapitaIncomeFen: 112_000,
      dibaoStandardFen: 112_000,
      dibaoStandardVersionId: 'DIBAO-442000-2021-01-01',
      lowIncomeUpperLimitFen: 168_000,
      lowIncomeStandardVersionId: 'LOW_INCOME-442000-2020-01-01',
    });
    expect(classify(168_000, '2021-01-01').band).toBe('LOW_INCOME');
    expect(classify(168_001, '2021-01-01').band).toBe('NONE');
    // 1,110 yuan: 低保 on 2021-01-01, low-income the day before (standard 1,100).
    expect(classify(111_000, '2020-12-31').band).toBe('LOW_INCOME');
    expect(classify(111_000, '2021-01-01').band).toBe('DIBAO');
  });

  it('decides DIBAO without a low-income multiplier (2016), but needs one above the standard', () => {
    expect(classify(60_000, '2016-06-01')).toMatchObject({ band: 'DIBAO', dibaoStandardFen: 62_900, lowIncomeUpperLimitFen: null, lowIncomeStandardVersionId: null });
    expect(thrownBy(AssistanceError, () => classify(62_900, '2016-06-01'))).toMatchObject({ code: 'ASSIST_NO_STANDARD', details: { program: 'LOW_INCOME' } });
  });

  it('refuses a negative income', () => {
    expect(thrownBy(AssistanceError, () => classify(-1, '2021-01-01'))).toMatchObject({ code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'perCapitaIncomeFen' } });
  });
});

describe('assessHouseholdIncome', () => {
  it('classifies on the rounded per-capita income', () => {
    // 3,299.99 yuan over 3 = 1,099.996… → 1,100.00 after rounding: at the standard, so LOW_INCOME.
    const atStandard = assessHouseholdIncome(zhongshanStandards, { household: household(329_999, 0, 0), regionCode: VILLAGE, date: '2020-06-01' });
    expect(atStandard).toMatchObject({ perCapitaIncomeFen: 110_000, band: 'LOW_INCOME', totalMonthlyIncomeFen: 329_999 });
    // 3,299.98 yuan over 3 = 1,099.993… → 1,099.99: DIBAO.
    const below = assessHouseholdIncome(zhongshanStandards, { household: household(329_998, 0, 0), regionCode: VILLAGE, date: '2020-06-01' });
    expect(below).toMatchObject({ perCapitaIncomeFen: 109_999, band: 'DIBAO', dibaoStandardVersionId: 'DIBAO-442000-2020-01-01' });
  });
});

describe('assessExpenditureHardship (R-E5)', () => {
  // TEST VALUE ONLY: k is a PARAMETER the seeds do not give; 500‰ here just exercises the rule.
  const kVersion: ExpenditureHardshipStandardVersion = {
    id: 'EXPENDITURE_HARDSHIP-442000-2022-01-01',
    program: 'EXPENDITURE_HARDSHIP',
    regionCode: '442000',
    effectiveFrom: '2022-01-01',
    rigidExpenditureRatioPermille: 500,
  };
  const versions: StandardVersion[] = [...zhongshanStandards, kVersion];
  const assess = (annualDisposableIncomeFen: number, rigidExpenditures: { kind: 'MEDICAL' | 'EDUCATION' | 'DISABILITY_REHABILITATION' | 'DISASTER' | 'ACCIDENT' | 'OTHER'; amountFen: number }[]): ReturnType<typeof assessExpenditureHardship> =>
    assessExpenditureHardship(versions, { regionCode: VILLAGE, date: '2022-06-01', annualDisposableIncomeFen, rigidExpenditures });

  it('qualifies when rigid expenditure equals k × annual income exactly, not one fen less', () => {
    expect(assess(4_000_000, [{ kind: 'MEDICAL', amountFen: 1_500_000 }, { kind: 'EDUCATION', amountFen: 500_000 }])).toEqual({
      qualifies: true,
      rigidExpenditureFen: 2_000_000,
      excludedExpenditureFen: 0,
      annualDisposableIncomeFen: 4_000_000,
      rigidExpenditureRatioPermille: 500,
      thresholdFen: 2_000_000,
      standardVersionId: 'EXPENDITURE_HARDSHIP-442000-2022-01-01',
    });
    expect(assess(4_000_000, [{ kind: 'MEDICAL', amountFen: 1_999_999 }]).qualifies).toBe(false);
  });

  it('compares exactly even when k × income is not a whole fen', () => {
    // 0.5 × 3 fen = 1.5 fen: 1 fen does not reach it, 2 fen does.
    expect(assess(3, [{ kind: 'ACCIDENT', amountFen: 1 }]).qualifies).toBe(false);
    expect(assess(3, [{ kind: 'ACCIDENT', amountFen: 2 }])).toMatchObject({ qualifies: true, thresholdFen: 2 });
  });

  it('counts medical, education, disability rehabilitation, disaster and accident, not OTHER', () => {
    const result = assess(1_000_000, [
      { kind: 'DISABILITY_REHABILITATION', amountFen: 200_000 },
      { kind: 'DISASTER', amountFen: 100_000 },
      { kind: 'OTHER', amountFen: 900_000 },
    ]);
    expect(result).toMatchObject({ qualifies: false, rigidExpenditureFen: 300_000, excludedExpenditureFen: 900_000 });
  });

  it('never qualifies without rigid expenditure, even with no income', () => {
    expect(assess(0, []).qualifies).toBe(false);
    expect(assess(0, [{ kind: 'MEDICAL', amountFen: 1 }]).qualifies).toBe(true);
  });

  it('needs k to be configured: ASSIST_NO_STANDARD with the seeds alone or before its effective date', () => {
    expect(thrownBy(AssistanceError, () => assessExpenditureHardship(zhongshanStandards, { regionCode: VILLAGE, date: '2022-06-01', annualDisposableIncomeFen: 1, rigidExpenditures: [] }))).toMatchObject(
      { code: 'ASSIST_NO_STANDARD', details: { program: 'EXPENDITURE_HARDSHIP' } },
    );
    expect(thrownBy(AssistanceError, () => assessExpenditureHardship(versions, { regionCode: VILLAGE, date: '2021-12-31', annualDisposableIncomeFen: 1, rigidExpenditures: [] }))).toMatchObject(
      { code: 'ASSIST_NO_STANDARD' },
    );
  });

  it('refuses negative amounts and unknown kinds', () => {
    expect(thrownBy(AssistanceError, () => assess(-1, []))).toMatchObject({ code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'annualDisposableIncomeFen' } });
    expect(thrownBy(AssistanceError, () => assess(1, [{ kind: 'MEDICAL', amountFen: 1 }, { kind: 'MEDICAL', amountFen: -5 }]))).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'rigidExpenditures.1.amountFen' } },
    );
    expect(thrownBy(AssistanceError, () => assess(1, [{ kind: 'RENT' as 'OTHER', amountFen: 1 }]))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'rigidExpenditures.0.kind' } },
    );
  });
});
