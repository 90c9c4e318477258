/**
 * 救助标准 (standards): publishing a new version, and seeding the configured defaults into an
 * empty store. Each version is published as `reference.standard-changed` (topic
 * `mz.reference.standards`, keyed by the version id) through the outbox, so other services (the
 * thematic database, the 政策找人 rules) work with the same values and can cite the same ids.
 */
import { randomUUID } from 'node:crypto';
import type { StandardChanged, StandardKind } from '@minzheng/contracts';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import type { AssistanceDeps } from '../deps.js';
import { AssistanceError, invalidInput } from '../domain/errors.js';
import {
  standardVersionId,
  validateStandardVersion,
  type AssistanceProgram,
  type CategoricalSupplementConfig,
  type StandardVersion,
} from '../domain/standards.js';
import { envelope, regionRef } from '../events.js';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { StoredStandard } from '../standards/standard.schema.js';

export const STANDARD_TITLES: Readonly<Record<AssistanceProgram, string>> = {
  DIBAO: '城乡最低生活保障标准',
  LOW_INCOME: '低收入家庭认定标准（低保标准倍数）',
  TEKUN: '特困人员基本生活标准',
  TEMPORARY_AID: '临时救助最低标准（低保标准倍数）',
  EXPENDITURE_HARDSHIP: '支出型困难家庭刚性支出比例',
};

/** How each program's value reads on the wire (`StandardChanged.standardKind`). */
const STANDARD_KINDS: Readonly<Record<AssistanceProgram, StandardKind>> = {
  DIBAO: 'MONTHLY_AMOUNT',
  LOW_INCOME: 'INCOME_THRESHOLD_MULTIPLIER',
  TEKUN: 'MONTHLY_AMOUNT',
  TEMPORARY_AID: 'MINIMUM_AID_MULTIPLIER',
  EXPENDITURE_HARDSHIP: 'EXPENDITURE_RATIO_THRESHOLD',
};

/** The input of `POST /standards`: the program's own value fields, the others absent. */
export interface StandardInput {
  readonly program: AssistanceProgram;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  readonly source: string;
  readonly monthlyStandardFen?: number;
  readonly categoricalSupplements?: CategoricalSupplementConfig | null;
  readonly lowIncomeMultiplierPermille?: number;
  readonly temporaryAidFloorPermille?: number | null;
  readonly rigidExpenditureRatioPermille?: number;
}

const VALUE_FIELDS: Readonly<Record<AssistanceProgram, readonly (keyof StandardInput)[]>> = {
  DIBAO: ['monthlyStandardFen', 'categoricalSupplements'],
  LOW_INCOME: ['lowIncomeMultiplierPermille'],
  TEKUN: ['monthlyStandardFen'],
  TEMPORARY_AID: ['temporaryAidFloorPermille'],
  EXPENDITURE_HARDSHIP: ['rigidExpenditureRatioPermille'],
};
const ALL_VALUE_FIELDS = [...new Set(Object.values(VALUE_FIELDS).flat())];

function required<T>(value: T | undefined, field: string, program: AssistanceProgram): T {
  if (value === undefined) throw invalidInput(field, `is required for ${program} standards`);
  return value;
}

/** The domain version the input describes; a value field of another program is refused. */
export function versionFromInput(input: StandardInput): StandardVersion {
  for (const field of ALL_VALUE_FIELDS) {
    if (input[field] !== undefined && !VALUE_FIELDS[input.program].includes(field)) throw invalidInput(field, `is not a field of ${input.program} standards (they take ${VALUE_FIELDS[input.program].join(', ')})`);
  }
  const base = { id: standardVersionId(input.program, input.regionCode, input.effectiveFrom), regionCode: input.regionCode, effectiveFrom: input.effectiveFrom, source: input.source };
  switch (input.program) {
    case 'DIBAO':
      return { ...base, program: 'DIBAO', monthlyStandardFen: required(input.monthlyStandardFen, 'monthlyStandardFen', 'DIBAO'), categoricalSupplements: input.categoricalSupplements ?? null };
    case 'LOW_INCOME':
      return { ...base, program: 'LOW_INCOME', lowIncomeMultiplierPermille: required(input.lowIncomeMultiplierPermille, 'lowIncomeMultiplierPermille', 'LOW_INCOME') };
    case 'TEKUN':
      return { ...base, program: 'TEKUN', monthlyStandardFen: required(input.monthlyStandardFen, 'monthlyStandardFen', 'TEKUN') };
    case 'TEMPORARY_AID':
      return { ...base, program: 'TEMPORARY_AID', temporaryAidFloorPermille: required(input.temporaryAidFloorPermille, 'temporaryAidFloorPermille', 'TEMPORARY_AID') };
    case 'EXPENDITURE_HARDSHIP':
      return { ...base, program: 'EXPENDITURE_HARDSHIP', rigidExpenditureRatioPermille: required(input.rigidExpenditureRatioPermille, 'rigidExpenditureRatioPermille', 'EXPENDITURE_HARDSHIP') };
  }
}

