import { describe, expect, it } from 'vitest';
import { DEMO_AGE_ALLOWANCE_TABLES } from '../domain/age-allowance.js';
import { DEFAULT_CARE_SUBSIDY_TABLES } from '../domain/care-subsidy.js';
import { ageAllowanceRows, careSubsidyRows, referenceRows } from './reference-rows.js';

describe('the PARAMETER tables as reference standards', () => {
  it('gives one ALLOWANCE_TIER row per age tier, citing the table version and the tier as grants do', () => {
    const rows = ageAllowanceRows(DEMO_AGE_ALLOWANCE_TABLES);
    expect(rows.map((row) => row.key)).toEqual(['DEMO-GLJT-442000-2018-v1|AGE-80-89', 'DEMO-GLJT-442000-2018-v1|AGE-90-99', 'DEMO-GLJT-442000-2018-v1|AGE-100-PLUS']);
    expect(rows[0]?.value).toMatchObject({
      standardId: 'ADVANCED_AGE_ALLOWANCE-442000-AGE-80-89', versionId: 'DEMO-GLJT-442000-2018-v1', supersedesVersionId: null, title: '高龄津贴（80至89周岁）', program: 'ADVANCED_AGE_ALLOWANCE',
      standardKind: 'ALLOWANCE_TIER', valueFen: 10_000, tierId: 'AGE-80-89', tierBasis: 'AGE_YEARS', tierLowerBound: 80, tierUpperBound: 89, effectiveFrom: '2018-01-01', region: { countyCode: '442000', townCode: null, villageCode: null },
    });
    expect(rows[2]?.value).toMatchObject({ title: '高龄津贴（100周岁及以上）', tierLowerBound: 100, tierUpperBound: null, valueFen: 50_000 });
    expect(rows[0]?.value.sourceDocument).toContain('DEMO');
  });

  it('gives one row per care-subsidy rule and level, with the level rank as bounds and the statuses as category; a later version supersedes the earlier', () => {
    const rows = careSubsidyRows(DEFAULT_CARE_SUBSIDY_TABLES);
    expect(rows.map((row) => row.key)).toEqual([
      'ZS-ZHBZ-442000-2018-v1|SEVERE-DOUBLE-LOW|SEVERE',
      'ZS-ZHBZ-442000-2018-v1|SEVERE-LONE-MILITARY|SEVERE',
      'DEMO-ZHBZ-442000-2019-v1|SEVERE-ECONOMIC-DIFFICULTY|SEVERE',
      'DEMO-ZHBZ-442000-2019-v1|MODERATE-ECONOMIC-DIFFICULTY|MODERATE',
    ]);
    expect(rows[0]?.value).toMatchObject({ program: 'ELDERLY_CARE_SUBSIDY', versionId: 'ZS-ZHBZ-442000-2018-v1', supersedesVersionId: null, tierId: 'SEVERE-DOUBLE-LOW', tierBasis: 'CARE_DEPENDENCY_LEVEL', tierLowerBound: 3, tierUpperBound: 3, beneficiaryCategory: 'DIBAO,LOW_INCOME', valueFen: 200_000 });
    expect(rows[3]?.value).toMatchObject({ supersedesVersionId: 'ZS-ZHBZ-442000-2018-v1', tierLowerBound: 2, valueFen: 200_000, title: '经济困难失能老年人照护补助（中度失能）' });
  });

  it('has a distinct key for every message (the topic is compacted by key)', () => {
    const keys = referenceRows({ ageAllowanceTables: DEMO_AGE_ALLOWANCE_TABLES, careSubsidyTables: DEFAULT_CARE_SUBSIDY_TABLES }).map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(7);
  });
});
