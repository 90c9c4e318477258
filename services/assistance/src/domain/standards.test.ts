import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import {
  ZHONGSHAN_REGION_CODE,
  lowIncomeUpperLimit,
  standardOn,
  standardVersionId,
  validateStandardSet,
  validateStandardVersion,
  zhongshanStandards,
  type DibaoStandardVersion,
  type StandardVersion,
} from './standards.js';

const TOWN = '442000100';
const VILLAGE = '442000100001';

/** A town-level 低保 version for tests only (not a seed value). */
function townDibao(effectiveFrom: string, monthlyStandardFen: number): DibaoStandardVersion {
  return {
    id: standardVersionId('DIBAO', TOWN, effectiveFrom),
    program: 'DIBAO',
    regionCode: TOWN,
    effectiveFrom,
    monthlyStandardFen,
    categoricalSupplements: null,
  };
}

describe('zhongshanStandards (seed values)', () => {
  it('holds the 低保 standards of 2014, 2016, 2020 and 2021 in fen, from 1 January', () => {
    const dibao = zhongshanStandards.filter((version) => version.program === 'DIBAO');
    expect(dibao.map((version) => [version.id, version.monthlyStandardFen])).toEqual([
      ['DIBAO-442000-2014-01-01', 53_300],
      ['DIBAO-442000-2016-01-01', 62_900],
      ['DIBAO-442000-2020-01-01', 110_000],
      ['DIBAO-442000-2021-01-01', 112_000],
    ]);
  });

  it('holds 特困 1,220 (2016) and 1,760 (2020), the 1.5× multiplier (2020) and the 2-month floor (2018)', () => {
    expect(standardOn(zhongshanStandards, 'TEKUN', ZHONGSHAN_REGION_CODE, '2016-06-01').monthlyStandardFen).toBe(122_000);
    expect(standardOn(zhongshanStandards, 'TEKUN', ZHONGSHAN_REGION_CODE, '2020-06-01').monthlyStandardFen).toBe(176_000);
    expect(standardOn(zhongshanStandards, 'LOW_INCOME', ZHONGSHAN_REGION_CODE, '2020-06-01').lowIncomeMultiplierPermille).toBe(1_500);
    expect(standardOn(zhongshanStandards, 'TEMPORARY_AID', ZHONGSHAN_REGION_CODE, '2018-01-01').temporaryAidFloorPermille).toBe(2_000);
  });

  it('configures no categorical supplement and no expenditure-hardship ratio (PARAMETERS not in the seeds)', () => {
    for (const version of zhongshanStandards) {
      if (version.program === 'DIBAO') expect(version.categoricalSupplements).toBeNull();
    }
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'EXPENDITURE_HARDSHIP', ZHONGSHAN_REGION_CODE, '2022-01-01'))).toMatchObject(
      { code: 'ASSIST_NO_STANDARD', statusCode: 422 },
    );
  });

  it('is a valid set (no overlap, no negative amount)', () => {
    expect(validateStandardSet(zhongshanStandards)).toBe(zhongshanStandards);
  });
});

