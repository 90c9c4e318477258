/**
 * What an evaluation does to a flag slot (pure; `flag.repository.ts` applies it):
 *
 * | slot            | rule fires                                   | rule does not fire                         |
 * |-----------------|----------------------------------------------|--------------------------------------------|
 * | empty           | raise                                        | nothing                                    |
 * | open / acked    | update when the evidence, urgency or rule version changed; else nothing | clear (CONDITION_CLEARED) when the rule clears by condition; else nothing |
 * | closed          | raise a new flag when the condition had cleared since, or on new evidence; else nothing | note that it cleared (once) |
 *
 * So one open flag per rule and subject, a signal rule's flag waits for a person, a state rule's
 * flag closes itself when the state is gone, and a flag comes back when its condition returns.
 */
import type { RuleDefinition } from '../rules/definitions.js';
import type { RuleMatch } from '../rules/engine.js';
import { OPEN_STATUSES, type FlagDocument } from './flag.schema.js';

export type Decision =
  | { readonly kind: 'none' }
  | { readonly kind: 'raise' }
  | { readonly kind: 'update'; readonly updateKind: 'NEW_EVIDENCE' | 'URGENCY_CHANGED' | 'RULE_VERSION_CHANGED' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'note-cleared' };

const NONE: Decision = { kind: 'none' };

export function decide(current: Pick<FlagDocument, 'status' | 'ruleVersion' | 'evidenceKey' | 'urgency' | 'clearedSinceClose'> | null, rule: RuleDefinition, match: RuleMatch | null): Decision {
  if (current === null) return match === null ? NONE : { kind: 'raise' };
  if (OPEN_STATUSES.includes(current.status)) {
    if (match === null) return rule.clears === 'condition' ? { kind: 'clear' } : NONE;
    if (match.rule.version !== current.ruleVersion) return { kind: 'update', updateKind: 'RULE_VERSION_CHANGED' };
    if (match.evidenceKey !== current.evidenceKey) return { kind: 'update', updateKind: 'NEW_EVIDENCE' };
    if (match.urgency !== current.urgency) return { kind: 'update', updateKind: 'URGENCY_CHANGED' };
    return NONE;
  }
  if (match === null) return current.clearedSinceClose ? NONE : { kind: 'note-cleared' };
  return current.clearedSinceClose || match.evidenceKey !== current.evidenceKey ? { kind: 'raise' } : NONE;
}
