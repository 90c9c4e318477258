/**
 * The flags store: applies the engine's decisions (`lifecycle.ts`) to the slots, and the people's
 * (acknowledge, resolve, dismiss), each as ONE single-document write that also appends the flag
 * event to the document's outbox (so the state and the event never part). Concurrent writers are
 * kept apart by the slot's `version` (a write whose version moved is recomputed), and a new slot by
 * its unique `_id`.
 *
 * FerretDB v1 filters only `_id` in its store, so flags are found by slot id, and by flag id through
 * `flag_ids` (flag id → slot), written before the flag itself.
 */
import { randomUUID } from 'node:crypto';
import type { PersonRef, Urgency } from '@minzheng/contracts';
import type { EventPublisher, PreparedEvent } from '@minzheng/event-bus/publisher';
import { envelopeFactory } from '@minzheng/service-kit/events';
import { outboxFields, withOutbox } from '@minzheng/service-kit/outbox';
import { insertNew, isDuplicateKey, type OutboxNudge } from '@minzheng/service-kit/repository';
import type { Connection, mongo } from 'mongoose';
import type { RuleDefinition } from '../rules/definitions.js';
import type { RuleMatch } from '../rules/engine.js';
import { FLAGS, OPEN_STATUSES, flagSlot, type FlagDocument, type FlagOutcome, type FlagStatus } from './flag.schema.js';
import { decide } from './lifecycle.js';

export const FLAG_IDS = 'flag_ids';

/** The subject a flag is about, as the flag event names it. */
export interface FlagSubject {
  readonly kind: 'person' | 'household';
  readonly key: string;
  readonly regionCode: string;
  readonly householdId: string | null;
  /** Persons: the reference (ID number in clear, encrypted on the wire by the publisher). */
  readonly person: PersonRef | null;
}

export interface Evaluation {
  readonly subject: FlagSubject;
  readonly rule: RuleDefinition;
  readonly match: RuleMatch | null;
}

export interface FlagMetrics {
  raised: number;
  updated: number;
  cleared: number;
  closedByPeople: number;
  conflictsRetried: number;
}

const envelope = envelopeFactory('CIVIL_AFFAIRS_PLATFORM', 'data-sharing-service');

const eventFacts = (match: RuleMatch) => match.facts.map((fact) => ({ ...fact, occurredAt: new Date(fact.occurredAt) }));

export class FlagRepository {
  readonly flags: mongo.Collection<FlagDocument>;
  readonly flagIds: mongo.Collection<{ _id: string; slot: string }>;
  readonly metrics: FlagMetrics = { raised: 0, updated: 0, cleared: 0, closedByPeople: 0, conflictsRetried: 0 };

  constructor(
    connection: Connection,
    private readonly publisher: EventPublisher,
    private readonly nudge?: OutboxNudge,
  ) {
    this.flags = connection.collection<FlagDocument>(FLAGS);
    this.flagIds = connection.collection(FLAG_IDS);
  }

  /** Every flag by slot (a batch re-screen reads them once). */
  async allBySlot(): Promise<Map<string, FlagDocument>> {
    return new Map((await this.all()).map((document) => [document._id, document]));
  }

  /**
   * Applies evaluations (any rules, any subjects); returns how many slots were written. `known`:
   * the slots as read before (a batch), so none is read again; a slot not in it has no flag.
   */
  async apply(evaluations: readonly Evaluation[], now: Date, known?: ReadonlyMap<string, FlagDocument>): Promise<number> {
    if (evaluations.length === 0) return 0;
    const bySlot = new Map(evaluations.map((evaluation) => [flagSlot(evaluation.rule.id, evaluation.subject.kind, evaluation.subject.key), evaluation]));
    const written: string[] = [];
    const slots = [...bySlot.keys()];
    for (let start = 0; start < slots.length; start += 1_000) {
      const chunk = slots.slice(start, start + 1_000);
      const current = known ?? new Map((await this.flags.find({ _id: { $in: chunk } }).toArray()).map((document) => [document._id, document]));
      for (const slot of chunk) {
        const evaluation = bySlot.get(slot);
        if (evaluation !== undefined && (await this.applyOne(slot, current.get(slot) ?? null, evaluation, now))) written.push(slot);
      }
    }
    if (written.length > 0) this.nudge?.({ collection: FLAGS, ids: written });
    return written.length;
  }