/** The version of the same program and region that `version` follows, if any. */
function supersededBy(version: StandardVersion, existing: readonly StandardVersion[]): StandardVersion | undefined {
  return existing
    .filter((other) => other.program === version.program && other.regionCode === version.regionCode && other.effectiveFrom < version.effectiveFrom)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    .at(-1);
}

function valuesOf(version: StandardVersion): Pick<StandardChanged, 'valueFen' | 'ratioPermille' | 'baseStandardId'> {
  const dibaoSeries = `DIBAO-${version.regionCode}`;
  switch (version.program) {
    case 'DIBAO':
    case 'TEKUN':
      return { valueFen: version.monthlyStandardFen, ratioPermille: null, baseStandardId: null };
    case 'LOW_INCOME':
      return { valueFen: null, ratioPermille: version.lowIncomeMultiplierPermille, baseStandardId: dibaoSeries };
    case 'TEMPORARY_AID':
      return { valueFen: null, ratioPermille: version.temporaryAidFloorPermille, baseStandardId: dibaoSeries };
    case 'EXPENDITURE_HARDSHIP':
      return { valueFen: null, ratioPermille: version.rigidExpenditureRatioPermille, baseStandardId: null };
  }
}

function standardChanged(deps: AssistanceDeps, version: StandardVersion, existing: readonly StandardVersion[], now: Date) {
  return deps.publisher.prepare('reference.standard-changed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: version.id, regionCode: version.regionCode, person: null, householdId: null }, now),
    standardId: `${version.program}-${version.regionCode}`,
    versionId: version.id,
    changeKind: 'PUBLISHED',
    supersedesVersionId: supersededBy(version, existing)?.id ?? null,
    title: STANDARD_TITLES[version.program],
    program: version.program,
    standardKind: STANDARD_KINDS[version.program],
    beneficiaryCategory: null,
    areaScope: 'ALL',
    region: regionRef(version.regionCode),
    effectiveFrom: version.effectiveFrom,
    effectiveTo: null,
    ...valuesOf(version),
    integerValue: null,
    integerUnit: null,
    tierId: null,
    tierBasis: null,
    tierLowerBound: null,
    tierUpperBound: null,
    sourceDocument: version.source ?? '',
    // Keyed by version id, as the topic's contract says (the default would be the event id).
  }, { key: version.id });
}

function stored(version: StandardVersion, createdBy: string, now: Date): Omit<StoredStandard, 'outbox' | 'outboxPending'> {
  return { _id: version.id, program: version.program, regionCode: version.regionCode, effectiveFrom: version.effectiveFrom, definition: version, createdBy, createdAt: now };
}

function overlap(version: StandardVersion, cause: unknown): AssistanceError {
  return new AssistanceError('ASSIST_STANDARD_OVERLAP', `标准版本重复 (${version.id} already exists)`, { field: 'effectiveFrom', rule: 'at most one version per program, region and effectiveFrom', id: version.id }, { cause });
}

/** Publishes a new version (inside the caller's jurisdiction), checked against every existing one. */
export async function publishStandard(deps: AssistanceDeps, principal: Principal, input: StandardInput): Promise<StoredStandard> {
  requireJurisdiction(principal, input.regionCode);
  const existing = await deps.standards.versions();
  const version = validateStandardVersion(versionFromInput(input), existing);
  const now = deps.now();
  const record = stored(version, principal.subject, now);
  try {
    await deps.standards.insert(record, [standardChanged(deps, version, existing, now)]);
  } catch (error) {
    // Another instance published the same version between our read and our write.
    if (isDuplicateKey(error)) throw overlap(version, error);
    throw error;
  }
  return { ...record, outbox: [], outboxPending: true };
}

/**
 * Stores the configured versions the store does not have yet (first start, or defaults added in
 * a release), each with its event. Safe to run from several instances at once: a version another
 * instance stored first is skipped.
 */
export async function seedStandards(deps: AssistanceDeps, defaults: readonly StandardVersion[]): Promise<number> {
  const present = await deps.standards.ids();
  const now = deps.now();
  let added = 0;
  for (const version of defaults) {
    if (present.has(version.id)) continue;
    try {
      await deps.standards.insert(stored(version, 'system', now), [standardChanged(deps, version, defaults, now)]);
      added += 1;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return added;
}
