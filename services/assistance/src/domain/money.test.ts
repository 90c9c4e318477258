import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { AssistanceError } from './errors.js';
import { assertFen, assertIntegerAtLeast, mulDivHalfUp, mulFen, productAtLeast, sumFen } from './money.js';

describe('money in integer fen', () => {
  it('rounds half up to the fen, exactly', () => {
    expect(mulDivHalfUp(110_000, 1_500, 1_000)).toBe(165_000);
    expect(mulDivHalfUp(5, 1, 2)).toBe(3); // 2.5 → 3
    expect(mulDivHalfUp(7, 1, 3)).toBe(2); // 2.33 → 2
    expect(mulDivHalfUp(8, 1, 3)).toBe(3); // 2.67 → 3
    expect(mulDivHalfUp(62_901, 1_500, 1_000)).toBe(94_352); // 94,351.5 → 94,352
    // Beyond 2^53 in the intermediate product, still exact.
    expect(mulDivHalfUp(9_000_000_000_000, 1_000, 1_000)).toBe(9_000_000_000_000);
  });

  it('refuses results that would lose precision', () => {
    expect(thrownBy(AssistanceError, () => mulFen(Number.MAX_SAFE_INTEGER, 2))).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(thrownBy(AssistanceError, () => sumFen([Number.MAX_SAFE_INTEGER, 1]))).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(sumFen([])).toBe(0);
  });

  it('refuses negative and fractional amounts', () => {
    expect(thrownBy(AssistanceError, () => {
      assertFen(-1, 'members.2.monthlyIncomeFen');
    })).toMatchObject(
      { code: 'ASSIST_NEGATIVE_AMOUNT', statusCode: 400, details: { field: 'members.2.monthlyIncomeFen', rule: 'must not be negative', value: -1 } },
    );
    expect(thrownBy(AssistanceError, () => {
      assertFen(10.5, 'amountFen');
    })).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
    expect(thrownBy(AssistanceError, () => {
      assertIntegerAtLeast(999, 1_000, 'ratio');
    })).toMatchObject({ code: 'ASSIST_INVALID_INPUT' });
  });

  it('compares products exactly', () => {
    expect(productAtLeast(500, 1_000, 500, 1_000)).toBe(true);
    expect(productAtLeast(499, 1_000, 500, 1_000)).toBe(false);
  });
});
