/**
 * Source precedence (数据来源优先级): when departments state different values for one field, the
 * value of the department listed first wins; among values of one department, the latest in business
 * time, then the greatest event id (so the choice never depends on arrival order). Departments not
 * listed for a field rank after the listed ones, all equal. The losing values stay visible as the
 * field's conflicts.
 *
 * The lists below are a PARAMETER of the platform (the seeds name the departments that hold each
 * kind of fact, DOMAIN.md §4, but no precedence between them): the defaults put the authoritative
 * register first (公安 for civil status, 残联 for disability certificates, the department that runs
 * a program for its own categories). `MZ_SOURCE_PRECEDENCE` (JSON, field → departments) replaces
 * the list of each field it names.
 */

export type Precedence = Readonly<Record<string, readonly string[]>>;

const CIVIL_AFFAIRS = ['CIVIL_AFFAIRS_ASSISTANCE', 'CIVIL_AFFAIRS_ELDERLY_CARE', 'CIVIL_AFFAIRS_CHILD_PROTECTION', 'CIVIL_AFFAIRS_CHARITY'];

export const DEFAULT_PRECEDENCE: Precedence = {
  name: ['PUBLIC_SECURITY', ...CIVIL_AFFAIRS],
  residenceRegion: [...CIVIL_AFFAIRS, 'PUBLIC_SECURITY'],
  hukouRegion: ['PUBLIC_SECURITY'],
  deceased: ['PUBLIC_SECURITY', 'HEALTH', ...CIVIL_AFFAIRS],
  maritalStatus: ['PUBLIC_SECURITY'],
  disability: ['DISABLED_PERSONS_FEDERATION', 'CIVIL_AFFAIRS_ASSISTANCE'],
  labourCapacity: ['CIVIL_AFFAIRS_ASSISTANCE', 'HUMAN_RESOURCES'],
  employment: ['HUMAN_RESOURCES'],
  schooling: ['EDUCATION'],
  livingArrangement: ['CIVIL_AFFAIRS_ELDERLY_CARE', 'CIVIL_AFFAIRS_ASSISTANCE'],
  economicStatus: ['CIVIL_AFFAIRS_ASSISTANCE', 'CIVIL_AFFAIRS_ELDERLY_CARE'],
  careDependencyLevel: ['CIVIL_AFFAIRS_ELDERLY_CARE'],
  childCategory: ['CIVIL_AFFAIRS_CHILD_PROTECTION'],
  houseSafety: ['HOUSING'],
};

/** Reads `MZ_SOURCE_PRECEDENCE`: a JSON object of field → non-empty list of department codes. */
export function parsePrecedence(raw: string, departments: readonly string[]): Precedence {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON object of field → [department, ...]');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must be a JSON object of field → [department, ...]');
  const out: Record<string, readonly string[]> = { ...DEFAULT_PRECEDENCE };
  for (const [field, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || list.length === 0 || !list.every((item): item is string => typeof item === 'string')) throw new Error(`${field}: must be a non-empty list of department codes`);
    const unknown = list.filter((item) => !departments.includes(item));
    if (unknown.length > 0) throw new Error(`${field}: unknown department(s) ${unknown.join(', ')} (known: ${departments.join(', ')})`);
    out[field] = list;
  }
  return out;
}

/** The rank of `department` for `field`: lower wins; unlisted departments share the last rank. */
export function rankOf(precedence: Precedence, field: string, department: string): number {
  const list = precedence[field] ?? [];
  const index = list.indexOf(department);
  return index < 0 ? list.length : index;
}
