import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { DEFAULT_CARE_SUBSIDY_TABLES, checkCareSubsidyTables, decideCareSubsidy } from './care-subsidy.js';
import { ElderError } from './errors.js';

const decide = (economicStatus: Parameters<typeof decideCareSubsidy>[1]['economicStatus'], level: Parameters<typeof decideCareSubsidy>[1]['level'], date: string) =>
  decideCareSubsidy(DEFAULT_CARE_SUBSIDY_TABLES, { regionCode: '442000001001', economicStatus, level }, date);

describe('decideCareSubsidy (R-E11)', () => {
  it('2018: 2,000 for severely disabled 双低 elders, 1,500 for severely disabled lone 优抚 elders, nothing for semi-disabled', () => {
    expect(decide('DIBAO', 'SEVERE', '2018-06-01')).toMatchObject({ qualifies: true, monthlyAmountFen: 200_000, versionId: 'ZS-ZHBZ-442000-2018-v1', ruleId: 'SEVERE-DOUBLE-LOW' });
    expect(decide('LOW_INCOME', 'SEVERE', '2018-06-01')).toMatchObject({ monthlyAmountFen: 200_000 });
    expect(decide('LONE_MILITARY_BENEFICIARY', 'SEVERE', '2018-06-01')).toMatchObject({ monthlyAmountFen: 150_000, ruleId: 'SEVERE-LONE-MILITARY' });
    expect(decide('DIBAO', 'MODERATE', '2018-06-01')).toMatchObject({ qualifies: false, monthlyAmountFen: 0, versionId: 'ZS-ZHBZ-442000-2018-v1' });
  });

  it('2019 (demo amounts under the 4,000 cap): semi-disabled qualify too; ordinary elders and the able do not', () => {
    expect(decide('DIBAO', 'SEVERE', '2026-01-01')).toMatchObject({ qualifies: true, monthlyAmountFen: 400_000, versionId: 'DEMO-ZHBZ-442000-2019-v1' });
    expect(decide('DIBAO', 'MODERATE', '2026-01-01')).toMatchObject({ qualifies: true, monthlyAmountFen: 200_000 });
    expect(decide('ORDINARY', 'SEVERE', '2026-01-01')).toMatchObject({ qualifies: false, versionId: 'DEMO-ZHBZ-442000-2019-v1' });
    expect(decide('DIBAO', 'ABLE', '2026-01-01').qualifies).toBe(false);
    expect(decide('DIBAO', null, '2026-01-01')).toMatchObject({ qualifies: false, reason: 'no valid ability assessment' });
  });

  it('says when no table was in force', () => {
    expect(decide('DIBAO', 'SEVERE', '2017-01-01')).toMatchObject({ qualifies: false, versionId: null });
  });

  it('flags the 2019 amounts as demo values and refuses any row above the cap', () => {
    expect(DEFAULT_CARE_SUBSIDY_TABLES.find((table) => table.effectiveFrom.startsWith('2019'))?.demo).toBe(true);
    expect(DEFAULT_CARE_SUBSIDY_TABLES.find((table) => table.effectiveFrom.startsWith('2018'))?.demo).toBe(false);
    const [, demo] = DEFAULT_CARE_SUBSIDY_TABLES;
    expect(thrownBy(ElderError, () => {
      checkCareSubsidyTables([{ ...demo!, rules: [{ ruleId: 'X', economicStatuses: ['DIBAO'], levels: ['SEVERE'], monthlyAmountFen: 400_001 }] }]);
    })).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'tables.0.rules.0.monthlyAmountFen' } });
  });
});