describe('standardOn', () => {
  it('switches version on the effective date, not the day before', () => {
    expect(standardOn(zhongshanStandards, 'DIBAO', VILLAGE, '2019-12-31').id).toBe('DIBAO-442000-2016-01-01');
    expect(standardOn(zhongshanStandards, 'DIBAO', VILLAGE, '2020-01-01').id).toBe('DIBAO-442000-2020-01-01');
    expect(standardOn(zhongshanStandards, 'DIBAO', VILLAGE, '2020-12-31').monthlyStandardFen).toBe(110_000);
    expect(standardOn(zhongshanStandards, 'DIBAO', VILLAGE, '2021-01-01').monthlyStandardFen).toBe(112_000);
  });

  it('keeps the latest version in force after its year (2025 still uses 2021)', () => {
    expect(standardOn(zhongshanStandards, 'DIBAO', ZHONGSHAN_REGION_CODE, '2025-06-30').id).toBe('DIBAO-442000-2021-01-01');
  });

  it('throws ASSIST_NO_STANDARD before the first version, for another region, and for an unconfigured program', () => {
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'DIBAO', ZHONGSHAN_REGION_CODE, '2013-12-31'))).toMatchObject(
      {
        code: 'ASSIST_NO_STANDARD',
        details: { program: 'DIBAO', regionCode: '442000', date: '2013-12-31' },
      },
    );
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'DIBAO', '370100', '2021-01-01'))).toMatchObject({ code: 'ASSIST_NO_STANDARD' });
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'TEMPORARY_AID', ZHONGSHAN_REGION_CODE, '2017-12-31'))).toMatchObject({ code: 'ASSIST_NO_STANDARD' });
  });

  it('prefers the most specific region prefix over a newer city version', () => {
    const versions: StandardVersion[] = [...zhongshanStandards, townDibao('2020-07-01', 115_000)];
    expect(standardOn(versions, 'DIBAO', VILLAGE, '2020-06-30').id).toBe('DIBAO-442000-2020-01-01');
    expect(standardOn(versions, 'DIBAO', VILLAGE, '2020-07-01').id).toBe('DIBAO-442000100-2020-07-01');
    expect(standardOn(versions, 'DIBAO', TOWN, '2021-06-01').id).toBe('DIBAO-442000100-2020-07-01');
    // Another town of the city keeps the city version.
    expect(standardOn(versions, 'DIBAO', '442000101', '2021-06-01').id).toBe('DIBAO-442000-2021-01-01');
  });

  it('falls back to the city when the town version is not yet in force', () => {
    const versions = [...zhongshanStandards, townDibao('2023-01-01', 130_000)];
    expect(standardOn(versions, 'DIBAO', VILLAGE, '2022-12-31').id).toBe('DIBAO-442000-2021-01-01');
    expect(standardOn(versions, 'DIBAO', VILLAGE, '2023-01-01').id).toBe('DIBAO-442000100-2023-01-01');
  });

  it('refuses a malformed region code or date', () => {
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'DIBAO', '44200', '2021-01-01'))).toMatchObject(
      { code: 'ASSIST_INVALID_REGION_CODE', details: { field: 'regionCode' } },
    );
    expect(thrownBy(AssistanceError, () => standardOn(zhongshanStandards, 'DIBAO', '442000', '2021-02-29'))).toMatchObject({ code: 'ASSIST_INVALID_DATE' });
  });
});

