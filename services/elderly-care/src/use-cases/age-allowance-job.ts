/**
 * 高龄津贴免申可领 (R-E10): the job grants the advanced-age allowance to every hukou elder in the
 * region whose age on the run date falls in a tier of the table in force, and who has no grant for
 * that tier yet. No application: the grant is made from the registry's hukou and birth date.
 *
 * Idempotent: the grant id is deterministic per elder and tier, and the insert is duplicate-key
 * safe, so a second run on the same day (or two overlapping runs, or a run after a crash half-way)
 * grants nothing twice. Each grant records the tier-table version it used.
 */
import { randomUUID } from 'node:crypto';
import type { ElderlyCareDeps } from '../deps.js';
import { SEED_ENTRY_AGE, allowanceEntitlement, grantIdOf } from '../domain/age-allowance.js';
import { chinaDate } from '../domain/dates.js';
import { ElderError, dateInFuture } from '../domain/errors.js';
import { personRef } from '../elders/elder.people.js';
import { envelope } from '../events.js';
import type { StoredAllowanceGrant } from '../allowances/allowance-grant.schema.js';

export interface AllowanceJobResult {
  readonly date: string;
  readonly regionCode: string;
  /** Hukou elders aged 80 or more on the date. */
  readonly considered: number;
  readonly granted: number;
  /** Already held a grant for their tier. */
  readonly alreadyGranted: number;
  /** Failed with an error (logged); a later run retries them. */
  readonly failed: number;
  readonly grantIds: readonly string[];
}

/** Whoever runs it: a caller (route) or the scheduler (server.ts). */
export interface JobLogger {
  error(object: object, message: string): void;
}

export async function runAgeAllowanceJob(deps: ElderlyCareDeps, regionCode: string, date: string | undefined, logger?: JobLogger): Promise<AllowanceJobResult> {
  const now = deps.now();
  const today = chinaDate(now);
  const runDate = date ?? today;
  if (runDate > today) throw dateInFuture('date');
  // Born on or before this day → at least 80 on the run date (29 February births are handled by the domain).
  const bornBy = `${String(Number(runDate.slice(0, 4)) - SEED_ENTRY_AGE).padStart(4, '0')}${runDate.slice(4)}`;
  const candidates = await deps.elders.hukouBornBy(regionCode, bornBy);
  const existing = await deps.grants.idsIn(regionCode);
  let granted = 0;
  let alreadyGranted = 0;
  let failed = 0;
  let considered = 0;
  const grantIds: string[] = [];
  for (const elder of candidates) {
    try {
      const entitlement = allowanceEntitlement(deps.parameters.ageAllowanceTables, elder, runDate);
      if (entitlement === null) continue;
      considered += 1;
      const grantId = grantIdOf(elder._id, entitlement.tier.tierId);
      if (existing.has(grantId)) {
        alreadyGranted += 1;
        continue;
      }
      const grant: Omit<StoredAllowanceGrant, 'outbox' | 'outboxPending'> = {
        _id: grantId,
        elderId: elder._id,
        regionCode: elder.regionCode,
        tierId: entitlement.tier.tierId,
        standardVersionId: entitlement.versionId,
        monthlyAmountFen: entitlement.tier.monthlyAmountFen,
        startDate: entitlement.startDate,
        grantedWithoutApplication: true,
        grantedOn: runDate,
        version: 1,
        createdAt: now,
      };
      const event = deps.publisher.prepare('elderly-care.advanced-age-allowance-granted', {
        envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: grantId, regionCode: elder.regionCode, person: personRef(deps.keyring, elder), householdId: elder.householdId }, now),
        allowanceId: grantId,
        tierId: grant.tierId,
        standardVersionId: grant.standardVersionId,
        monthlyAmountFen: grant.monthlyAmountFen,
        startDate: grant.startDate,
        grantedWithoutApplication: true,
      });
      if (await deps.grants.insertOnce(grant, [event])) {
        granted += 1;
        grantIds.push(grantId);
      } else {
        alreadyGranted += 1;
      }
    } catch (error) {
      // A missing table is a configuration problem that concerns every elder of the region: stop.
      if (error instanceof ElderError && error.code === 'ELDER_NO_STANDARD') throw error;
      failed += 1;
      logger?.error({ err: error, elderId: elder._id }, 'age-allowance job: granting failed for one elder; a later run retries');
    }
  }
  return { date: runDate, regionCode, considered, granted, alreadyGranted, failed, grantIds };
}
