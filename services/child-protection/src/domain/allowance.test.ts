import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { allowanceLastDay, allowanceSchedule, amountOn, arrearsFen, dueFor, firstDifference, inForce, permilleOf, programOf, zhongshanAllowanceRules, type DibaoVersion } from './allowance.js';
import { ChildError } from './errors.js';

const dibao = (versionId: string, regionCode: string, effectiveFrom: string, monthlyStandardFen: number, extra: Partial<DibaoVersion> = {}): DibaoVersion => ({ versionId, regionCode, effectiveFrom, monthlyStandardFen, areaScope: 'ALL', withdrawn: false, ...extra });
const CITY_2021 = dibao('DIBAO-442000-2021-01-01', '442000', '2021-01-01', 112_000);
const rules = zhongshanAllowanceRules;

describe('permilleOf (R-E9 rounding)', () => {
  it('is exact: 1.6 × 1,120 yuan = 1,792 yuan; 1.6 × 1,150 = 1,840; 1.6 × 1,250 = 2,000 (DOMAIN.md implied values)', () => {
    expect(permilleOf(112_000, 1_600)).toBe(179_200);
    expect(permilleOf(115_000, 1_600)).toBe(184_000);
    expect(permilleOf(125_000, 1_600)).toBe(200_000);
  });

  it('rounds half up to the whole fen, once', () => {
    expect(permilleOf(112_001, 1_600)).toBe(179_202); // 179,201.6
    expect(permilleOf(3, 1_500)).toBe(5); // 4.5 → 5
    expect(permilleOf(1, 1_400)).toBe(1); // 1.4 → 1
  });
});

describe('inForce (same rule as the assistance service)', () => {
  it('takes the most specific region prefix, then the latest effectiveFrom on or before the date', () => {
    const town = dibao('DIBAO-442000001-2020-06-01', '442000001', '2020-06-01', 111_000);
    const versions = [dibao('DIBAO-442000-2020-01-01', '442000', '2020-01-01', 110_000), CITY_2021, town];
    expect(inForce(versions, '442000001001', '2021-03-01')?.versionId).toBe(town.versionId);
    expect(inForce(versions, '442000002001', '2021-03-01')?.versionId).toBe(CITY_2021.versionId);
    expect(inForce(versions, '442000002001', '2020-12-31')?.versionId).toBe('DIBAO-442000-2020-01-01');
    expect(inForce(versions, '442000002001', '2019-12-31')).toBeUndefined();
  });
});

describe('amountOn and allowanceSchedule', () => {
  it('cites the 低保 version and the rule version', () => {
    expect(amountOn([CITY_2021], rules, '442000001001', '2026-11-01')).toEqual({ from: '2026-11-01', amountFen: 179_200, dibaoFen: 112_000, dibaoVersionId: CITY_2021.versionId, ruleVersionId: 'CHILD-ALLOWANCE-RULE-442000-2021-01-01', ratioPermille: 1_600 });
  });

  it('refuses with CHILD_NO_STANDARD when no 低保 version or no rule is in force', () => {
    expect(thrownBy(ChildError, () => amountOn([], rules, '442000001001', '2026-11-01'))).toMatchObject({ code: 'CHILD_NO_STANDARD', details: { missing: 'DIBAO' } });
    expect(thrownBy(ChildError, () => amountOn([dibao('D-2019', '442000', '2019-01-01', 100_000)], rules, '442000001001', '2020-06-01'))).toMatchObject({ code: 'CHILD_NO_STANDARD', details: { missing: 'ALLOWANCE_RULE' } });
  });

  it('starts a new segment on the first day of the month a new version takes effect (mid-month: the next month), ignoring withdrawn and urban/rural-only versions', () => {
    const versions = [
      CITY_2021,
      dibao('DIBAO-442000-2027-01-01', '442000', '2027-01-01', 115_000),
      dibao('DIBAO-442000-2027-03-15', '442000', '2027-03-15', 120_000),
      dibao('DIBAO-442000-2027-06-01', '442000', '2027-06-01', 130_000, { withdrawn: true }),
      dibao('DIBAO-442000-2027-07-01-URBAN', '442000', '2027-07-01', 140_000, { areaScope: 'URBAN' }),
      dibao('DIBAO-441900-2027-02-01', '441900', '2027-02-01', 99_000),
    ];
    const schedule = allowanceSchedule(versions, rules, '442000001001', '2026-11-01', '2030-03-14');
    expect(schedule.map((segment) => [segment.from, segment.amountFen, segment.dibaoVersionId])).toEqual([
      ['2026-11-01', 179_200, CITY_2021.versionId],
      ['2027-01-01', 184_000, 'DIBAO-442000-2027-01-01'],
      ['2027-04-01', 192_000, 'DIBAO-442000-2027-03-15'],
    ]);
    // The same table in another order gives the same schedule.
    expect(allowanceSchedule([...versions].reverse(), rules, '442000001001', '2026-11-01', '2030-03-14')).toEqual(schedule);
  });
});

