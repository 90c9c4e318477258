/**
 * The rule engine: compiles the definitions (`definitions.ts`) once into closures and evaluates a
 * subject's facts (`facts.ts`) against the rules of its kind. A match carries everything a flag
 * needs to explain itself: the rule and its version, the urgency, the Chinese explanation rendered
 * from the facts, the facts used with their sources, the standard version compared against, and an
 * evidence key (what makes it a new occurrence).
 *
 * `rulesFor(kind, changed)` picks the rules whose inputs depend on what changed (event types,
 * `time`, `standard`, `household`, `members`, `disaster`): an event re-evaluates only those.
 */
import { createHash } from 'node:crypto';
import type { Department, Urgency } from '@minzheng/contracts';
import { compileCondition, factsOf, type FactMap, type Predicate } from './conditions.js';
import type { RuleDefinition } from './definitions.js';
import { FACT_CATALOG, FACT_NAMES, type FactSet } from './facts.js';
import type { Cite } from './inputs.js';
import { PARAMETER_DEFINITIONS, type RuleParameters } from './parameters.js';

export interface FlagFact {
  readonly name: string;
  readonly value: string;
  readonly sourceEventId: string;
  readonly sourceDepartment: Department;
  readonly occurredAt: string;
}

export interface RuleMatch {
  readonly rule: RuleDefinition;
  readonly urgency: Urgency;
  readonly explanation: string;
  readonly facts: readonly FlagFact[];
  readonly standardVersionId: string | null;
  readonly evidenceKey: string;
  /** The latest source event among the facts (the flag's cause). */
  readonly causationId: string | null;
}

interface CompiledRule {
  readonly rule: RuleDefinition;
  readonly when: Predicate;
  readonly escalate: Predicate | null;
  /** Everything the rule's inputs depend on. */
  readonly dependsOn: ReadonlySet<string>;
}

const PARAMETER_NAMES = new Set(Object.keys(PARAMETER_DEFINITIONS));
export const KNOWN_INPUTS: ReadonlySet<string> = new Set([...FACT_NAMES, ...PARAMETER_NAMES]);

/** Chinese labels of the enum values the explanations show. */
const LABELS: Readonly<Record<string, string>> = {
  ALONE: '独居',
  EMPTY_NEST: '空巢',
  WITH_FAMILY: '与家人同住',
  INSTITUTION: '机构养老',
  DIBAO: '低保',
  LOW_INCOME: '低收入',
  TEKUN: '特困供养',
  TEMPORARY_AID: '临时救助',
  EXPENDITURE_HARDSHIP: '支出型困难救助',
  MEDICAL_AID: '医疗救助',
  EDUCATION_AID: '教育救助',
  HOUSING_AID: '住房救助',
  ADVANCED_AGE_ALLOWANCE: '高龄津贴',
  ELDERLY_CARE_SUBSIDY: '护理补贴',
  ORPHAN_ALLOWANCE: '孤儿基本生活费',
  DEFACTO_UNSUPPORTED_CHILD_ALLOWANCE: '事实无人抚养儿童生活补贴',
  DISABILITY_LIVING_SUBSIDY: '困难残疾人生活补贴',
  DISABILITY_CARE_SUBSIDY: '重度残疾人护理补贴',
  CHARITY_AID: '慈善救助',
  SEVERE: '失能',
  MODERATE: '半失能',
  MILD: '轻度失能',
  GRADE_1: '一级',
  GRADE_2: '二级',
  GRADE_3: '三级',
  GRADE_4: '四级',
  VISUAL: '视力',
  HEARING: '听力',
  SPEECH: '言语',
  PHYSICAL: '肢体',
  INTELLECTUAL: '智力',
  MENTAL: '精神',
  MULTIPLE: '多重',
  JUNIOR_HIGH: '初中',
  SENIOR_HIGH: '高中',
  UNIVERSITY: '大学',
  VOCATIONAL: '职业学校',
  DEATH: '死亡',
  DETENTION: '被羁押',
  MISSING: '失踪',
  REVOKED: '监护资格被撤销',
  SERIOUS_ILLNESS: '重病',
  INSTITUTIONAL_ORPHAN: '集中供养孤儿',
  SCATTERED_ORPHAN: '散居孤儿',
  DEFACTO_UNSUPPORTED: '事实无人抚养儿童',
  HEART_RATE: '心率异常',
  RESPIRATION_RATE: '呼吸异常',
  BLOOD_OXYGEN: '血氧异常',
  SYSTOLIC_PRESSURE: '收缩压异常',
  DIASTOLIC_PRESSURE: '舒张压异常',
  BODY_TEMPERATURE: '体温异常',
  FALL_DETECTED: '跌倒',
  NO_MOVEMENT: '长时间无活动',
  OUT_OF_BED: '离床未归',
  ACCIDENT: '意外事故',
  FIRE: '火灾',
  VIOLENCE: '暴力侵害',
  DOMESTIC_VIOLENCE: '家庭暴力',
  DEATH_OF_BREADWINNER: '主要劳动力死亡',
  LIVING_HARDSHIP: '生活困难',
};

const label = (value: string): string => LABELS[value] ?? value;

