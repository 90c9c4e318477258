import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { ASSISTANCE_ERROR_CODES, AssistanceError, assertNonEmpty, assertOneOf, invalidInput, isAssistanceError, type AssistanceErrorCode } from './errors.js';

describe('ASSISTANCE_ERROR_CODES', () => {
  const codes = Object.keys(ASSISTANCE_ERROR_CODES) as AssistanceErrorCode[];

  it('lists every code the brief requires, each prefixed ASSIST_', () => {
    for (const required of [
      'ASSIST_NEGATIVE_AMOUNT',
      'ASSIST_ILLEGAL_TRANSITION',
      'ASSIST_SEPARATION_OF_DUTIES',
      'ASSIST_NO_STANDARD',
      'ASSIST_STANDARD_OVERLAP',
      'ASSIST_GRADUAL_EXIT_TOO_LONG',
      'ASSIST_TEMPORARY_AID_BELOW_FLOOR',
      'ASSIST_HOUSEHOLD_EMPTY',
      'ASSIST_HOUSEHOLD_NO_HEAD',
      'ASSIST_HOUSEHOLD_MULTIPLE_HEADS',
      'ASSIST_MEMBER_DUPLICATE',
      'ASSIST_DATE_ORDER',
    ]) {
      expect(codes).toContain(required);
    }
    for (const code of codes) expect(code).toMatch(/^ASSIST_[A-Z_]+$/u);
  });

  it('maps input problems to 400, conflicts to 409, policy refusals to 422, missing records to 404', () => {
    const expected: Partial<Record<AssistanceErrorCode, number>> = {
      ASSIST_INVALID_INPUT: 400,
      ASSIST_INVALID_DATE: 400,
      ASSIST_INVALID_REGION_CODE: 400,
      ASSIST_NEGATIVE_AMOUNT: 400,
      ASSIST_DATE_ORDER: 400,
      ASSIST_HOUSEHOLD_EMPTY: 400,
      ASSIST_HOUSEHOLD_NO_HEAD: 400,
      ASSIST_HOUSEHOLD_MULTIPLE_HEADS: 400,
      ASSIST_MEMBER_DUPLICATE: 400,
      ASSIST_UNKNOWN_MEMBER: 400,
      ASSIST_NOT_FOUND: 404,
      ASSIST_ILLEGAL_TRANSITION: 409,
      ASSIST_SEPARATION_OF_DUTIES: 409,
      ASSIST_STANDARD_OVERLAP: 409,
      ASSIST_NO_STANDARD: 422,
      ASSIST_GRADUAL_EXIT_TOO_LONG: 422,
      ASSIST_TEMPORARY_AID_BELOW_FLOOR: 422,
    };
    for (const [code, statusCode] of Object.entries(expected)) {
      expect({ code, statusCode: ASSISTANCE_ERROR_CODES[code as AssistanceErrorCode].statusCode }).toEqual({ code, statusCode });
    }
    // Codes added by the HTTP layer follow the same status classes and are described too.
    for (const code of codes) {
      expect([400, 404, 409, 422]).toContain(ASSISTANCE_ERROR_CODES[code].statusCode);
      expect(ASSISTANCE_ERROR_CODES[code].description.length).toBeGreaterThan(10);
    }
  });
});

describe('AssistanceError', () => {
  it('takes its status from the catalogue and keeps code, message and details', () => {
    const error = new AssistanceError('ASSIST_NOT_FOUND', '记录不存在 (application A-1 not found)', { field: 'applicationId', rule: 'must exist' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AssistanceError');
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ASSIST_NOT_FOUND');
    expect(error.message).toContain('(application A-1 not found)');
    expect(error.details).toEqual({ field: 'applicationId', rule: 'must exist' });
    expect(new AssistanceError('ASSIST_SEPARATION_OF_DUTIES', 'x', { rule: 'r' }).statusCode).toBe(409);
  });

  it('isAssistanceError checks the type and optionally the code', () => {
    const error = invalidInput('id', 'must not be empty');
    expect(isAssistanceError(error)).toBe(true);
    expect(isAssistanceError(error, 'ASSIST_INVALID_INPUT')).toBe(true);
    expect(isAssistanceError(error, 'ASSIST_NOT_FOUND')).toBe(false);
    expect(isAssistanceError(new Error('plain'))).toBe(false);
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual({ field: 'id', rule: 'must not be empty' });
  });

  it('assertNonEmpty and assertOneOf refuse blank ids and unknown enum values', () => {
    expect(thrownBy(AssistanceError, () => {
      assertNonEmpty('  ', 'householdId');
    })).toMatchObject({ code: 'ASSIST_INVALID_INPUT', details: { field: 'householdId' } });
    expect(thrownBy(AssistanceError, () => {
      assertOneOf('X' as 'A' | 'B', ['A', 'B'], 'kind');
    })).toMatchObject({ code: 'ASSIST_INVALID_INPUT', details: { field: 'kind', rule: 'must be one of A, B' } });
    expect(() => {
      assertOneOf('A', ['A', 'B'], 'kind');
    }).not.toThrow();
  });
});
