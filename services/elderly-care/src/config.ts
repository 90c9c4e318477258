/**
 * The elderly-care service's configuration, read once from the environment (see README for the
 * table). A bad or missing value stops start-up with a message naming each variable.
 */
import { env, type VariableSpec } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';
import { DEMO_AGE_ALLOWANCE_TABLES, checkAgeAllowanceTables, type AgeAllowanceTable } from './domain/age-allowance.js';
import { DEFAULT_CARE_SUBSIDY_TABLES, checkCareSubsidyTables, type CareSubsidyTable } from './domain/care-subsidy.js';

/**
 * A JSON array of table versions, checked by the domain (the error names the table and field);
 * unset: `fallback`. The kit's `env` has no JSON parser, so this is a `VariableSpec` of its own.
 */
function jsonTables<T>(doc: string, check: (tables: readonly T[]) => void, fallback: readonly T[]): VariableSpec<readonly T[]> {
  return { doc, secret: false, parse: (raw) => (raw === undefined ? fallback : parseTables(raw, check)) };
}

function parseTables<T>(raw: string, check: (tables: readonly T[]) => void): readonly T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON array of table versions');
  }
  if (!Array.isArray(parsed)) throw new Error('must be a JSON array of table versions');
  // Shape errors surface from `check`, which names the table and field.
  const tables = parsed as T[];
  check(tables);
  return tables;
}

export const configSpec = {
  ...serviceConfigSpec(3102),
  MZ_AGE_ALLOWANCE_JOB_INTERVAL_MS: env.int('interval of the 高龄津贴 (advanced-age allowance) job; 0 turns it off', { default: 86_400_000, min: 0 }),
  MZ_AGE_ALLOWANCE_JOB_REGION: env.string('region code the scheduled allowance job covers', { default: '442000' }),
  MZ_AGE_ALLOWANCE_TIERS: jsonTables<AgeAllowanceTable>('PARAMETER: JSON array of 高龄津贴 tier table versions (default: DEMO tiers, not policy)', checkAgeAllowanceTables, DEMO_AGE_ALLOWANCE_TABLES),
  MZ_CARE_SUBSIDY_TABLES: jsonTables<CareSubsidyTable>('PARAMETER: JSON array of care-subsidy table versions (default: 2018 seed values, DEMO 2019 values)', checkCareSubsidyTables, DEFAULT_CARE_SUBSIDY_TABLES),
  MZ_ELDER_MIN_AGE: env.int('PARAMETER: minimum age for the elders registry (default 60, not from the seeds)', { default: 60, min: 0, max: 120 }),
  MZ_DEVICE_CACHE_TTL_MS: env.int('how long device ingestion caches a device → elder lookup (0: no cache)', { default: 30_000, min: 0 }),
  MZ_DEVICE_CLAIM_RETENTION_DAYS: env.int('days a device event id is remembered for deduplication', { default: 30, min: 1 }),
};
