/**
 * 规则回测 — a new or changed rule run over the event history: for every subject in scope, its
 * profile is rebuilt as of each moment something happened to it (its own events and its
 * household's or members', from the contributions: `aggregate` over those that had occurred), and
 * at each moment its time facts next change (the wakes: a birthday, a silence reaching its limit);
 * the rule is evaluated there, with that moment as "now". Every stretch in which it held is one
 * episode: when it would have been raised, with the explanation it would have given, and when its
 * condition stopped holding. Nothing is written.
 *
 * Limits, said plainly: the standards and disasters are those known now (versioned by effective
 * date, so a past date finds the version then in force, but a version published later with an
 * earlier effective date counts from that date); flags closed by hand are not modelled (an
 * episode ends only when the condition does).
 */
import type { Principal } from '@minzheng/service-kit/auth';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { aggregate, summaryDocument, type SubjectSummaryDocument } from '../projection/fold.js';
import type { SubjectKind, StoredContribution } from '../projection/model.js';
import type { StoredEventRecord } from '../projection/projection-consumer.js';
import { subjectContributions } from '../projection/refresher.js';
import { ConditionError, factsOf, type Condition } from '../rules/conditions.js';
import { RULES, type RuleDefinition, type RuleInput } from '../rules/definitions.js';
import { KNOWN_INPUTS, RuleEngine } from '../rules/engine.js';
import { householdFacts, personFacts, type FactContext, type FactSet } from '../rules/facts.js';
import { ParameterError, withParameters } from '../rules/parameters.js';
import { ReferenceBook } from '../rules/reference.js';
import { scopeOf } from './search.js';

export interface BacktestRequest {
  readonly ruleId: string;
  /** A changed condition (json-rules-engine shape); default the rule's own. */
  readonly condition?: Condition;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly from: string;
  readonly to: string;
  readonly regionCode?: string;
  /** Episodes listed (the counts cover them all). */
  readonly limit?: number;
}

export interface Episode {
  readonly subjectKind: SubjectKind;
  readonly subjectKey: string;
  readonly regionCode: string | null;
  readonly raisedAt: string;
  /** When the condition stopped holding; null when it still held at `to`. */
  readonly clearedAt: string | null;
  readonly urgency: string;
  readonly explanation: string;
  /** The event that made it hold (the latest source of its facts). */
  readonly causationId: string | null;
}

export interface BacktestReport {
  readonly ruleId: string;
  readonly ruleVersion: string;
  readonly changed: boolean;
  readonly from: string;
  readonly to: string;
  readonly scope: string;
  readonly subjectsEvaluated: number;
  readonly evaluations: number;
  readonly episodes: { readonly total: number; readonly subjects: number; readonly items: readonly Episode[] };
  readonly byMonth: readonly { readonly month: string; readonly raised: number }[];
  readonly byTown: readonly { readonly townCode: string; readonly raised: number }[];
  readonly seconds: number;
}

const DAY = 86_400_000;
const MAX_DAYS = 3 * 366;
const invalid = (field: string, rule: string, message: string) => dataSharingError('DS_INVALID_QUERY', message, { field, rule });

/** The rule as asked: the definition, or a copy with the changed condition (its inputs widened to what it reads). */
function ruleOf(request: BacktestRequest): { rule: RuleDefinition; changed: boolean } {
  const rule = RULES.find((item) => item.id === request.ruleId);
  if (rule === undefined) throw dataSharingError('DS_NOT_FOUND', `规则不存在 (no rule ${request.ruleId})`, { field: 'ruleId', rule: `one of GET /rules` });
  if (request.condition === undefined) return { rule, changed: false };
  let read: string[];
  try {
    read = factsOf(request.condition);
  } catch {
    throw invalid('condition', 'a condition of all / any / not over { fact, operator, value }', '条件格式无效 (the condition is not all / any / not over { fact, operator, value })');
  }
  const unknown = read.find((name) => !KNOWN_INPUTS.has(name));
  if (unknown !== undefined) throw invalid('condition', 'reads known facts and parameters only (GET /rules)', `条件读取未知事实 ${unknown} (the condition reads an unknown fact)`);
  return { rule: { ...rule, version: `${rule.version}+backtest`, condition: request.condition, inputs: [...new Set([...rule.inputs, ...read])] as RuleInput[] }, changed: true };
}

const occurred = (contributions: readonly StoredContribution[], at: string) => contributions.filter((item) => item.occurredAt <= at);