function render(value: unknown, format: string | undefined): string {
  if (value === null || value === undefined) return '未知';
  if (format === 'yuan' && typeof value === 'number') return `${(value / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}元`;
  if (format === 'permille' && typeof value === 'number') return value >= Number.MAX_SAFE_INTEGER ? '无收入' : `${(value / 10).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
  if (Array.isArray(value)) return value.length === 0 ? '无' : value.map((item) => label(String(item))).join('、');
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value.includes('+') ? value.split('+').map(label).join('与') : label(value);
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Renders `{fact}` / `{fact|format}`; a parameter the seeds do not give is marked as such. */
export function renderExplanation(template: string, values: FactMap): string {
  return template.replace(/\{(\w+)(?:\|(\w+))?\}/gu, (_whole, name: string, format: string | undefined) => {
    const text = render(values[name], format);
    const definition = (PARAMETER_DEFINITIONS as Readonly<Record<string, { given: string }>>)[name];
    return definition?.given === 'parameter' ? `${text}（参数）` : text;
  });
}

function factText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export class RuleEngine {
  private readonly compiled: readonly CompiledRule[];
  private readonly byKind: Readonly<Record<'person' | 'household', readonly CompiledRule[]>>;

  constructor(
    readonly rules: readonly RuleDefinition[],
    private readonly parameters: RuleParameters,
  ) {
    // The parameters are constants of the compiled conditions (a fact of the same name wins, as in `factMap`).
    const constants = Object.fromEntries(Object.entries(parameters).filter(([name]) => !Object.hasOwn(FACT_CATALOG, name)));
    this.compiled = rules.map((rule) => {
      const declared = new Set<string>(rule.inputs);
      for (const name of [...factsOf(rule.condition), ...(rule.escalation === undefined ? [] : factsOf(rule.escalation.condition)), ...rule.evidence]) {
        if (!declared.has(name)) throw new Error(`rule ${rule.id}: ${name} is read but not among its inputs`);
      }
      for (const name of rule.explanation.matchAll(/\{(\w+)/gu)) if (!declared.has(name[1] ?? '')) throw new Error(`rule ${rule.id}: the explanation shows ${String(name[1])}, not among its inputs`);
      const dependsOn = new Set<string>();
      for (const input of rule.inputs) {
        if (!KNOWN_INPUTS.has(input)) throw new Error(`rule ${rule.id}: unknown input ${input}`);
        const entry = (FACT_CATALOG as Readonly<Record<string, { dependsOn: readonly string[] }>>)[input];
        for (const dependency of entry?.dependsOn ?? ['parameter']) dependsOn.add(dependency);
      }
      return { rule, when: compileCondition(rule.condition, KNOWN_INPUTS, constants), escalate: rule.escalation === undefined ? null : compileCondition(rule.escalation.condition, KNOWN_INPUTS, constants), dependsOn };
    });
    this.byKind = { person: this.compiled.filter((item) => item.rule.subject === 'person'), household: this.compiled.filter((item) => item.rule.subject === 'household') };
  }

  /** The rules of `kind`; with `changed`, only those whose inputs depend on one of the changes. */
  rulesFor(kind: 'person' | 'household', changed?: ReadonlySet<string>): readonly CompiledRule[] {
    if (changed === undefined) return this.byKind[kind];
    return this.byKind[kind].filter((item) => [...item.dependsOn].some((dependency) => changed.has(dependency)));
  }

  /** The fact map a condition reads: the facts and the parameters. */
  factMap(facts: FactSet): FactMap {
    return { ...this.parameters, ...facts.values };
  }

  /** Evaluates the given rules (default: all of `kind`); returns one entry per rule: its match or null. */
  evaluate(kind: 'person' | 'household', facts: FactSet, rules: readonly CompiledRule[] = this.rulesFor(kind)): Map<string, RuleMatch | null> {
    const out = new Map<string, RuleMatch | null>();
    let values: FactMap | undefined;
    for (const item of rules) {
      if (item.when(facts.values)) {
        values ??= this.factMap(facts);
        out.set(item.rule.id, this.match(item, facts, values));
      } else out.set(item.rule.id, null);
    }
    return out;
  }

  /** Only whether each rule fires (the re-screen's hot path: no explanation is built). */
  test(kind: 'person' | 'household', facts: FactSet): string[] {
    const fired: string[] = [];
    for (const item of this.byKind[kind]) if (item.when(facts.values)) fired.push(item.rule.id);
    return fired;
  }

  private match(item: CompiledRule, facts: FactSet, values: FactMap): RuleMatch {
    const { rule } = item;
    const flagFacts: FlagFact[] = [];
    let causation: Cite | null = null;
    for (const name of rule.inputs) {
      for (const source of facts.sources[name] ?? []) {
        flagFacts.push({ name, value: factText(values[name]), sourceEventId: source.eventId, sourceDepartment: source.department as Department, occurredAt: source.occurredAt });
        if (causation === null || source.occurredAt > causation.occurredAt) causation = source;
      }
    }
    // An occurrence is named by the events behind the evidence (values such as "hours since" move
    // with time and must not make a new one); a fact without sources, by its value.
    const evidence = rule.evidence.map((name) => `${name}=${facts.sources[name]?.map((source) => source.eventId).join(',') ?? factText(values[name])}`).join(';');
    const standardVersionId = rule.inputs.map((name) => facts.standards[name]).find((id) => id !== undefined) ?? null;
    return {
      rule,
      urgency: item.escalate?.(values) === true ? (rule.escalation?.urgency ?? rule.urgency) : rule.urgency,
      explanation: renderExplanation(rule.explanation, values),
      facts: flagFacts,
      standardVersionId,
      evidenceKey: createHash('sha256').update(evidence).digest('hex').slice(0, 32),
      causationId: causation?.eventId ?? null,
    };
  }
}
