/**
 * Rule conditions: declarative, in the shape json-rules-engine reads (`all` / `any` / `not` over
 * `{ fact, operator, value }`, where `value` may be `{ fact }`, a reference to another fact), so
 * the very same definitions run on json-rules-engine in the benchmark. `compileCondition` turns one
 * into a plain closure over a fact map: no interpretation at evaluation time, no promises, no
 * allocation besides the closure's own.
 *
 * Semantics follow json-rules-engine's built-in operators, one stricter: numeric comparisons are
 * false unless both sides are numbers (a fact that is unknown — null — never passes `lessThan`, nor
 * a threshold that is unknown: json-rules-engine checks only the fact's side, and the benchmark
 * gives it operators that check both), `in` / `notIn`
 * look the fact up in the value (an array), `contains` / `doesNotContain` look the value up in the
 * fact (an array; false when the fact is not one).
 */

export const OPERATORS = ['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Literal = string | number | boolean | null | readonly (string | number)[];

/** A reference to another fact's value, as json-rules-engine writes it. */
export interface FactReference {
  readonly fact: string;
}

export interface Comparison {
  readonly fact: string;
  readonly operator: Operator;
  readonly value: Literal | FactReference;
}

export type Condition = Comparison | { readonly all: readonly Condition[] } | { readonly any: readonly Condition[] } | { readonly not: Condition };

/** The facts a rule reads, by name (`facts.ts` builds them). */
export type FactMap = Readonly<Record<string, unknown>>;

export type Predicate = (facts: FactMap) => boolean;

const isReference = (value: Comparison['value']): value is FactReference => value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as FactReference).fact === 'string';

const num = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

const TESTS: Readonly<Record<Operator, (fact: unknown, value: unknown) => boolean>> = {
  equal: (fact, value) => fact === value,
  notEqual: (fact, value) => fact !== value,
  lessThan: (fact, value) => num(fact) && num(value) && fact < value,
  lessThanInclusive: (fact, value) => num(fact) && num(value) && fact <= value,
  greaterThan: (fact, value) => num(fact) && num(value) && fact > value,
  greaterThanInclusive: (fact, value) => num(fact) && num(value) && fact >= value,
  in: (fact, value) => Array.isArray(value) && value.includes(fact),
  notIn: (fact, value) => Array.isArray(value) && !value.includes(fact),
  contains: (fact, value) => Array.isArray(fact) && fact.includes(value),
  doesNotContain: (fact, value) => Array.isArray(fact) && !fact.includes(value),
};

export class ConditionError extends Error {}

/**
 * Compiles a condition to a predicate; an unknown operator or fact (when `known` is given) is an
 * error at compile time, not at evaluation. Names in `constants` (the parameters of an engine,
 * fixed for its life) are read once, here: the predicate then reads only the subject's facts, so
 * nothing has to merge facts and parameters per subject.
 */
export function compileCondition(condition: Condition, known?: ReadonlySet<string>, constants: Readonly<Record<string, unknown>> = {}): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map((part) => compileCondition(part, known, constants));
    return (facts) => {
      for (const part of parts) if (!part(facts)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((part) => compileCondition(part, known, constants));
    return (facts) => {
      for (const part of parts) if (part(facts)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, known, constants);
    return (facts) => !inner(facts);
  }
  const test = TESTS[condition.operator] as ((fact: unknown, value: unknown) => boolean) | undefined;
  if (test === undefined) throw new ConditionError(`unknown operator ${condition.operator as string} (one of ${OPERATORS.join(', ')})`);
  for (const name of factsOf(condition)) if (known !== undefined && !known.has(name)) throw new ConditionError(`unknown fact ${name}`);
  const { fact, value } = condition;
  const constant = (name: string) => Object.hasOwn(constants, name);
  if (isReference(value)) {
    const other = value.fact;
    if (constant(fact) && constant(other)) {
      const result = test(constants[fact], constants[other]);
      return () => result;
    }
    if (constant(other)) {
      const bound = constants[other];
      return (facts) => test(facts[fact], bound);
    }
    if (constant(fact)) {
      const bound = constants[fact];
      return (facts) => test(bound, facts[other]);
    }
    return (facts) => test(facts[fact], facts[other]);
  }
  if (constant(fact)) {
    const result = test(constants[fact], value);
    return () => result;
  }
  return (facts) => test(facts[fact], value);
}

/** Every fact a condition reads (including the ones it compares against). */
export function factsOf(condition: Condition): string[] {
  if ('all' in condition) return [...new Set(condition.all.flatMap(factsOf))];
  if ('any' in condition) return [...new Set(condition.any.flatMap(factsOf))];
  if ('not' in condition) return factsOf(condition.not);
  return isReference(condition.value) ? [condition.fact, condition.value.fact] : [condition.fact];
}
