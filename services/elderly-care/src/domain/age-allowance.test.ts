import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { DEMO_AGE_ALLOWANCE_TABLES, SEED_MONTHLY_RANGE_FEN, allowanceEntitlement, checkAgeAllowanceTables, grantIdOf, tableInForce, type AgeAllowanceTable } from './age-allowance.js';
import { ElderError } from './errors.js';

const elder = (birthDate: string, overrides: Partial<{ hukouResident: boolean; registeredOn: string; regionCode: string }> = {}) => ({ regionCode: '442000001001', birthDate, hukouResident: true, registeredOn: '2020-01-01', ...overrides });

describe('the demo tier table', () => {
  it('is flagged demo, stays inside the seed range 100-500 yuan, and passes its own checks', () => {
    for (const table of DEMO_AGE_ALLOWANCE_TABLES) {
      expect(table.demo).toBe(true);
      expect(table.sourceDocument).toContain('DEMO');
      for (const tier of table.tiers) {
        expect(tier.monthlyAmountFen).toBeGreaterThanOrEqual(SEED_MONTHLY_RANGE_FEN.min);
        expect(tier.monthlyAmountFen).toBeLessThanOrEqual(SEED_MONTHLY_RANGE_FEN.max);
      }
    }
    expect(() => {
      checkAgeAllowanceTables(DEMO_AGE_ALLOWANCE_TABLES);
    }).not.toThrow();
  });
});

describe('checkAgeAllowanceTables', () => {
  const base = DEMO_AGE_ALLOWANCE_TABLES[0]!;
  const withTiers = (tiers: AgeAllowanceTable['tiers']): AgeAllowanceTable[] => [{ ...base, tiers }];
  it('names the field: an amount outside the seed range, a tier below 80, overlapping tiers, a duplicate version', () => {
    expect(thrownBy(ElderError, () => {
      checkAgeAllowanceTables(withTiers([{ tierId: 'A', minAge: 80, maxAge: null, monthlyAmountFen: 60_000 }]));
    })).toMatchObject({ code: 'ELDER_INVALID_INPUT', details: { field: 'tables.0.tiers.0.monthlyAmountFen' } });
    expect(thrownBy(ElderError, () => {
      checkAgeAllowanceTables(withTiers([{ tierId: 'A', minAge: 70, maxAge: null, monthlyAmountFen: 10_000 }]));
    })).toMatchObject({ details: { field: 'tables.0.tiers.0.minAge' } });
    expect(thrownBy(ElderError, () => {
      checkAgeAllowanceTables(withTiers([{ tierId: 'A', minAge: 80, maxAge: 90, monthlyAmountFen: 10_000 }, { tierId: 'B', minAge: 90, maxAge: null, monthlyAmountFen: 20_000 }]));
    })).toMatchObject({ details: { field: 'tables.0.tiers.1.minAge' } });
    expect(thrownBy(ElderError, () => {
      checkAgeAllowanceTables([base, base]);
    })).toMatchObject({ details: { field: 'tables.1.versionId' } });
  });
});

describe('tableInForce', () => {
  const tables = [
    { versionId: 'city-2018', regionCode: '442000', effectiveFrom: '2018-01-01' },
    { versionId: 'city-2024', regionCode: '442000', effectiveFrom: '2024-01-01' },
    { versionId: 'town-2020', regionCode: '442000100', effectiveFrom: '2020-01-01' },
  ];
  it('takes the most specific region, then the latest version on or before the date', () => {
    expect(tableInForce(tables, '442000001001', '2025-05-05')?.versionId).toBe('city-2024');
    expect(tableInForce(tables, '442000001001', '2023-12-31')?.versionId).toBe('city-2018');
    expect(tableInForce(tables, '442000100003', '2025-05-05')?.versionId).toBe('town-2020');
    expect(tableInForce(tables, '442000100003', '2019-05-05')?.versionId).toBe('city-2018');
    expect(tableInForce(tables, '442000001001', '2017-12-31')).toBeUndefined();
  });
});

describe('allowanceEntitlement', () => {
  const tables = DEMO_AGE_ALLOWANCE_TABLES;
  it('grants from the 80th birthday, not the day before, with the version used', () => {
    expect(allowanceEntitlement(tables, elder('1946-03-12'), '2026-03-11')).toBeNull();
    expect(allowanceEntitlement(tables, elder('1946-03-12'), '2026-03-12')).toEqual({ versionId: 'DEMO-GLJT-442000-2018-v1', tier: tables[0]!.tiers[0], reachedOn: '2026-03-12', startDate: '2026-03-12' });
  });

  it('picks the tier of the age on the date, starting no earlier than registration', () => {
    const result = allowanceEntitlement(tables, elder('1934-06-01', { registeredOn: '2025-01-10' }), '2025-02-01');
    expect(result).toMatchObject({ tier: { tierId: 'AGE-90-99' }, reachedOn: '2024-06-01', startDate: '2025-01-10' });
    expect(allowanceEntitlement(tables, elder('1920-06-01'), '2025-02-01')?.tier.tierId).toBe('AGE-100-PLUS');
  });

  it('gives nothing to non-hukou elders, and reads a 29 February birthday as 1 March in common years', () => {
    expect(allowanceEntitlement(tables, elder('1940-01-01', { hukouResident: false }), '2025-02-01')).toBeNull();
    expect(allowanceEntitlement(tables, elder('1944-02-29'), '2024-02-28')).toBeNull();
    expect(allowanceEntitlement(tables, elder('1944-02-29'), '2024-02-29')?.reachedOn).toBe('2024-02-29');
    expect(allowanceEntitlement(tables, elder('1940-02-29'), '2020-02-29')?.reachedOn).toBe('2020-02-29');
    expect(allowanceEntitlement(tables, elder('1944-02-29'), '2024-03-01')?.reachedOn).toBe('2024-02-29');
  });

  it('is ELDER_NO_STANDARD when no table is in force', () => {
    expect(thrownBy(ElderError, () => allowanceEntitlement(tables, elder('1930-01-01'), '2017-06-01'))).toMatchObject({ code: 'ELDER_NO_STANDARD', statusCode: 422 });
  });

  it('grant ids are one per elder and tier', () => {
    expect(grantIdOf('ELD-1', 'AGE-80-89')).toBe('GLJT-ELD-1-AGE-80-89');
    expect(grantIdOf('ELD-1', 'AGE-80-89')).toBe(grantIdOf('ELD-1', 'AGE-80-89'));
  });
});
