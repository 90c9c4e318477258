/**
 * 帮扶标准参数 (aid parameters, R-E12) as reference standards: each version, published by an admin
 * or seeded at start, is stored with a `reference.standard-changed` event in the same insert
 * (topic `mz.reference.standards`, keyed by the version id like the assistance service's
 * standards), so the thematic database and the rules see the same caps and can cite the same ids.
 *
 * On the wire: program CHARITY_AID, standard kind ANNUAL_AMOUNT (the most a person may receive of
 * one aid kind in one calendar year, `valueFen`), the aid kind (and school level) in
 * `beneficiaryCategory`, e.g. `EDUCATION|UNIVERSITY`.
 */
import { randomUUID } from 'node:crypto';
import type { CharityAidKind, StandardChanged } from '@minzheng/contracts';
import type { PreparedEvent } from '@minzheng/event-bus/publisher';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import type { CharityDeps } from '../deps.js';
import { parameterId, type AidParameterVersion, type EducationLevel } from '../domain/aid-parameters.js';
import { CharityError } from '../domain/errors.js';
import { envelope, regionRef } from '../events.js';

const AID_TITLES: Readonly<Record<CharityAidKind, string>> = {
  MAJOR_ILLNESS: '大病帮扶',
  EDUCATION: '教育帮扶',
  HOUSING_RENOVATION: '危房改造帮扶',
  TEMPORARY_HARDSHIP: '临时困难救助',
  DISASTER_RELIEF: '救灾帮扶',
  ELDERLY: '扶老帮扶',
  DISABILITY: '助残帮扶',
  OTHER: '其他帮扶',
};
const LEVEL_TITLES: Readonly<Record<EducationLevel, string>> = { UNIVERSITY: '大学', SENIOR_HIGH: '高中', JUNIOR_HIGH: '初中' };

type Series = Pick<AidParameterVersion, 'aidKind' | 'educationLevel' | 'regionCode'>;

/** The standard a version belongs to, stable across its versions (kind, level, region). */
export const standardIdOf = (version: Series): string => `CHARITY_AID-${version.aidKind}${version.educationLevel === null ? '' : `-${version.educationLevel}`}-${version.regionCode}`;

/** `beneficiaryCategory` on the wire: the aid kind, and the school level for education aid. */
export const beneficiaryCategoryOf = (version: Series): string => (version.educationLevel === null ? version.aidKind : `${version.aidKind}|${version.educationLevel}`);

export const titleOf = (version: Series): string => `慈善${AID_TITLES[version.aidKind]}每人每年上限${version.educationLevel === null ? '' : `（${LEVEL_TITLES[version.educationLevel]}）`}`;

/** The version of the same kind, level and region that `version` follows, if any. */
function supersededBy(version: AidParameterVersion, existing: readonly AidParameterVersion[]): AidParameterVersion | undefined {
  return existing
    .filter((other) => standardIdOf(other) === standardIdOf(version) && other.effectiveFrom < version.effectiveFrom)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    .at(-1);
}

function standardChanged(deps: CharityDeps, version: AidParameterVersion, existing: readonly AidParameterVersion[], now: Date): PreparedEvent {
  const value: StandardChanged = {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: version.id, regionCode: version.regionCode, person: null }, now),
    standardId: standardIdOf(version),
    versionId: version.id,
    changeKind: 'PUBLISHED',
    supersedesVersionId: supersededBy(version, existing)?.id ?? null,
    title: titleOf(version),
    program: 'CHARITY_AID',
    standardKind: 'ANNUAL_AMOUNT',
    beneficiaryCategory: beneficiaryCategoryOf(version),
    areaScope: 'ALL',
    region: regionRef(version.regionCode),
    effectiveFrom: version.effectiveFrom,
    effectiveTo: null,
    valueFen: version.annualCapFen,
    ratioPermille: null,
    baseStandardId: null,
    integerValue: null,
    integerUnit: null,
    tierId: null,
    tierBasis: null,
    tierLowerBound: null,
    tierUpperBound: null,
    sourceDocument: version.source,
  };
  // Keyed by version id, as the topic's contract says (the default would be the event id).
  return deps.publisher.prepare('reference.standard-changed', value, { key: version.id });
}

export type AidParameterInput = Omit<AidParameterVersion, 'id'>;

/** Publishes a new version inside the caller's jurisdiction (insert-only; CHARITY_PARAMETER_OVERLAP for the same id). */
export async function publishAidParameter(deps: CharityDeps, principal: Principal, input: AidParameterInput): Promise<AidParameterVersion> {
  requireJurisdiction(principal, input.regionCode);
  if ((input.aidKind === 'EDUCATION') !== (input.educationLevel !== null)) {
    throw new CharityError('CHARITY_EDUCATION_LEVEL_REQUIRED', 'educationLevel: 教育帮扶参数须注明学段，其他不得注明 (required for EDUCATION, absent otherwise)', { field: 'educationLevel', rule: 'required for EDUCATION, absent otherwise' });
  }
  const version: AidParameterVersion = { ...input, id: parameterId(input) };
  const existing = await deps.parameters.all();
  const now = deps.now();
  return deps.parameters.insert(version, principal.subject, now, [standardChanged(deps, version, existing, now)]);
}

/**
 * Stores the configured versions the store lacks (first start, or versions added in a release),
 * each with its event, once: a version already stored (by this or another instance) is skipped.
 */
export async function seedAidParameters(deps: CharityDeps, defaults: readonly AidParameterVersion[]): Promise<number> {
  const present = await deps.parameters.ids();
  const known = [...(await deps.parameters.all()), ...defaults];
  const now = deps.now();
  let stored = 0;
  for (const configured of defaults) {
    const version: AidParameterVersion = { ...configured, id: parameterId(configured) };
    if (present.has(version.id)) continue;
    try {
      await deps.parameters.insert(version, 'seed', now, [standardChanged(deps, version, known, now)]);
      stored += 1;
    } catch (error) {
      if (!(error instanceof CharityError && error.code === 'CHARITY_PARAMETER_OVERLAP')) throw error;
    }
  }
  return stored;
}
