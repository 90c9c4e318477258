import { describe, expect, it } from 'vitest';
import { parameterId, parameterInForce, SEED_AID_PARAMETERS, type AidParameterVersion } from './aid-parameters.js';

describe('aid parameters', () => {
  it('seeds the R-E12 education amounts per student per year', () => {
    const caps: Record<string, number> = Object.fromEntries(SEED_AID_PARAMETERS.map((version) => [String(version.educationLevel), version.annualCapFen]));
    expect(caps).toEqual({ UNIVERSITY: 800_000, SENIOR_HIGH: 300_000, JUNIOR_HIGH: 100_000 });
    expect(SEED_AID_PARAMETERS.every((version) => version.source.includes('R-E12') && version.aidKind === 'EDUCATION')).toBe(true);
  });

  it('has no cap for major-illness or housing aid until one is configured (PARAMETER)', () => {
    expect(parameterInForce(SEED_AID_PARAMETERS, 'MAJOR_ILLNESS', null, '442000001001', '2026-11-01')).toBeUndefined();
    expect(parameterInForce(SEED_AID_PARAMETERS, 'HOUSING_RENOVATION', null, '442000001001', '2026-11-01')).toBeUndefined();
  });

  it('takes the most specific region, then the latest version in force on the date', () => {
    const town = { aidKind: 'EDUCATION' as const, educationLevel: 'UNIVERSITY' as const, regionCode: '442000001', effectiveFrom: '2027-01-01', annualCapFen: 900_000, source: 'demo value, not policy' };
    const versions: AidParameterVersion[] = [...SEED_AID_PARAMETERS, { ...town, id: parameterId(town) }];
    expect(parameterInForce(versions, 'EDUCATION', 'UNIVERSITY', '442000001001', '2026-12-31')?.annualCapFen).toBe(800_000);
    expect(parameterInForce(versions, 'EDUCATION', 'UNIVERSITY', '442000001001', '2027-01-01')?.annualCapFen).toBe(900_000);
    expect(parameterInForce(versions, 'EDUCATION', 'UNIVERSITY', '442000002001', '2027-01-01')?.annualCapFen).toBe(800_000);
    expect(parameterInForce(versions, 'EDUCATION', 'UNIVERSITY', '442000001001', '2020-12-31')).toBeUndefined();
  });
});
