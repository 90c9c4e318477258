/**
 * 用水信号 — what the smart water meters say of a subject, for the water-silence rule: the end of
 * the latest interval with water used, and of the latest interval reported at all. Kept per subject
 * (the resident, or the household the meter serves) in `water_use` from
 * `water.meter-reading-recorded`, which is a signal only (no timeline entry, no summary refresh:
 * readings arrive every hour per meter). Later instants win, whatever order the readings come in.
 */
import { bulkWriteAll } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import type { SubjectKind } from '../projection/model.js';
import type { WaterUse } from './facts.js';
import type { Cite } from './inputs.js';

export const WATER_USE = 'water_use';
export const READING_EVENT_TYPE = 'water.meter-reading-recorded';

export interface WaterUseDocument extends WaterUse {
  /** `p:<personKey>` or `h:<householdId>`. */
  _id: string;
  kind: SubjectKind;
  key: string;
}

export const waterUseId = (kind: SubjectKind, key: string): string => `${kind === 'person' ? 'p' : 'h'}:${key}`;

export interface Reading {
  readonly eventId: string;
  readonly department: string;
  readonly occurredAt: string;
  readonly kind: SubjectKind;
  readonly key: string;
  readonly intervalEnd: string;
  readonly consumptionLitres: number;
}

/** Readings went on after the last use (what the rule measures). */
const silent = (use: WaterUse | null): boolean => use !== null && use.lastUseAt !== null && use.lastReadingAt > use.lastUseAt;

export class WaterUseStore {
  private readonly collection: mongo.Collection<WaterUseDocument>;

  constructor(connection: Connection) {
    this.collection = connection.collection<WaterUseDocument>(WATER_USE);
  }

  /**
   * Folds readings in; returns the subjects whose silence just began (the first reading without
   * water after one with water). Those are screened: the evaluation counts the hours since the last
   * use (a silence that began long ago flags at once) and plans the wake-up at the moment it
   * reaches the limit. Readings that show water again need no evaluation: the pending wake-up runs
   * at the old deadline, finds the later use and plans the next one — one evaluation per silence,
   * not one per hourly reading.
   */
  async record(readings: readonly Reading[]): Promise<{ kind: SubjectKind; key: string }[]> {
    if (readings.length === 0) return [];
    const ids = [...new Set(readings.map((reading) => waterUseId(reading.kind, reading.key)))];
    const known = new Map<string, WaterUseDocument>();
    for (let start = 0; start < ids.length; start += 1_000) {
      for (const document of await this.collection.find({ _id: { $in: ids.slice(start, start + 1_000) } }).toArray()) known.set(document._id, document);
    }
    const changed = new Map<string, WaterUseDocument>();
    for (const reading of readings) {
      const id = waterUseId(reading.kind, reading.key);
      const before = changed.get(id) ?? known.get(id) ?? null;
      const source: Cite = { eventId: reading.eventId, department: reading.department, occurredAt: reading.occurredAt };
      let next: WaterUseDocument = before ?? { _id: id, kind: reading.kind, key: reading.key, lastUseAt: null, useSource: null, lastReadingAt: reading.intervalEnd, readingSource: source };
      if (reading.intervalEnd > next.lastReadingAt) next = { ...next, lastReadingAt: reading.intervalEnd, readingSource: source };
      if (reading.consumptionLitres > 0 && (next.lastUseAt === null || reading.intervalEnd > next.lastUseAt)) next = { ...next, lastUseAt: reading.intervalEnd, useSource: source };
      if (next !== before) changed.set(id, next);
    }
    if (changed.size > 0) {
      await bulkWriteAll(this.collection, [...changed.values()].map((document) => ({ replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } })));
    }
    return [...changed.values()].filter((after) => silent(after) && !silent(known.get(after._id) ?? null)).map((document) => ({ kind: document.kind, key: document.key }));
  }

  /** The readings of these subjects, by `waterUseId`. */
  async of(ids: Iterable<string>): Promise<Map<string, WaterUse>> {
    const wanted = [...new Set(ids)];
    const out = new Map<string, WaterUse>();
    for (let start = 0; start < wanted.length; start += 1_000) {
      for (const document of await this.collection.find({ _id: { $in: wanted.slice(start, start + 1_000) } }).toArray()) out.set(document._id, document);
    }
    return out;
  }

  async all(): Promise<Map<string, WaterUse>> {
    const out = new Map<string, WaterUse>();
    for await (const document of this.collection.find({})) out.set(document._id, document);
    return out;
  }
}