describe('dueFor, allowanceLastDay, arrearsFen', () => {
  const schedule = allowanceSchedule([CITY_2021, dibao('D27', '442000', '2027-01-01', 115_000)], rules, '442000001001', '2026-11-01', '2027-03-14');

  it('is due at the amount in force on the first day of the month, from the start to the day before the 18th birthday', () => {
    expect(dueFor(schedule, '2026-11-01', '2027-03-14', '2026-10')).toBeUndefined();
    expect(dueFor(schedule, '2026-11-01', '2027-03-14', '2026-12')).toMatchObject({ amountFen: 179_200, periodFrom: '2026-12-01', periodTo: '2026-12-31' });
    expect(dueFor(schedule, '2026-11-01', '2027-03-14', '2027-03')).toMatchObject({ amountFen: 184_000, dibaoVersionId: 'D27' });
    expect(dueFor(schedule, '2026-11-01', '2027-03-14', '2027-04')).toBeUndefined();
    expect(allowanceLastDay('2009-03-15')).toBe('2027-03-14');
    expect(allowanceLastDay('2008-02-29')).toBe('2026-02-28');
  });

  it('shows arrears when a paid month is now due at more', () => {
    expect(arrearsFen(schedule, [{ month: '2027-01', amountFen: 179_200 }, { month: '2026-12', amountFen: 179_200 }])).toBe(4_800);
  });

  it('names the program of each category', () => {
    expect(programOf('SCATTERED_ORPHAN')).toBe('ORPHAN_ALLOWANCE');
    expect(programOf('INSTITUTIONAL_ORPHAN')).toBe('ORPHAN_ALLOWANCE');
    expect(programOf('DEFACTO_UNSUPPORTED')).toBe('DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE');
  });
});

describe('firstDifference (the first month a re-computation changes)', () => {
  it('finds the first date whose amount or versions differ, and nothing when the schedules agree', () => {
    const before = allowanceSchedule([CITY_2021], rules, '442000001001', '2026-03-01', '2030-06-30');
    const raised = dibao('DIBAO-442000-2026-07-15', '442000', '2026-07-15', 115_000);
    const after = allowanceSchedule([CITY_2021, raised], rules, '442000001001', '2026-03-01', '2030-06-30');
    expect(firstDifference(before, after)).toBe('2026-08-01');
    expect(firstDifference(before, before)).toBeUndefined();
    // Same amount from another version still counts as a change (the citation changes).
    const sameAmount = allowanceSchedule([CITY_2021, dibao('DIBAO-442000001-2026-05-01', '442000001', '2026-05-01', 112_000)], rules, '442000001001', '2026-03-01', '2030-06-30');
    expect(firstDifference(before, sameAmount)).toBe('2026-05-01');
  });
});
