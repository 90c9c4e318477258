/**
 * 线索 (flags): what a 政策找人 rule raised on a person or household. One document per rule and
 * subject — the slot, `_id` = `<ruleId>|<p|h>:<subject key>` — so there is never more than one open
 * flag per rule and subject (the store's unique `_id` decides, also between two screeners). The
 * slot holds the current flag (its own `flagId`, stable over its updates and closing) and the
 * history of earlier flags of the same slot; a flag raised again after it was closed gets a new
 * `flagId` and the old one moves to `history`.
 *
 * The flag events (`data-sharing.flag-raised`, `-updated`, `-closed`) sit in the same document's
 * outbox and are relayed by the kit's relay: a flag stored is a flag published.
 *
 * Explanations never name a person (the templates show ages, categories and amounts only); the
 * subject is the pseudonym, and the flag event carries the person reference encrypted on the wire.
 */
import type { ProgramType, Urgency, WorkerRole } from '@minzheng/contracts';
import type { OutboxEntry } from '@minzheng/service-kit/outbox';
import type { FlagFact } from '../rules/engine.js';

export const FLAGS = 'flags';

export const FLAG_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'DISMISSED', 'CLEARED'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];
export const OPEN_STATUSES: readonly FlagStatus[] = ['OPEN', 'ACKNOWLEDGED'];

/** How a person closes a flag (the outcome code). */
export const FLAG_OUTCOMES = ['HELP_GIVEN', 'REFERRED', 'NOT_ELIGIBLE', 'ALREADY_RECEIVING', 'FALSE_ALARM', 'UNREACHABLE', 'OTHER'] as const;
export type FlagOutcome = (typeof FLAG_OUTCOMES)[number];

export interface FlagHistoryEntry {
  readonly flagId: string;
  readonly ruleVersion: string;
  readonly raisedAt: Date;
  readonly closedAt: Date | null;
  readonly status: FlagStatus;
  readonly outcome: FlagOutcome | null;
}

export interface FlagLogEntry {
  readonly at: Date;
  /** RAISED, UPDATED, ACKNOWLEDGED, RESOLVED, DISMISSED, CLEARED. */
  readonly action: string;
  /** The user (subject of the token), or `rules` for the engine. */
  readonly by: string;
  readonly note: string | null;
}

export interface FlagDocument {
  /** The slot: `<ruleId>|<p|h>:<subject key>`. */
  readonly _id: string;
  flagId: string;
  ruleId: string;
  ruleVersion: string;
  flagCode: string;
  title: string;
  subjectKind: 'person' | 'household';
  subjectKey: string;
  /** The subject's region when the flag was last evaluated (jurisdiction scope). */
  regionCode: string | null;
  householdId: string | null;
  status: FlagStatus;
  urgency: Urgency;
  targetRole: WorkerRole;
  explanation: string;
  suggestedProgram: ProgramType | null;
  standardVersionId: string | null;
  facts: FlagFact[];
  evidenceKey: string;
  /** The event that made the rule fire. */
  causationId: string | null;
  raisedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  outcome: FlagOutcome | null;
  closedBy: string | null;
  /** After closing: the condition has been false since (so its return raises a new flag). */
  clearedSinceClose: boolean;
  history: FlagHistoryEntry[];
  log: FlagLogEntry[];
  version: number;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

export const flagSlot = (ruleId: string, kind: 'person' | 'household', key: string): string => `${ruleId}|${kind === 'person' ? 'p' : 'h'}:${key}`;
