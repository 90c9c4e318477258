/**
 * Configuration, parsed and validated once from the environment. A service declares its
 * variables with these parsers and gets a typed, frozen object; a bad or missing value stops
 * start-up with a message naming every variable at fault and its rule. Nothing else in a service
 * reads `process.env`. Secrets have no defaults and are never echoed in messages.
 */

export interface VariableSpec<T> {
  /** Parses the raw value (undefined when unset or empty). Throws a string naming the rule. */
  readonly parse: (raw: string | undefined) => T;
  /** One line for the README table. */
  readonly doc: string;
  readonly secret: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { variable: string; rule: string }[]) {
    super(`配置错误 (configuration invalid):\n${problems.map((problem) => `  ${problem.variable}: ${problem.rule}`).join('\n')}`);
  }
}

export type Spec = Record<string, VariableSpec<unknown>>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends VariableSpec<infer T> ? T : never };

/** Parses every variable of `spec` from `env`; reports all problems at once. */
export function parseConfig<S extends Spec>(spec: S, env: Readonly<Record<string, string | undefined>> = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: { variable: string; rule: string }[] = [];
  for (const [variable, variableSpec] of Object.entries(spec)) {
    const raw = env[variable]?.trim();
    try {
      out[variable] = variableSpec.parse(raw === '' ? undefined : raw);
    } catch (rule) {
      problems.push({ variable, rule: rule instanceof Error ? rule.message : String(rule) });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

function required<T>(raw: string | undefined, fallback: T | undefined, convert: (raw: string) => T): T {
  if (raw === undefined) {
    if (fallback === undefined) throw new Error('is required and not set');
    return fallback;
  }
  return convert(raw);
}

export const env = {
  string(doc: string, options: { default?: string; pattern?: RegExp } = {}): VariableSpec<string> {
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (options.pattern && !options.pattern.test(value)) throw new Error(`must match ${options.pattern.source}`);
          return value;
        }),
    };
  },
  int(doc: string, options: { default?: number; min?: number; max?: number } = {}): VariableSpec<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (!/^-?\d+$/u.test(value)) throw new Error(`must be a whole number (got "${value}")`);
          const number = Number(value);
          if (number < min || number > max) throw new Error(`must be between ${min} and ${max} (got ${number})`);
          return number;
        }),
    };
  },
  bool(doc: string, options: { default?: boolean } = {}): VariableSpec<boolean> {
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (/^(true|1|yes)$/iu.test(value)) return true;
          if (/^(false|0|no)$/iu.test(value)) return false;
          throw new Error(`must be true or false (got "${value}")`);
        }),
    };
  },
  oneOf<const T extends string>(doc: string, values: readonly T[], options: { default?: T } = {}): VariableSpec<T> {
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (!(values as readonly string[]).includes(value)) throw new Error(`must be one of ${values.join(', ')} (got "${value}")`);
          return value as T;
        }),
    };
  },
  url(doc: string, options: { default?: string; protocols?: readonly string[] } = {}): VariableSpec<string> {
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          let url: URL;
          try {
            url = new URL(value);
          } catch {
            throw new Error('must be a URL');
          }
          if (options.protocols && !options.protocols.includes(url.protocol.replace(/:$/u, ''))) {
            throw new Error(`must be a ${options.protocols.join(' or ')} URL`);
          }
          return value;
        }),
    };
  },
  /** A comma-separated list (empty entries dropped). */
  list(doc: string, options: { default?: readonly string[]; min?: number } = {}): VariableSpec<readonly string[]> {
    return {
      doc,
      secret: false,
      parse: (raw) =>
        required(raw, options.default, (value) => {
          const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
          if (items.length < (options.min ?? 0)) throw new Error(`must list at least ${options.min ?? 0} comma-separated values`);
          return Object.freeze(items);
        }),
    };
  },
  /** A value of any shape, parsed by `convert` (which throws an Error naming the rule). */
  custom<T>(doc: string, convert: (raw: string) => T, options: { default?: T } = {}): VariableSpec<T> {
    return { doc, secret: false, parse: (raw) => required(raw, options.default, convert) };
  },
  /** A secret: required, parsed by `convert` (whose error must not repeat the value). */
  secret<T>(doc: string, convert: (raw: string) => T): VariableSpec<T> {
    return {
      doc,
      secret: true,
      parse: (raw) => {
        if (raw === undefined) throw new Error('is required and not set (a secret has no default)');
        try {
          return convert(raw);
        } catch (error) {
          // The converter's rule, never the value.
          throw new Error(error instanceof Error ? error.message : 'is not a valid value', { cause: error });
        }
      },
    };
  },
};
