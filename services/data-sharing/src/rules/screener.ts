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
import { householdFacts, personFacts, residenceOf, type FactContext, type Screened, type WaterUse } from './facts.js';
import type { RuleParameters } from './parameters.js';
import type { ReferenceBook } from './reference.js';
import type { SubjectWakes, WakeupDocument, WakeupSlotDocument, WakeupStore } from './scheduler.js';
import { waterUseId, type WaterUseStore } from './water-use.js';

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
  /** Where the next time-driven evaluation of each subject is kept (absent: none planned). */
  readonly wakeups?: WakeupStore;
  /** The meters' readings (absent: water silence from the water company's anomalies only). */
  readonly waterUse?: WaterUseStore;
}

type Summary = SubjectSummaryDocument;

/** What one pass produced: the evaluations for the flags and the next wakes for the scheduler. */
interface Pass {
  readonly evaluations: Evaluation[];
  readonly wakes: SubjectWakes[];
}

export interface ScreenAllOptions {
  /** Only the rules depending on one of these (default: every rule). */
  readonly changed?: ReadonlySet<string>;
  /** Only the subjects in these regions (code prefixes). */
  readonly regionCodes?: readonly string[];
  /** After each 1,000 subjects. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A summary with its meters' readings, as the facts read it. */
const withWater = (summary: Summary, water: ReadonlyMap<string, WaterUse>): Screened => ({ ...summary, water: water.get(waterUseId(summary.kind, summary._id)) ?? null });

export class Screener {
  readonly metrics: ScreenerMetrics = { passes: 0, subjectsEvaluated: 0, ruleEvaluations: 0, unlocated: 0 };
  private readonly persons: mongo.Collection<Summary>;
  private readonly households: mongo.Collection<Summary>;
  /** The pass running now: passes run one at a time (see `exclusive`). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ScreenerOptions) {
    this.persons = options.connection.collection<Summary>(SUMMARIES.person);
    this.households = options.connection.collection<Summary>(SUMMARIES.household);
  }

  get reference(): ReferenceBook {
    return this.options.reference;
  }

  get wakeups(): WakeupStore | undefined {
    return this.options.wakeups;
  }

  /** The screener's clock (the scheduler runs on the same). */
  get now(): () => Date {
    return this.options.now;
  }

