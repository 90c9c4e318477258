/**
 * The 高龄津贴 tier tables and care-subsidy tables as `reference.standard-changed` (topic
 * `mz.reference.standards`), published once: at start the service stores every row of the
 * configured tables the store lacks, each with its event (keyed by the row's key, see
 * `standards/reference-rows.ts`), as the assistance service seeds its standards. Safe to run from
 * several instances at once: a row another instance stored first is skipped. A version id is
 * published once: to change values, configure a new version (a new `versionId`).
 */
import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '@minzheng/service-kit/repository';
import type { ElderlyCareDeps } from '../deps.js';
import { envelope } from '../events.js';
import { referenceRows } from '../standards/reference-rows.js';

export async function publishStandards(deps: ElderlyCareDeps): Promise<number> {
  const present = await deps.standards.ids();
  const now = deps.now();
  let published = 0;
  for (const row of referenceRows(deps.parameters)) {
    if (present.has(row.key)) continue;
    const event = deps.publisher.prepare('reference.standard-changed', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: row.key, regionCode: row.regionCode, person: null }, now),
      ...row.value,
    }, { key: row.key });
    try {
      await deps.standards.insert({ _id: row.key, versionId: row.value.versionId, program: row.program, tierId: row.tierId, publishedAt: now }, [event]);
      published += 1;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return published;
}
