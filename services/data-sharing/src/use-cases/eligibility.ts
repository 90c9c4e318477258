/**
 * 应享未享与政策模拟 — the generic "eligible but not receiving" detector over the whole thematic
 * database (the take-up report) and the what-if on it. Both evaluate every household and person
 * in scope once against the eligibility table (`rules/eligibility.ts`), with the same facts the
 * rules read, in memory: nothing is written, no flag touched.
 *
 * The what-if evaluates twice at the same instant — with the standards and parameters in force,
 * and with the changes applied over them — and reports who newly qualifies and who stops
 * qualifying, by program and town, and the monthly cost difference: the benefit every qualifying
 * subject would receive after the change minus before (`benefit` of the eligibility table; for
 * 低保 the gap payment), in all and for the current recipients alone.
 */
import type { ProgramType } from '@minzheng/contracts';
import { hasRole, type Principal } from '@minzheng/service-kit/auth';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import type { SubjectSummaryDocument } from '../projection/fold.js';
import type { StoredEventRecord } from '../projection/projection-consumer.js';
import { compileCondition, type Predicate } from '../rules/conditions.js';
import { ELIGIBILITY, type Eligibility } from '../rules/eligibility.js';
import { householdFacts, personFacts, residenceOf, type FactContext, type FactSet } from '../rules/facts.js';
import { ParameterError, withParameters, type RuleParameters } from '../rules/parameters.js';
import { ReferenceBook, type StandardValue } from '../rules/reference.js';
import { Screener } from '../rules/screener.js';
import { scopeOf } from './search.js';

type Summary = SubjectSummaryDocument;

const COMPILED = ELIGIBILITY.map((item) => ({ item, eligible: compileCondition(item.eligible) }));

/** One subject's standing for one program. */
interface Standing {
  readonly eligible: boolean;
  readonly receiving: boolean;
  /** Its monthly benefit when eligible (fen); null when not computable. */
  readonly benefitFen: number | null;
}

interface Assessed {
  readonly program: ProgramType;
  readonly kind: 'person' | 'household';
  readonly key: string;
  readonly townCode: string;
  /** Persons it stands for (a household's members). */
  readonly persons: number;
  readonly standing: Standing;
}

interface Loaded {
  readonly persons: Map<string, Summary>;
  readonly households: Map<string, Summary>;
}

async function load(deps: DataSharingDeps, scope: string): Promise<Loaded> {
  const persons = new Map<string, Summary>();
  const households = new Map<string, Summary>();
  // FerretDB v1 filters only `_id` in its store: one scan of each, the scope applied here.
  // Persons outside the scope stay (a household in scope may list them), evaluated only when in it.
  for await (const document of deps.persons.find({})) persons.set(document._id, document);
  for await (const document of deps.households.find({})) if (document.current.regionCode?.startsWith(scope) === true) households.set(document._id, document);
  return { persons, households };
}

async function referenceBook(deps: DataSharingDeps): Promise<ReferenceBook> {
  const book = new ReferenceBook();
  await book.load(deps.connection.collection<StoredEventRecord>('other_events'));
  return book;
}

function benefitOf(item: Eligibility, facts: FactSet, regionCode: string, members: number, context: FactContext, today: string): number | null {
  if (item.benefit === 'GAP') {
    const standard = facts.values.dibaoStandardFen;
    const income = facts.values.perCapitaIncomeFen;
    return typeof standard === 'number' && typeof income === 'number' ? Math.max(0, standard - income) * Math.max(1, members) : null;
  }
  if (item.benefit === 'STANDARD') return context.reference.standardOn(item.program, 'MONTHLY_AMOUNT', regionCode, today)?.valueFen ?? null;
  return null;
}

function standingOf(item: Eligibility, eligible: Predicate, facts: FactSet, parameters: RuleParameters, regionCode: string, members: number, context: FactContext, today: string): Standing {
  const values: Readonly<Record<string, unknown>> = { ...parameters, ...facts.values };
  const held = values.programs;
  const programs: readonly unknown[] = Array.isArray(held) ? held : [];
  const isEligible = eligible(values);
  return {
    eligible: isEligible,
    receiving: programs.includes(item.program) || item.coveredBy.some((program) => programs.includes(program)),
    benefitFen: isEligible ? benefitOf(item, facts, regionCode, members, context, today) : null,
  };
}

