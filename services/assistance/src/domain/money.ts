/**
 * Money and ratios as integers. Amounts are integer fen (分, 1 yuan = 100 fen) and never floats.
 * Ratios are integer permille (‰, 1000 = 1×), the unit the wire contract `mz.reference
 * StandardChanged.ratioPermille` uses, so a standard travels without conversion.
 *
 * Rounding rule (the only one in the domain): when a division does not come out even, the result
 * is rounded HALF UP to the whole fen (0.5 fen and more → up, less → down), computed exactly on
 * integers (BigInt), once, at the end of each calculation. All amounts here are non-negative, so
 * "half up" and "half away from zero" coincide.
 */
import { AssistanceError, invalidInput } from './errors.js';

/** The one rounding rule, recorded on every computed amount that involved a division. */
export const ROUNDING_RULE = 'HALF_UP_TO_FEN' as const;
export type RoundingRule = typeof ROUNDING_RULE;

/** 1× as a ratio in permille. */
export const PERMILLE = 1000;

/** Requires an amount in fen: a safe integer, not negative (`ASSIST_INVALID_INPUT`, `ASSIST_NEGATIVE_AMOUNT`). */
export function assertFen(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) throw invalidInput(field, 'must be an integer amount in fen', { value });
  if (value < 0) {
    throw new AssistanceError('ASSIST_NEGATIVE_AMOUNT', `金额不能为负数 (${field} must not be negative)`, { field, rule: 'must not be negative', value });
  }
}

/** Requires a safe integer ≥ `minimum` (ratios, counts); `ASSIST_INVALID_INPUT` otherwise. */
export function assertIntegerAtLeast(value: number, minimum: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw invalidInput(field, `must be an integer of at least ${minimum}`, { value });
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidInput(what, 'result is too large to be represented exactly');
  return Number(value);
}

/**
 * `a × b ÷ divisor` for non-negative integers, rounded half up to the integer, computed exactly.
 * E.g. `mulDivHalfUp(110_000, 1_500, 1_000)` = 165,000 (1.5 × 1,100 yuan in fen).
 */
export function mulDivHalfUp(a: number, b: number, divisor: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(divisor) || a < 0 || b < 0 || divisor <= 0) {
    throw new RangeError(`mulDivHalfUp needs non-negative safe integers and a positive divisor (${a}, ${b}, ${divisor})`);
  }
  const product = BigInt(a) * BigInt(b);
  const twice = BigInt(divisor) * 2n;
  return toSafeNumber((product * 2n + BigInt(divisor)) / twice, 'amount');
}

/** Sum of fen amounts, refusing a total that would lose precision. */
export function sumFen(values: readonly number[]): number {
  const total = values.reduce((sum, value) => sum + BigInt(value), 0n);
  return toSafeNumber(total, 'total');
}

/** `a × b` for non-negative integers, refusing a product that would lose precision. */
export function mulFen(a: number, b: number): number {
  return toSafeNumber(BigInt(a) * BigInt(b), 'amount');
}

/** Exact comparison `a × b >= c × d` of non-negative integers (no rounding involved). */
export function productAtLeast(a: number, b: number, c: number, d: number): boolean {
  return BigInt(a) * BigInt(b) >= BigInt(c) * BigInt(d);
}
