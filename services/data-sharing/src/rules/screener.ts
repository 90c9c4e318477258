/**
 * 政策找人, as it runs: evaluates the rules for subjects whose summaries just changed
 * (event-driven: the refresher hands over each refreshed subject with the event types that changed
 * it, and only the rules depending on those are evaluated), and for every subject, or those of some
 * regions (a batch re-screen after a standard changed or a disaster was declared), then applies the
 * outcomes to the flags (`FlagRepository`).
 *
 * A person is evaluated with their household (the one whose latest composition lists them, else
 * the first they are linked to); a household with its members. A change to a household therefore
 * re-evaluates its members' person rules (their `household` input changed), and a change to a
 * person their household's rules (`members`).
 */
import { decryptField, type Keyring } from '@minzheng/identity/field-crypto';
import type { Connection, mongo } from 'mongoose';
import type { FlagRepository, Evaluation, FlagSubject } from '../flags/flag.repository.js';
import { aadOf, type SubjectSummaryDocument } from '../projection/fold.js';
import type { SubjectKind } from '../projection/model.js';
import { SUMMARIES } from '../projection/projector.js';
import type { RuleEngine } from './engine.js';
import { householdFacts, personFacts, type FactContext, type Screened } from './facts.js';
import type { RuleParameters } from './parameters.js';
import type { ReferenceBook } from './reference.js';

export interface ScreenTarget {
  readonly kind: SubjectKind;
  readonly key: string;
  /** What changed: event types, or `household` / `members` / `standard` / `disaster` / `time`. */
  readonly changed: ReadonlySet<string>;
}

export interface ScreenerMetrics {
  passes: number;
  subjectsEvaluated: number;
  ruleEvaluations: number;
  /** Subjects without a region (nobody's jurisdiction): not evaluated. */
  unlocated: number;
}

export interface ScreenerOptions {
  readonly connection: Connection;
  readonly engine: RuleEngine;
  readonly reference: ReferenceBook;
  readonly parameters: RuleParameters;
  readonly flags: FlagRepository;
  readonly keyring: Keyring;
  readonly now: () => Date;
}

type Summary = SubjectSummaryDocument;

export class Screener {
  readonly metrics: ScreenerMetrics = { passes: 0, subjectsEvaluated: 0, ruleEvaluations: 0, unlocated: 0 };
  private readonly persons: mongo.Collection<Summary>;
  private readonly households: mongo.Collection<Summary>;

  constructor(private readonly options: ScreenerOptions) {
    this.persons = options.connection.collection<Summary>(SUMMARIES.person);
    this.households = options.connection.collection<Summary>(SUMMARIES.household);
  }

  get reference(): ReferenceBook {
    return this.options.reference;
  }