  private async load(collection: mongo.Collection<Summary>, ids: Iterable<string>, into: Map<string, Summary>): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !into.has(id));
    for (let start = 0; start < wanted.length; start += 1_000) {
      // `$in` lists up to 1,000 use the `_id` index on FerretDB (patch 0001).
      for (const document of await collection.find({ _id: { $in: wanted.slice(start, start + 1_000) } }).toArray()) into.set(document._id, document);
    }
  }

  /**
   * Runs passes one at a time. A pass reads the subjects, the readings, the flags and the wake-up
   * slots, then writes the flags and the next wake-ups; two passes over the same subject at once
   * (the summary refresher's and a meter reading's) could each write what it computed from what
   * the other had not yet written — a wake-up replaced by one computed without the reading is a
   * missed deadline. In one instance, this queue prevents it; across instances it does not
   * (README, "Not done").
   */
  private exclusive<T>(pass: () => Promise<T>): Promise<T> {
    const next = this.queue.then(pass, pass);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Event-driven: the subjects that changed and what changed them. */
  screen(targets: readonly ScreenTarget[]): Promise<number> {
    if (targets.length === 0) return Promise.resolve(0);
    return this.exclusive(() => this.screenNow(targets));
  }

  private async screenNow(targets: readonly ScreenTarget[]): Promise<number> {
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
    const water = (await this.options.waterUse?.of([...[...persons.keys()].map((key) => waterUseId('person', key)), ...[...households.keys()].map((key) => waterUseId('household', key))])) ?? new Map<string, WaterUse>();
    const pass: Pass = { evaluations: [], wakes: [] };
    const context = this.context();
    for (const [key, changed] of personChanges) {
      const person = persons.get(key);
      if (person !== undefined) this.evaluatePerson(pass, person, households, water, context, changed);
    }
    for (const [key, changed] of householdChanges) {
      const household = households.get(key);
      if (household !== undefined) this.evaluateHousehold(pass, household, persons, water, context, changed);
    }
    const written = await this.options.flags.apply(pass.evaluations, context.now);
    await this.options.wakeups?.plan(pass.wakes);
    return written;
  }

  /** Time-driven: the subjects whose wake-ups fell due (`Scheduler`), every rule depending on time. */
  screenDue(due: readonly WakeupDocument[]): Promise<number> {
    return this.screen(due.map((wakeup) => ({ kind: wakeup.kind, key: wakeup.key, changed: new Set(['time']) })));
  }

  /**
   * Batch: every household and person (or those in `regionCodes`), every rule of theirs (or those
   * depending on `changed`). Reads both summary collections once. Progress after each 1,000 subjects.
   */
  screenAll(options: ScreenAllOptions = {}): Promise<{ persons: number; households: number; written: number }> {
    return this.exclusive(() => this.screenAllNow(options));
  }

  private async screenAllNow(options: ScreenAllOptions): Promise<{ persons: number; households: number; written: number }> {
    const persons = new Map<string, Summary>();
    const households = new Map<string, Summary>();
    for await (const document of this.persons.find({})) persons.set(document._id, document);
    for await (const document of this.households.find({})) households.set(document._id, document);
    const water = (await this.options.waterUse?.all()) ?? new Map<string, WaterUse>();
    // The flags and wake-up slots, read once (each subject is evaluated once in the pass).
    const flags = await this.options.flags.allBySlot();
    const slots = (await this.options.wakeups?.allSlots()) ?? new Map<string, WakeupSlotDocument>();
    const inRegion = (regionCode: string | null) => options.regionCodes === undefined || options.regionCodes.some((code) => regionCode?.startsWith(code) === true);
    const chosenHouseholds = [...households.values()].filter((household) => inRegion(household.current.regionCode));
    const chosenPersons = [...persons.values()].filter((person) => inRegion(residenceOf(person, Screener.householdOf(person, households))));
    const total = chosenHouseholds.length + chosenPersons.length;
    const context = this.context();
    let done = 0;
    let written = 0;
    let pass: Pass = { evaluations: [], wakes: [] };
    const flush = async () => {
      written += await this.options.flags.apply(pass.evaluations, context.now, flags);
      await this.options.wakeups?.plan(pass.wakes, slots);
      pass = { evaluations: [], wakes: [] };
      options.onProgress?.(done, total);
    };
    for (const household of chosenHouseholds) {
      this.evaluateHousehold(pass, household, persons, water, context, options.changed);
      done += 1;
      if (done % 1_000 === 0) await flush();
    }
    for (const person of chosenPersons) {
      this.evaluatePerson(pass, person, households, water, context, options.changed);
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

  private evaluatePerson(pass: Pass, person: Summary, households: ReadonlyMap<string, Summary>, water: ReadonlyMap<string, WaterUse>, context: FactContext, changed?: ReadonlySet<string>): void {
    const rules = this.options.engine.rulesFor('person', changed);
    if (rules.length === 0) return;
    const household = Screener.householdOf(person, households);
    const regionCode = residenceOf(person, household);
    if (regionCode === null || person.idNumber === null) {
      this.metrics.unlocated += 1;
      return;
    }
    const facts = personFacts(withWater(person, water), household === null ? null : withWater(household as Summary, water), context);
    const results = this.options.engine.evaluate('person', facts, rules);
    this.count(results.size);
    const keyring = this.options.keyring;
    let ref: FlagSubject['person'] | undefined;
    // The ID number is decrypted only when a flag event names the person.
    const subject: FlagSubject = {
      kind: 'person',
      key: person._id,
      regionCode,
      householdId: household?._id ?? null,
      get person() {
        ref ??= { personKey: person._id, idNumber: decryptField(keyring, person.idNumber ?? '', aadOf('person', person._id, 'idNumber')), name: null };
        return ref;
      },
    };
    for (const { rule } of rules) pass.evaluations.push({ subject, rule, match: results.get(rule.id) ?? null });
    pass.wakes.push({ kind: 'person', key: person._id, wakes: facts.wakes });
  }

  private evaluateHousehold(pass: Pass, household: Summary, persons: ReadonlyMap<string, Summary>, water: ReadonlyMap<string, WaterUse>, context: FactContext, changed?: ReadonlySet<string>): void {
    const rules = this.options.engine.rulesFor('household', changed);
    if (rules.length === 0) return;
    const regionCode = household.current.regionCode;
    if (regionCode === null) {
      this.metrics.unlocated += 1;
      return;
    }
    const members = household.ruleInputs.members.map((member) => persons.get(member.personKey)).filter((member): member is Summary => member !== undefined);
    const facts = householdFacts(withWater(household, water), members, context);
    const results = this.options.engine.evaluate('household', facts, rules);
    this.count(results.size);
    const subject: FlagSubject = { kind: 'household', key: household._id, regionCode, householdId: household._id, person: null };
    for (const { rule } of rules) pass.evaluations.push({ subject, rule, match: results.get(rule.id) ?? null });
    pass.wakes.push({ kind: 'household', key: household._id, wakes: facts.wakes });
  }

  private count(rules: number): void {
    this.metrics.subjectsEvaluated += 1;
    this.metrics.ruleEvaluations += rules;
  }
}
