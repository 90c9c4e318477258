import { describe, expect, it } from 'vitest';
import { ELDER_ERROR_CODES, ElderError, dateInFuture, invalidInput, type ElderErrorCode } from './errors.js';

describe('ELDER_ERROR_CODES', () => {
  it('prefixes every code ELDER_, gives each a 4xx status and a description', () => {
    for (const code of Object.keys(ELDER_ERROR_CODES) as ElderErrorCode[]) {
      expect(code).toMatch(/^ELDER_[A-Z_]+$/u);
      expect([400, 404, 409, 422]).toContain(ELDER_ERROR_CODES[code].statusCode);
      expect(ELDER_ERROR_CODES[code].description.length).toBeGreaterThan(10);
    }
  });

  it('takes the status from the catalogue and keeps code and details', () => {
    const error = new ElderError('ELDER_ALREADY_REGISTERED', '该老人已登记 (already registered)', { field: 'idNumber', rule: 'one record per person' });
    expect(error).toMatchObject({ name: 'ElderError', statusCode: 409, code: 'ELDER_ALREADY_REGISTERED', details: { field: 'idNumber' } });
    expect(invalidInput('events.0.kind', 'must be known')).toMatchObject({ statusCode: 400, details: { field: 'events.0.kind', rule: 'must be known' } });
    expect(dateInFuture('visitedAt')).toMatchObject({ code: 'ELDER_DATE_IN_FUTURE', statusCode: 400, details: { field: 'visitedAt' } });
  });
});
