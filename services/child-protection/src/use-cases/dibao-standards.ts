/**
 * 低保 versions in, allowances re-computed (R-E9, DOMAIN.md §8 rule 15 ChildStandardReindex): a
 * version is stored in the local table (replacing its own row when corrected or withdrawn), then
 * every ACTIVE allowance under the version's region is re-computed from the whole table. A child
 * whose schedule changes gets the new schedule (each amount citing the 低保 version and the rule
 * version it was derived from) and a re-computation entry naming the version that caused it.
 *
 * Each changed schedule is published as `allowance-determined` (RECOMPUTED) in the same write, with
 * the first month it changes, the amounts before and after, and the version that caused it.
 */
import { requireRegion } from '@minzheng/identity/regions';
import { requireJurisdiction, type Principal } from '@minzheng/service-kit/auth';
import { atField, ServiceError } from '@minzheng/service-kit/errors';
import type { StoredChild } from '../children/child.schema.js';
import { chinaToday, type ChildDeps } from '../deps.js';
import { allowanceSchedule, firstDifference, segmentOn, type DibaoVersion } from '../domain/allowance.js';
import { assertIsoDate } from '../domain/dates.js';
import { ChildError } from '../domain/errors.js';
import type { StoredDibaoVersion } from '../standards/dibao.schema.js';
import { allowanceDetermined } from './allowance-events.js';

/** Children read per batch while re-computing. */
const BATCH = 100;

export type DibaoInput = Omit<StoredDibaoVersion, '_id' | 'receivedAt'>;

/** Re-computes one child's schedule with the current table; returns true when it changed. */
export async function recomputeChild(deps: ChildDeps, candidate: StoredChild, cause: string, table: readonly DibaoVersion[], causeDate: string | null): Promise<boolean> {
  let child = candidate;
  for (let attempt = 0; ; attempt += 1) {
    const allowance = child.allowance;
    if (allowance?.status !== 'ACTIVE') return false;
    const schedule = allowanceSchedule(table, deps.allowanceRules, child.regionCode, allowance.startDate, allowance.endDate);
    if (JSON.stringify(schedule) === JSON.stringify(allowance.schedule)) return false;
    const at = causeDate !== null && causeDate > allowance.startDate ? causeDate : allowance.startDate;
    const now = deps.now();
    const entry = { at: now, cause, fromAmountFen: segmentOn(allowance.schedule, at)?.amountFen ?? null, toAmountFen: segmentOn(schedule, at)?.amountFen ?? schedule[0]?.amountFen ?? 0 };
    const event = allowanceDetermined(deps, child, {
      kind: 'RECOMPUTED',
      allowance: { ...allowance, schedule },
      effectiveDate: firstDifference(allowance.schedule, schedule) ?? allowance.startDate,
      previousSchedule: allowance.schedule,
      causeVersionId: cause,
      actorId: null,
    }, now);
    try {
      await deps.children.update(child._id, child.version, { $set: { 'allowance.schedule': schedule, updatedAt: now }, $push: { 'allowance.recomputations': entry } }, [event]);
      return true;
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'CHILD_CONCURRENT_CHANGE') || attempt >= 3) throw error;
      child = await deps.children.get(child._id, child.regionCode);
    }
  }
}

/** Stores a 低保 version and re-computes the allowances it may affect. */
export async function receiveDibaoVersion(deps: ChildDeps, input: DibaoInput): Promise<{ considered: number; recomputed: number }> {
  assertIsoDate(input.effectiveFrom, 'effectiveFrom');
  if (!Number.isSafeInteger(input.monthlyStandardFen) || input.monthlyStandardFen < 0) throw new ChildError('CHILD_INVALID_INPUT', '低保标准须为非负整数分 (monthlyStandardFen must be a non-negative integer in fen)', { field: 'monthlyStandardFen', rule: 'must be a non-negative integer amount in fen' });
  if (!/^(?:\d{6}|\d{9}|\d{12})$/u.test(input.regionCode)) throw new ChildError('CHILD_INVALID_INPUT', '区划代码无效 (regionCode must be 6, 9 or 12 digits)', { field: 'regionCode', rule: 'must be a region code of 6, 9 or 12 digits' });
  await deps.dibao.put({ ...input, _id: input.versionId, receivedAt: deps.now() });
  const table = await deps.dibao.versions();
  let considered = 0;
  let recomputed = 0;
  let afterId = '';
  for (;;) {
    const batch = await deps.children.withAllowance(input.regionCode, 'ACTIVE', afterId, BATCH);
    if (batch.length === 0) break;
    for (const child of batch) {
      considered += 1;
      if (await recomputeChild(deps, child, input.versionId, table, input.effectiveFrom)) recomputed += 1;
    }
    afterId = batch.at(-1)?._id ?? afterId;
  }
  return { considered, recomputed };
}

export interface OperatorDibaoInput {
  readonly versionId: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  readonly monthlyStandardFen: number;
  readonly sourceDocument: string;
  readonly changeKind?: 'PUBLISHED' | 'CORRECTED' | 'WITHDRAWN';
}

/** An operator enters a version the assistance service published (tests, or a missed event). */
export async function enterDibaoVersion(deps: ChildDeps, principal: Principal, input: OperatorDibaoInput, requestId: string) {
  atField('regionCode', () => requireRegion(input.regionCode, chinaToday(deps.now()), 'regionCode'));
  requireJurisdiction(principal, input.regionCode);
  const result = await receiveDibaoVersion(deps, {
    versionId: input.versionId,
    standardId: `DIBAO-${input.regionCode}`,
    regionCode: input.regionCode,
    effectiveFrom: input.effectiveFrom,
    monthlyStandardFen: input.monthlyStandardFen,
    areaScope: 'ALL',
    withdrawn: input.changeKind === 'WITHDRAWN',
    supersedesVersionId: null,
    title: '城乡最低生活保障标准',
    sourceDocument: input.sourceDocument,
    via: 'OPERATOR',
    sourceEventId: requestId,
  });
  const stored = await deps.dibao.find(input.versionId);
  if (stored === null) throw new Error(`dibao version ${input.versionId} vanished after it was stored`);
  return { version: stored, ...result };
}