  /** One slot: decide and write; on a concurrent change, read again and decide again. */
  private async applyOne(slot: string, found: FlagDocument | null, evaluation: Evaluation, now: Date): Promise<boolean> {
    let current = found;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const decision = decide(current, evaluation.rule, evaluation.match);
      if (decision.kind === 'none') return false;
      const ok = await this.write(slot, current, decision, evaluation, now);
      if (ok) return true;
      this.metrics.conflictsRetried += 1;
      current = await this.flags.findOne({ _id: slot });
    }
    throw new Error(`flag slot ${slot} kept changing under five attempts`);
  }

  private raisedEvent(flagId: string, subject: FlagSubject, match: RuleMatch, now: Date): PreparedEvent {
    return this.publisher.prepare('data-sharing.flag-raised', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: flagId, regionCode: subject.regionCode, person: subject.person, householdId: subject.householdId, causationId: match.causationId }, now),
      flagId,
      ruleId: match.rule.id,
      ruleVersion: match.rule.version,
      flagCode: match.rule.flagCode,
      urgency: match.urgency,
      targetRole: match.rule.targetRole,
      title: match.rule.title,
      explanation: match.explanation,
      suggestedProgram: match.rule.suggestedProgram,
      standardVersionId: match.standardVersionId,
      facts: eventFacts(match),
    });
  }

  private closedEvent(document: FlagDocument, subject: Pick<FlagSubject, 'regionCode' | 'person' | 'householdId'>, closeReason: 'RESOLVED' | 'CONDITION_CLEARED' | 'FALSE_ALARM' | 'OTHER', closedBy: string | null, note: string | null, now: Date): PreparedEvent {
    return this.publisher.prepare('data-sharing.flag-closed', {
      envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: document.flagId, regionCode: subject.regionCode, person: subject.person, householdId: subject.householdId, causationId: document.causationId }, now),
      flagId: document.flagId,
      ruleId: document.ruleId,
      ruleVersion: document.ruleVersion,
      flagCode: document.flagCode,
      targetRole: document.targetRole,
      closeReason,
      supersededByFlagId: null,
      closedById: closedBy,
      facts: document.facts.map((fact) => ({ ...fact, occurredAt: new Date(fact.occurredAt) })),
      note,
    });
  }

  private async write(slot: string, current: FlagDocument | null, decision: ReturnType<typeof decide>, evaluation: Evaluation, now: Date): Promise<boolean> {
    const { subject, match } = evaluation;
    if (decision.kind === 'raise' && match !== null) {
      const flagId = randomUUID();
      const event = this.raisedEvent(flagId, subject, match, now);
      const fields = {
        flagId,
        ruleId: match.rule.id,
        ruleVersion: match.rule.version,
        flagCode: match.rule.flagCode,
        title: match.rule.title,
        subjectKind: subject.kind,
        subjectKey: subject.key,
        regionCode: subject.regionCode,
        householdId: subject.householdId,
        status: 'OPEN' as FlagStatus,
        urgency: match.urgency,
        targetRole: match.rule.targetRole,
        explanation: match.explanation,
        suggestedProgram: match.rule.suggestedProgram,
        standardVersionId: match.standardVersionId,
        facts: [...match.facts],
        evidenceKey: match.evidenceKey,
        causationId: match.causationId,
        raisedAt: now,
        updatedAt: now,
        closedAt: null,
        outcome: null,
        closedBy: null,
        clearedSinceClose: false,
      };
      await insertNew(this.flagIds, [{ _id: flagId, slot }]);
      const logEntry = { at: now, action: 'RAISED', by: 'rules', note: null };
      if (current === null) {
        try {
          await this.flags.insertOne({ _id: slot, ...fields, history: [], log: [logEntry], version: 1, ...outboxFields([event], now) });
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      } else {
        const previous = { flagId: current.flagId, ruleVersion: current.ruleVersion, raisedAt: current.raisedAt, closedAt: current.closedAt, status: current.status, outcome: current.outcome };
        const result = await this.flags.updateOne({ _id: slot, version: current.version }, withOutbox({ $set: fields, $inc: { version: 1 }, $push: { history: previous, log: logEntry } }, [event], now));
        if (result.matchedCount === 0) return false;
      }
      this.metrics.raised += 1;
      return true;
    }
    if (current === null) return true;
    if (decision.kind === 'update' && match !== null) {
      const event = this.publisher.prepare('data-sharing.flag-updated', {
        envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: current.flagId, regionCode: subject.regionCode, person: subject.person, householdId: subject.householdId, causationId: match.causationId }, now),
        flagId: current.flagId,
        ruleId: match.rule.id,
        ruleVersion: match.rule.version,
        flagCode: match.rule.flagCode,
        updateKind: decision.updateKind,
        urgency: match.urgency,
        targetRole: match.rule.targetRole,
        title: match.rule.title,
        explanation: match.explanation,
        suggestedProgram: match.rule.suggestedProgram,
        standardVersionId: match.standardVersionId,
        facts: eventFacts(match),
      });
      const set = { ruleVersion: match.rule.version, urgency: match.urgency, explanation: match.explanation, standardVersionId: match.standardVersionId, facts: [...match.facts], evidenceKey: match.evidenceKey, causationId: match.causationId, regionCode: subject.regionCode, updatedAt: now };
      const result = await this.flags.updateOne({ _id: slot, version: current.version }, withOutbox({ $set: set, $inc: { version: 1 }, $push: { log: { at: now, action: 'UPDATED', by: 'rules', note: decision.updateKind } } }, [event], now));
      if (result.matchedCount === 0) return false;
      this.metrics.updated += 1;
      return true;
    }
    if (decision.kind === 'clear') {
      const event = this.closedEvent(current, subject, 'CONDITION_CLEARED', null, null, now);
      const result = await this.flags.updateOne({ _id: slot, version: current.version }, withOutbox({ $set: { status: 'CLEARED', closedAt: now, updatedAt: now, clearedSinceClose: true }, $inc: { version: 1 }, $push: { log: { at: now, action: 'CLEARED', by: 'rules', note: null } } }, [event], now));
      if (result.matchedCount === 0) return false;
      this.metrics.cleared += 1;
      return true;
    }
    if (decision.kind === 'note-cleared') {
      const result = await this.flags.updateOne({ _id: slot, version: current.version }, { $set: { clearedSinceClose: true }, $inc: { version: 1 } });
      return result.matchedCount > 0;
    }
    return true;
  }

  /** The flag with this id (current or in a slot's history: then the slot's current state is returned with it). */
  async byFlagId(flagId: string): Promise<FlagDocument | null> {
    const entry = await this.flagIds.findOne({ _id: flagId });
    if (entry === null) return null;
    return this.flags.findOne({ _id: entry.slot });
  }

  /**
   * A person acts on an open flag: acknowledge, or close it (RESOLVED with an outcome, DISMISSED as
   * not a case). Returns the flag after the change, or a reason it cannot change.
   */
  async act(document: FlagDocument, action: 'ACKNOWLEDGED' | 'RESOLVED' | 'DISMISSED', by: string, outcome: FlagOutcome | null, note: string | null, subject: Pick<FlagSubject, 'regionCode' | 'person' | 'householdId'>, now: Date): Promise<FlagDocument | 'not-open' | 'conflict'> {
    if (!OPEN_STATUSES.includes(document.status) || (action === 'ACKNOWLEDGED' && document.status === 'ACKNOWLEDGED')) return 'not-open';
    const log = { at: now, action, by, note };
    const update =
      action === 'ACKNOWLEDGED'
        ? { $set: { status: action, updatedAt: now }, $inc: { version: 1 }, $push: { log } }
        : withOutbox({ $set: { status: action, updatedAt: now, closedAt: now, closedBy: by, outcome, clearedSinceClose: false }, $inc: { version: 1 }, $push: { log } }, [this.closedEvent(document, subject, action === 'RESOLVED' ? 'RESOLVED' : outcome === 'FALSE_ALARM' ? 'FALSE_ALARM' : 'OTHER', by, note, now)], now);
    const result = await this.flags.updateOne({ _id: document._id, version: document.version }, update);
    if (result.matchedCount === 0) return 'conflict';
    if (action !== 'ACKNOWLEDGED') {
      this.metrics.closedByPeople += 1;
      this.nudge?.({ collection: FLAGS, ids: [document._id] });
    }
    return (await this.flags.findOne({ _id: document._id })) ?? 'conflict';
  }

  /** Every flag (FerretDB v1 filters in its store only by `_id`: read once, filter here). */
  async all(): Promise<FlagDocument[]> {
    return this.flags.find({}).toArray();
  }
}

export type { Urgency };