describe('validateStandardVersion', () => {
  it('accepts a new version and returns it', () => {
    const version = townDibao('2022-01-01', 115_000);
    expect(validateStandardVersion(version, zhongshanStandards)).toBe(version);
  });

  it('refuses a second version for the same program, region and effectiveFrom', () => {
    const duplicate: DibaoStandardVersion = { ...townDibao('2021-01-01', 120_000), id: 'other-id', regionCode: '442000' };
    expect(thrownBy(AssistanceError, () => validateStandardVersion(duplicate, zhongshanStandards))).toMatchObject(
      {
        code: 'ASSIST_STANDARD_OVERLAP',
        statusCode: 409,
        details: { field: 'effectiveFrom', existingId: 'DIBAO-442000-2021-01-01' },
      },
    );
  });

  it('refuses a reused id', () => {
    const reused: DibaoStandardVersion = { ...townDibao('2022-01-01', 120_000), id: 'DIBAO-442000-2021-01-01' };
    expect(thrownBy(AssistanceError, () => validateStandardVersion(reused, zhongshanStandards))).toMatchObject({ code: 'ASSIST_STANDARD_OVERLAP', details: { field: 'id' } });
  });

  it('allows the same date for a different program or region', () => {
    expect(() => validateStandardVersion(townDibao('2021-01-01', 120_000), zhongshanStandards)).not.toThrow();
    expect(() =>
      validateStandardVersion({ id: 'TEKUN-442000-2021-01-01', program: 'TEKUN', regionCode: '442000', effectiveFrom: '2021-01-01', monthlyStandardFen: 180_000 }, zhongshanStandards),
    ).not.toThrow();
  });

  it('refuses negative and fractional amounts', () => {
    expect(thrownBy(AssistanceError, () => validateStandardVersion(townDibao('2022-01-01', -1), []))).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'monthlyStandardFen' } },
    );
    expect(thrownBy(AssistanceError, () => validateStandardVersion(townDibao('2022-01-01', 1_150.5), []))).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(thrownBy(AssistanceError, () =>
      validateStandardVersion({ id: 't', program: 'TEKUN', regionCode: '442000', effectiveFrom: '2022-01-01', monthlyStandardFen: -5 }, []),
    )).toMatchObject({ code: 'ASSIST_NEGATIVE_AMOUNT' });
    expect(thrownBy(AssistanceError, () =>
      validateStandardVersion({ ...townDibao('2022-01-01', 115_000), categoricalSupplements: { amountsFen: { SEVERE_DISABILITY: -100 }, stacking: 'SUM' } }, []),
    )).toMatchObject({ code: 'ASSIST_NEGATIVE_AMOUNT', details: { field: 'categoricalSupplements.amountsFen.SEVERE_DISABILITY' } });
  });

  it('refuses a low-income multiplier under 1×, a zero k, a negative floor, a bad region, date or id', () => {
    const base = { regionCode: '442000', effectiveFrom: '2022-01-01' };
    expect(thrownBy(AssistanceError, () => validateStandardVersion({ ...base, id: 'l', program: 'LOW_INCOME', lowIncomeMultiplierPermille: 999 }, []))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'lowIncomeMultiplierPermille' } },
    );
    expect(thrownBy(AssistanceError, () => validateStandardVersion({ ...base, id: 'e', program: 'EXPENDITURE_HARDSHIP', rigidExpenditureRatioPermille: 0 }, []))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT', details: { field: 'rigidExpenditureRatioPermille' } },
    );
    expect(thrownBy(AssistanceError, () => validateStandardVersion({ ...base, id: 't', program: 'TEMPORARY_AID', temporaryAidFloorPermille: -1 }, []))).toMatchObject(
      { code: 'ASSIST_INVALID_INPUT' },
    );
    expect(() => validateStandardVersion({ ...base, id: 't', program: 'TEMPORARY_AID', temporaryAidFloorPermille: null }, [])).not.toThrow();
    expect(thrownBy(AssistanceError, () => validateStandardVersion({ ...townDibao('2022-01-01', 1), regionCode: '4420001' }, []))).toMatchObject({ code: 'ASSIST_INVALID_REGION_CODE' });
    expect(thrownBy(AssistanceError, () => validateStandardVersion(townDibao('2022-13-01', 1), []))).toMatchObject({ code: 'ASSIST_INVALID_DATE' });
    expect(thrownBy(AssistanceError, () => validateStandardVersion({ ...townDibao('2022-01-01', 1), id: '' }, []))).toMatchObject({ code: 'ASSIST_INVALID_INPUT', details: { field: 'id' } });
  });
});

describe('lowIncomeUpperLimit', () => {
  it('is 1.5 × 1,100 = 1,650 yuan in 2020 and 1.5 × 1,120 = 1,680 yuan in 2021, citing both versions', () => {
    expect(lowIncomeUpperLimit(zhongshanStandards, VILLAGE, '2020-03-01')).toEqual({
      dibaoStandardFen: 110_000,
      lowIncomeMultiplierPermille: 1_500,
      upperLimitFen: 165_000,
      dibaoStandardVersionId: 'DIBAO-442000-2020-01-01',
      lowIncomeStandardVersionId: 'LOW_INCOME-442000-2020-01-01',
    });
    expect(lowIncomeUpperLimit(zhongshanStandards, VILLAGE, '2021-03-01').upperLimitFen).toBe(168_000);
  });

  it('rounds half up to the fen', () => {
    const versions = [...zhongshanStandards, townDibao('2022-01-01', 112_001)];
    // 1.5 × 1,120.01 yuan = 1,680.015 yuan = 168,001.5 fen → 168,002.
    expect(lowIncomeUpperLimit(versions, TOWN, '2022-01-01').upperLimitFen).toBe(168_002);
  });

  it('throws ASSIST_NO_STANDARD when no multiplier is configured (2016: the seeds give none)', () => {
    expect(thrownBy(AssistanceError, () => lowIncomeUpperLimit(zhongshanStandards, VILLAGE, '2016-03-01'))).toMatchObject(
      { code: 'ASSIST_NO_STANDARD', details: { program: 'LOW_INCOME' } },
    );
  });
});