/** Every (subject, program) in scope, assessed under one set of standards and parameters. */
function assess(loaded: Loaded, scope: string, context: FactContext): Assessed[] {
  const today = new Date(context.now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const out: Assessed[] = [];
  for (const household of loaded.households.values()) {
    const regionCode = household.current.regionCode;
    if (regionCode === null) continue;
    const members = household.ruleInputs.members.map((member) => loaded.persons.get(member.personKey)).filter((member): member is Summary => member !== undefined);
    const facts = householdFacts(household, members, context);
    const size = Math.max(1, household.ruleInputs.members.length);
    for (const { item, eligible } of COMPILED) {
      if (item.subject !== 'household') continue;
      out.push({ program: item.program, kind: 'household', key: household._id, townCode: regionCode.slice(0, 9), persons: size, standing: standingOf(item, eligible, facts, context.parameters, regionCode, size, context, today) });
    }
  }
  for (const person of loaded.persons.values()) {
    const household = Screener.householdOf(person, loaded.households);
    const regionCode = residenceOf(person, household);
    if (regionCode?.startsWith(scope) !== true) continue;
    const facts = personFacts(person, household, context);
    for (const { item, eligible } of COMPILED) {
      if (item.subject !== 'person') continue;
      out.push({ program: item.program, kind: 'person', key: person._id, townCode: regionCode.slice(0, 9), persons: 1, standing: standingOf(item, eligible, facts, context.parameters, regionCode, 1, context, today) });
    }
  }
  return out;
}

export type Count = number | string;

const shownBy = (suppress: boolean, threshold: number) => (count: number): Count => (suppress && count > 0 && count < threshold ? `<${String(threshold)}` : count);
const suppressing = (principal: Principal) => hasRole(principal, 'analyst') && !hasRole(principal, 'supervisor', 'admin');

// ---------------------------------------------------------------------------------------------
// The take-up report: how many qualify, receive, do not receive — by program and town.

export interface TakeUpCell {
  readonly program: ProgramType;
  readonly title: string;
  readonly townCode: string;
  readonly eligible: Count;
  readonly eligiblePersons: Count;
  readonly receiving: Count;
  /** 应享未享: eligible, not receiving (nor a program covering it). */
  readonly notReceiving: Count;
  readonly takeUpRatio: number | null;
  /** What the not-receiving would receive a month (fen); null when not computable or suppressed. */
  readonly unpaidMonthlyFen: number | null;
  readonly suppressed: boolean;
}

export interface TakeUpReport {
  readonly date: string;
  readonly scope: string;
  readonly threshold: number | null;
  readonly cells: readonly TakeUpCell[];
}

export async function takeUpReport(deps: DataSharingDeps, principal: Principal, query: { regionCode?: string; program?: string }, threshold: number): Promise<TakeUpReport> {
  const scope = scopeOf(principal, query.regionCode);
  if (query.program !== undefined && !ELIGIBILITY.some((item) => item.program === query.program)) {
    throw dataSharingError('DS_INVALID_QUERY', `该项目的资格无法由专题库计算 (no computable eligibility for ${query.program})`, { field: 'program', rule: `one of ${ELIGIBILITY.map((item) => item.program).join(', ')}` });
  }
  const context: FactContext = { now: deps.now(), parameters: deps.ruleParameters, reference: await referenceBook(deps) };
  const assessed = assess(await load(deps, scope), scope, context).filter((row) => query.program === undefined || row.program === query.program);
  const cells = new Map<string, { program: ProgramType; townCode: string; eligible: number; persons: number; receiving: number; notReceiving: number; unpaid: number | null }>();
  for (const row of assessed) {
    if (!row.standing.eligible) continue;
    const id = `${row.program}|${row.townCode}`;
    const cell = cells.get(id) ?? { program: row.program, townCode: row.townCode, eligible: 0, persons: 0, receiving: 0, notReceiving: 0, unpaid: 0 };
    cell.eligible += 1;
    cell.persons += row.persons;
    if (row.standing.receiving) cell.receiving += 1;
    else {
      cell.notReceiving += 1;
      cell.unpaid = cell.unpaid === null || row.standing.benefitFen === null ? null : cell.unpaid + row.standing.benefitFen;
    }
    cells.set(id, cell);
  }
  const suppress = suppressing(principal);
  const shown = shownBy(suppress, threshold);
  const titles = new Map(ELIGIBILITY.map((item) => [item.program, item.title]));
  return {
    date: new Date(context.now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
    scope,
    threshold: suppress ? threshold : null,
    cells: [...cells.values()]
      .sort((a, b) => (a.program === b.program ? a.townCode.localeCompare(b.townCode) : a.program.localeCompare(b.program)))
      .map((cell) => {
        const small = suppress && (cell.eligible < threshold || (cell.notReceiving > 0 && cell.notReceiving < threshold) || (cell.receiving > 0 && cell.receiving < threshold));
        return {
          program: cell.program,
          title: titles.get(cell.program) ?? cell.program,
          townCode: cell.townCode,
          eligible: shown(cell.eligible),
          eligiblePersons: shown(cell.persons),
          receiving: shown(cell.receiving),
          notReceiving: shown(cell.notReceiving),
          takeUpRatio: small ? null : Math.round((cell.receiving / cell.eligible) * 10_000) / 10_000,
          unpaidMonthlyFen: small ? null : cell.unpaid,
          suppressed: small,
        };
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The what-if.

export interface StandardChange {
  readonly program: ProgramType;
  readonly standardKind?: string;
  readonly regionCode: string;
  readonly effectiveFrom: string;
  readonly valueFen?: number | null;
  readonly ratioPermille?: number | null;
}

export interface WhatIfRequest {
  readonly standards?: readonly StandardChange[];
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The date the two states are compared at (default: today, or the latest `effectiveFrom` when later). */
  readonly date?: string;
  readonly regionCode?: string;
}

export interface WhatIfCell {
  readonly program: ProgramType;
  readonly title: string;
  readonly townCode: string;
  readonly newlyEligible: { readonly subjects: Count; readonly persons: Count; readonly notReceiving: Count };
  readonly noLongerEligible: { readonly subjects: Count; readonly persons: Count; readonly receiving: Count };
  /** Σ monthly benefit after − before (fen), every qualifying subject receiving it; null when not computable or suppressed. */
  readonly monthlyCostDifferenceFen: number | null;
  /** The same for those receiving the program now. */
  readonly recipientsMonthlyCostDifferenceFen: number | null;
  readonly suppressed: boolean;
}

export interface WhatIfReport {
  readonly date: string;
  readonly scope: string;
  readonly threshold: number | null;
  readonly changes: { readonly standards: readonly StandardChange[]; readonly parameters: Readonly<Record<string, unknown>> };
  readonly subjectsEvaluated: number;
  /** Distinct subjects over every program: households (and their members), and persons qualifying on their own. */
  readonly totals: { readonly newlyEligible: { readonly households: Count; readonly persons: Count }; readonly noLongerEligible: { readonly households: Count; readonly persons: Count }; readonly monthlyCostDifferenceFen: number | null };
  readonly cells: readonly WhatIfCell[];
  /** Programs whose benefit the data cannot price (in kind, or amounts the seeds do not give). */
  readonly unpriced: readonly ProgramType[];
}

/** Households (with their members) and persons on their own, counted once each. */
function distinct(subjects: ReadonlyMap<string, number>, shown: (count: number) => Count): { households: Count; persons: Count } {
  let households = 0;
  let persons = 0;
  for (const [id, members] of subjects) {
    if (id.startsWith('household:')) households += 1;
    persons += members;
  }
  return { households: shown(households), persons: shown(persons) };
}

const invalid = (field: string, rule: string, message: string) => dataSharingError('DS_INVALID_QUERY', message, { field, rule });

export async function whatIf(deps: DataSharingDeps, principal: Principal, request: WhatIfRequest, threshold: number): Promise<WhatIfReport> {
  const standards = request.standards ?? [];
  const parameterChanges = request.parameters ?? {};
  if (standards.length === 0 && Object.keys(parameterChanges).length === 0) throw invalid('standards', 'at least one standard or parameter change', '未给出任何调整 (give at least one changed standard or parameter)');
  let parameters: RuleParameters;
  try {
    parameters = withParameters(deps.ruleParameters, parameterChanges);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    throw invalid(error.parameter === null ? 'parameters' : `parameters.${error.parameter}`, error.message, `参数无效 (${error.message})`);
  }
  standards.forEach((change, index) => {
    if (!change.regionCode.startsWith(principal.jurisdiction) && !principal.jurisdiction.startsWith(change.regionCode)) throw invalid(`standards[${String(index)}].regionCode`, 'must overlap the caller\'s jurisdiction', `标准区划不在辖区内 (${change.regionCode} is outside jurisdiction ${principal.jurisdiction})`);
    if ((change.standardKind ?? 'MONTHLY_AMOUNT').endsWith('MULTIPLIER') ? typeof change.ratioPermille !== 'number' : typeof change.valueFen !== 'number') throw invalid(`standards[${String(index)}]`, 'valueFen for an amount, ratioPermille for a multiplier', `标准缺少数值 (standard ${String(index)} needs valueFen, or ratioPermille for a multiplier)`);
  });
  const scope = scopeOf(principal, request.regionCode);
  const now = deps.now();
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const date = request.date ?? [today, ...standards.map((change) => change.effectiveFrom)].sort().at(-1) ?? today;
  // The instant compared at: now, or the start of a later date (China time).
  const at = date > today ? new Date(`${date}T00:00:00+08:00`) : now;

  const live = await referenceBook(deps);
  const values: StandardValue[] = standards.map((change, index) => ({
    versionId: `WHAT-IF-${String(index + 1)}`,
    program: change.program,
    standardKind: change.standardKind ?? 'MONTHLY_AMOUNT',
    regionCode: change.regionCode,
    effectiveFrom: change.effectiveFrom,
    effectiveTo: null,
    valueFen: change.valueFen ?? null,
    ratioPermille: change.ratioPermille ?? null,
    integerValue: null,
    source: { eventId: `what-if-${String(index + 1)}`, department: 'CIVIL_AFFAIRS_PLATFORM', occurredAt: now.toISOString() },
  }));
  const loaded = await load(deps, scope);
  const before = assess(loaded, scope, { now: at, parameters: deps.ruleParameters, reference: live });
  const after = assess(loaded, scope, { now: at, parameters, reference: live.withStandards(values) });

  const cells = new Map<string, { program: ProgramType; townCode: string; newly: number; newlyPersons: number; newlyNotReceiving: number; lost: number; lostPersons: number; lostReceiving: number; cost: number | null; recipientsCost: number | null; changed: boolean }>();
  const unpriced = new Set<ProgramType>();
  const add = (sum: number | null, fen: number | null) => (sum === null || fen === null ? null : sum + fen);
  const newly = new Map<string, number>();
  const lost = new Map<string, number>();
  let totalCost: number | null = 0;
  // The two passes list the same subjects in the same order.
  after.forEach((row, index) => {
    const old = before[index]?.standing;
    if (old === undefined) return;
    const next = row.standing;
    const priceBefore = old.eligible ? old.benefitFen : 0;
    const priceAfter = next.eligible ? next.benefitFen : 0;
    const difference = priceBefore === null || priceAfter === null ? null : priceAfter - priceBefore;
    if (old.eligible === next.eligible && difference === 0) return;
    const id = `${row.program}|${row.townCode}`;
    const cell = cells.get(id) ?? { program: row.program, townCode: row.townCode, newly: 0, newlyPersons: 0, newlyNotReceiving: 0, lost: 0, lostPersons: 0, lostReceiving: 0, cost: 0, recipientsCost: 0, changed: false };
    if (!old.eligible && next.eligible) {
      cell.newly += 1;
      cell.newlyPersons += row.persons;
      if (!next.receiving) cell.newlyNotReceiving += 1;
      newly.set(`${row.kind}:${row.key}`, row.persons);
    } else if (old.eligible && !next.eligible) {
      cell.lost += 1;
      cell.lostPersons += row.persons;
      if (old.receiving) cell.lostReceiving += 1;
      lost.set(`${row.kind}:${row.key}`, row.persons);
    }
    if (difference === null) unpriced.add(row.program);
    cell.cost = add(cell.cost, difference);
    if (next.receiving) cell.recipientsCost = add(cell.recipientsCost, difference);
    totalCost = add(totalCost, difference);
    cells.set(id, cell);
  });

  const suppress = suppressing(principal);
  const shown = shownBy(suppress, threshold);
  const titles = new Map(ELIGIBILITY.map((item) => [item.program, item.title]));
  return {
    date,
    scope,
    threshold: suppress ? threshold : null,
    changes: { standards, parameters: parameterChanges },
    subjectsEvaluated: new Set(after.map((row) => `${row.kind}:${row.key}`)).size,
    totals: { newlyEligible: distinct(newly, shown), noLongerEligible: distinct(lost, shown), monthlyCostDifferenceFen: totalCost },
    cells: [...cells.values()]
      .sort((a, b) => (a.program === b.program ? a.townCode.localeCompare(b.townCode) : a.program.localeCompare(b.program)))
      .map((cell) => {
        const small = suppress && [cell.newly, cell.lost].some((count) => count > 0 && count < threshold);
        return {
          program: cell.program,
          title: titles.get(cell.program) ?? cell.program,
          townCode: cell.townCode,
          newlyEligible: { subjects: shown(cell.newly), persons: shown(cell.newlyPersons), notReceiving: shown(cell.newlyNotReceiving) },
          noLongerEligible: { subjects: shown(cell.lost), persons: shown(cell.lostPersons), receiving: shown(cell.lostReceiving) },
          monthlyCostDifferenceFen: small ? null : cell.cost,
          recipientsMonthlyCostDifferenceFen: small ? null : cell.recipientsCost,
          suppressed: small,
        };
      }),
    unpriced: [...unpriced].sort(),
  };
}
