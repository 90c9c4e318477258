/**
 * The reference data the rules compare against, from the events about nobody in particular
 * (`other_events`): the versioned standards (`reference.standard-changed`, published by the
 * assistance service and any other owner of a standard) and the declared disasters
 * (`emergency-management.disaster-declared`). Small, so held in memory; `load` reads them at start
 * and `note` adds what the projection consumer stores afterwards.
 *
 * A standard applies to its region and every region under it: the most specific region prefix with
 * a version in force on the date wins, then the latest `effectiveFrom` (the rule the assistance
 * service uses, `services/assistance/src/domain/standards.ts`). A withdrawn version no longer
 * applies; a corrected one replaces the version it names.
 */
import type { mongo } from 'mongoose';
import type { StoredEventRecord } from '../projection/projection-consumer.js';
import type { Cite } from './inputs.js';

export interface StandardValue {
  readonly versionId: string;
  readonly program: string;
  readonly standardKind: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly valueFen: number | null;
  readonly ratioPermille: number | null;
  readonly integerValue: number | null;
  readonly source: Cite;
}

export interface Disaster {
  readonly disasterId: string;
  readonly disasterName: string;
  readonly disasterKind: string;
  readonly responseLevel: string;
  readonly regionCodes: readonly string[];
  readonly startAt: string;
  readonly endAt: string | null;
  readonly source: Cite;
}

export const REFERENCE_EVENT_TYPES = ['reference.standard-changed', 'emergency-management.disaster-declared'] as const;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export class ReferenceBook {
  private readonly standards = new Map<string, StandardValue & { changeKind: string; recordedAt: string }>();
  private readonly disasters = new Map<string, Disaster>();
  /** Bumped at every change: a cached evaluation knows it is stale. */
  revision = 0;

  /** Reads every reference record stored so far. */
  async load(otherEvents: mongo.Collection<StoredEventRecord>): Promise<void> {
    // FerretDB v1 filters in the store only by `_id`: the collection is small, read it once.
    this.note(await otherEvents.find({}).toArray());
  }

  /** Adds reference records (others are ignored); the same record twice changes nothing. */
  note(records: readonly StoredEventRecord[]): void {
    for (const record of records) {
      const cite: Cite = { eventId: record._id, department: record.department, occurredAt: record.occurredAt };
      const s = record.summary;
      if (record.eventType === 'reference.standard-changed') {
        const versionId = str(s.versionId);
        const effectiveFrom = str(s.effectiveFrom);
        const regionCode = record.regionCodes[0];
        if (versionId === null || effectiveFrom === null || regionCode === undefined) continue;
        const held = this.standards.get(versionId);
        if (held !== undefined && (held.recordedAt > record.occurredAt || (held.recordedAt === record.occurredAt && held.source.eventId >= record._id))) continue;
        this.standards.set(versionId, {
          versionId,
          program: str(s.program) ?? 'OTHER',
          standardKind: str(s.standardKind) ?? 'OTHER',
          regionCode,
          effectiveFrom,
          effectiveTo: str(s.effectiveTo),
          valueFen: num(s.valueFen),
          ratioPermille: num(s.ratioPermille),
          integerValue: num(s.integerValue),
          changeKind: str(s.changeKind) ?? 'PUBLISHED',
          recordedAt: record.occurredAt,
          source: cite,
        });
        this.revision += 1;
      } else if (record.eventType === 'emergency-management.disaster-declared') {
        const disasterId = str(s.disasterId);
        const startAt = str(s.startAt);
        if (disasterId === null || startAt === null) continue;
        const held = this.disasters.get(disasterId);
        if (held !== undefined && held.source.occurredAt >= record.occurredAt) continue;
        this.disasters.set(disasterId, { disasterId, disasterName: str(s.disasterName) ?? disasterId, disasterKind: str(s.disasterKind) ?? 'OTHER', responseLevel: str(s.responseLevel) ?? 'OTHER', regionCodes: record.regionCodes, startAt, endAt: str(s.endAt), source: cite });
        this.revision += 1;
      }
    }
  }

  /** The version of `program` (of `standardKind`) in force for `regionCode` on `date` (YYYY-MM-DD), or null. */
  standardOn(program: string, standardKind: string, regionCode: string, date: string): StandardValue | null {
    let best: StandardValue | null = null;
    for (const version of this.standards.values()) {
      if (version.program !== program || version.standardKind !== standardKind || version.changeKind === 'WITHDRAWN') continue;
      if (!regionCode.startsWith(version.regionCode) || version.effectiveFrom > date) continue;
      if (version.effectiveTo !== null && version.effectiveTo < date) continue;
      if (best === null || version.regionCode.length > best.regionCode.length || (version.regionCode.length === best.regionCode.length && version.effectiveFrom > best.effectiveFrom)) best = version;
    }
    return best;
  }

  /** Disasters whose affected regions contain `regionCode` and that are going on at `at` (ISO) or ended within `afterEndHours`. */
  disastersAt(regionCode: string, at: string, afterEndHours: number): Disaster[] {
    const limit = Date.parse(at);
    return [...this.disasters.values()]
      .filter((disaster) => disaster.regionCodes.some((code) => regionCode.startsWith(code)) && Date.parse(disaster.startAt) <= limit && (disaster.endAt === null || Date.parse(disaster.endAt) + afterEndHours * 3_600_000 >= limit))
      .sort((a, b) => (a.startAt < b.startAt ? 1 : a.startAt > b.startAt ? -1 : 0));
  }

  /** Every disaster (for a sweep of the areas it affects). */
  disaster(disasterId: string): Disaster | undefined {
    return this.disasters.get(disasterId);
  }

  /** A copy with `changes` applied over it (what-if): the live book is untouched. */
  withStandards(changes: readonly StandardValue[]): ReferenceBook {
    const copy = new ReferenceBook();
    for (const [id, value] of this.standards) copy.standards.set(id, value);
    for (const [id, value] of this.disasters) copy.disasters.set(id, value);
    for (const change of changes) copy.standards.set(change.versionId, { ...change, changeKind: 'PUBLISHED', recordedAt: change.source.occurredAt });
    copy.revision = this.revision + 1;
    return copy;
  }
}