  private async load(collection: mongo.Collection<Summary>, ids: Iterable<string>, into: Map<string, Summary>): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !into.has(id));
    for (let start = 0; start < wanted.length; start += 1_000) {
      // `$in` lists up to 1,000 use the `_id` index on FerretDB (patch 0001).
      for (const document of await collection.find({ _id: { $in: wanted.slice(start, start + 1_000) } }).toArray()) into.set(document._id, document);
    }
  }

  /** Event-driven: the subjects that changed and what changed them. */
  async screen(targets: readonly ScreenTarget[]): Promise<number> {
    if (targets.length === 0) return 0;
    this.metrics.passes += 1;
    const personChanges = new Map<string, Set<string>>();
    const householdChanges = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, key: string, changed: Iterable<string>) => {
      const set = map.get(key) ?? new Set<string>();
      for (const item of changed) set.add(item);
      map.set(key, set);
    };
    for (const target of targets) add(target.kind === 'person' ? personChanges : householdChanges, target.key, target.changed);
    const persons = new Map<string, Summary>();
    const households = new Map<string, Summary>();
    await this.load(this.persons, personChanges.keys(), persons);
    await this.load(this.households, householdChanges.keys(), households);
    // One hop: a household's members, a person's households.
    for (const [key, changed] of [...householdChanges]) for (const member of households.get(key)?.ruleInputs.members ?? []) add(personChanges, member.personKey, [...changed, 'household']);
    for (const [key, changed] of [...personChanges]) for (const householdId of persons.get(key)?.households ?? []) add(householdChanges, householdId, [...changed, 'members']);
    await this.load(this.persons, personChanges.keys(), persons);
    await this.load(this.households, [...householdChanges.keys(), ...[...persons.values()].flatMap((person) => person.households)], households);
    await this.load(this.persons, [...householdChanges.keys()].flatMap((key) => households.get(key)?.ruleInputs.members.map((member) => member.personKey) ?? []), persons);
    const evaluations: Evaluation[] = [];
    const context = this.context();
    for (const [key, changed] of personChanges) {
      const person = persons.get(key);
      if (person !== undefined) evaluations.push(...this.evaluatePerson(person, households, context, changed));
    }
    for (const [key, changed] of householdChanges) {
      const household = households.get(key);
      if (household !== undefined) evaluations.push(...this.evaluateHousehold(household, persons, context, changed));
    }
    return this.options.flags.apply(evaluations, context.now);
  }

  /**
   * Batch: every household and person (or those in `regionCodes`), every rule of theirs (or those
   * depending on `changed`). Reads both summary collections once. Progress after each 1,000 subjects.
   */
  async screenAll(options: { changed?: ReadonlySet<string>; regionCodes?: readonly string[]; onProgress?: (done: number, total: number) => void } = {}): Promise<{ persons: number; households: number; written: number }> {
    const persons = new Map<string, Summary>();
    const households = new Map<string, Summary>();
    for await (const document of this.persons.find({})) persons.set(document._id, document);
    for await (const document of this.households.find({})) households.set(document._id, document);
    const inRegion = (summary: Summary) => options.regionCodes === undefined || options.regionCodes.some((code) => summary.current.regionCode?.startsWith(code) === true);
    const chosenHouseholds = [...households.values()].filter(inRegion);
    const chosenPersons = [...persons.values()].filter(inRegion);
    const total = chosenHouseholds.length + chosenPersons.length;
    const context = this.context();
    let done = 0;
    let written = 0;
    let evaluations: Evaluation[] = [];
    const flush = async () => {
      written += await this.options.flags.apply(evaluations, context.now);
      evaluations = [];
      options.onProgress?.(done, total);
    };
    for (const household of chosenHouseholds) {
      evaluations.push(...this.evaluateHousehold(household, persons, context, options.changed));
      done += 1;
      if (done % 1_000 === 0) await flush();
    }
    for (const person of chosenPersons) {
      evaluations.push(...this.evaluatePerson(person, households, context, options.changed));
      done += 1;
      if (done % 1_000 === 0) await flush();
    }
    await flush();
    return { persons: chosenPersons.length, households: chosenHouseholds.length, written };
  }

  private context(): FactContext {
    return { now: this.options.now(), parameters: this.options.parameters, reference: this.options.reference };
  }

  /** The household a person is evaluated with: the one whose latest composition lists them, else the first known. */
  static householdOf(person: Screened, households: ReadonlyMap<string, Screened>): Screened | null {
    const linked = person.households.map((id) => households.get(id)).filter((household): household is Screened => household !== undefined);
    return linked.find((household) => household.ruleInputs.members.some((member) => member.personKey === person._id)) ?? linked[0] ?? null;
  }

  private evaluatePerson(person: Summary, households: ReadonlyMap<string, Summary>, context: FactContext, changed?: ReadonlySet<string>): Evaluation[] {
    const rules = this.options.engine.rulesFor('person', changed);
    if (rules.length === 0) return [];
    const regionCode = person.current.regionCode;
    if (regionCode === null || person.idNumber === null) {
      this.metrics.unlocated += 1;
      return [];
    }
    const household = Screener.householdOf(person, households);
    const results = this.options.engine.evaluate('person', personFacts(person, household, context), rules);
    this.count(results.size);
    let ref: FlagSubject['person'] | undefined;
    const subject = (): FlagSubject => {
      ref ??= { personKey: person._id, idNumber: decryptField(this.options.keyring, person.idNumber ?? '', aadOf('person', person._id, 'idNumber')), name: null };
      return { kind: 'person', key: person._id, regionCode, householdId: household?._id ?? null, person: ref };
    };
    return rules.map(({ rule }) => ({ subject: subject(), rule, match: results.get(rule.id) ?? null }));
  }

  private evaluateHousehold(household: Summary, persons: ReadonlyMap<string, Summary>, context: FactContext, changed?: ReadonlySet<string>): Evaluation[] {
    const rules = this.options.engine.rulesFor('household', changed);
    if (rules.length === 0) return [];
    const regionCode = household.current.regionCode;
    if (regionCode === null) {
      this.metrics.unlocated += 1;
      return [];
    }
    const members = household.ruleInputs.members.map((member) => persons.get(member.personKey)).filter((member): member is Summary => member !== undefined);
    const results = this.options.engine.evaluate('household', householdFacts(household, members, context), rules);
    this.count(results.size);
    const subject: FlagSubject = { kind: 'household', key: household._id, regionCode, householdId: household._id, person: null };
    return rules.map(({ rule }) => ({ subject, rule, match: results.get(rule.id) ?? null }));
  }

  private count(rules: number): void {
    this.metrics.subjectsEvaluated += 1;
    this.metrics.ruleEvaluations += rules;
  }
}