export async function backtest(deps: DataSharingDeps, principal: Principal, request: BacktestRequest): Promise<BacktestReport> {
  const started = performance.now();
  const { rule, changed } = ruleOf(request);
  if (request.from > request.to) throw invalid('from', 'must not be after to', `起始日期晚于结束日期 (from ${request.from} is after to ${request.to})`);
  const fromAt = new Date(`${request.from}T00:00:00+08:00`);
  const toAt = new Date(Math.min(Date.parse(`${request.to}T23:59:59.999+08:00`), deps.now().getTime()));
  if ((toAt.getTime() - fromAt.getTime()) / DAY > MAX_DAYS) throw invalid('to', `at most ${String(MAX_DAYS)} days after from`, '回测区间过长 (at most three years per request)');
  let parameters;
  try {
    parameters = withParameters(deps.ruleParameters, request.parameters ?? {});
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    throw invalid(error.parameter === null ? 'parameters' : `parameters.${error.parameter}`, error.message, `参数无效 (${error.message})`);
  }
  let engine: RuleEngine;
  try {
    engine = new RuleEngine([rule], parameters);
  } catch (error) {
    if (error instanceof ConditionError) throw invalid('condition', error.message, `条件无效 (${error.message})`);
    throw error;
  }
  const scope = scopeOf(principal, request.regionCode);
  const reference = new ReferenceBook();
  await reference.load(deps.connection.collection<StoredEventRecord>('other_events'));
  const contributions = deps.connection.collection<StoredContribution>('contributions');
  const cache = new Map<string, StoredContribution[]>();
  const contributionsOf = async (kind: SubjectKind, key: string) => {
    const id = `${kind}:${key}`;
    let found = cache.get(id);
    if (found === undefined) {
      found = await subjectContributions(contributions, kind, key);
      cache.set(id, found);
    }
    return found;
  };
  const asOf = (kind: SubjectKind, key: string, stored: readonly StoredContribution[], at: string): SubjectSummaryDocument | null => {
    const before = occurred(stored, at);
    return before.length === 0 ? null : summaryDocument(aggregate(kind, key, before, deps.precedence), deps.precedence);
  };

  // The subjects in scope now (a subject that moved away keeps its past in its own region's answer).
  const subjects: SubjectSummaryDocument[] = [];
  for await (const document of (rule.subject === 'person' ? deps.persons : deps.households).find({})) if (document.current.regionCode?.startsWith(scope) === true) subjects.push(document);

  const episodes: Episode[] = [];
  let evaluations = 0;
  for (const subject of subjects) {
    const own = await contributionsOf(rule.subject, subject._id);
    // Who it is evaluated with: a person's household, a household's members.
    const household = rule.subject === 'person' ? (subject.households[0] ?? null) : null;
    const memberKeys = rule.subject === 'household' ? [...new Set(subject.compositions.flatMap((composition) => composition.members.map((member) => member.personKey)))] : [];
    const related = household === null ? [] : await contributionsOf('household', household);
    const members = await Promise.all(memberKeys.map(async (key) => ({ key, stored: await contributionsOf('person', key) })));
    const moments = new Set<string>([fromAt.toISOString()]);
    for (const item of [...own, ...related, ...members.flatMap((member) => member.stored)]) if (item.occurredAt > fromAt.toISOString() && item.occurredAt <= toAt.toISOString()) moments.add(item.occurredAt);
    const queue = [...moments].sort();
    let open: { raisedAt: string; urgency: string; explanation: string; causationId: string | null; regionCode: string | null } | null = null;
    const seen = new Set<string>();
    while (queue.length > 0) {
      const at = queue.shift() ?? '';
      if (seen.has(at)) continue;
      seen.add(at);
      const self = asOf(rule.subject, subject._id, own, at);
      if (self === null) continue;
      const context: FactContext = { now: new Date(at), parameters, reference };
      let facts: FactSet;
      if (rule.subject === 'person') facts = personFacts(self, household === null ? null : asOf('household', household, related, at), context);
      else facts = householdFacts(self, members.map((member) => asOf('person', member.key, member.stored, at)).filter((member): member is SubjectSummaryDocument => member !== null), context);
      evaluations += 1;
      const match = engine.evaluate(rule.subject, facts).get(rule.id) ?? null;
      if (match !== null && open === null) open = { raisedAt: at, urgency: match.urgency, explanation: match.explanation, causationId: match.causationId, regionCode: self.current.regionCode };
      else if (match === null && open !== null) {
        episodes.push({ subjectKind: rule.subject, subjectKey: subject._id, clearedAt: at, ...open });
        open = null;
      }
      // Time passing between events: the next moment a time fact changes, if before the next event.
      const wakes = Object.values(facts.wakes).filter((instant) => instant <= toAt.toISOString() && !seen.has(instant));
      for (const instant of wakes) {
        queue.push(instant);
        queue.sort();
      }
    }
    if (open !== null) episodes.push({ subjectKind: rule.subject, subjectKey: subject._id, clearedAt: null, ...open });
  }

  episodes.sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : a.subjectKey.localeCompare(b.subjectKey)));
  const count = (keyOf: (episode: Episode) => string) => {
    const counts = new Map<string, number>();
    for (const episode of episodes) counts.set(keyOf(episode), (counts.get(keyOf(episode)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  };
  const chinaMonth = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    changed,
    from: request.from,
    to: request.to,
    scope,
    subjectsEvaluated: subjects.length,
    evaluations,
    episodes: { total: episodes.length, subjects: new Set(episodes.map((episode) => episode.subjectKey)).size, items: episodes.slice(0, request.limit ?? 200) },
    byMonth: count((episode) => chinaMonth(episode.raisedAt)).map(([month, raised]) => ({ month, raised })),
    byTown: count((episode) => episode.regionCode?.slice(0, 9) ?? '').map(([townCode, raised]) => ({ townCode, raised })),
    seconds: (performance.now() - started) / 1000,
  };
}
