import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHILD_ERROR_CODES, ChildError, invalidInput, type ChildErrorCode } from './errors.js';
import { REPORT_TRANSITIONS } from './report-workflow.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('CHILD_ERROR_CODES', () => {
  it('prefixes every code CHILD_ and gives it a 4xx status and a description', () => {
    for (const [code, entry] of Object.entries(CHILD_ERROR_CODES)) {
      expect(code).toMatch(/^CHILD_[A-Z_]+$/u);
      expect([400, 404, 409, 422]).toContain(entry.statusCode);
      expect(entry.description.length).toBeGreaterThan(10);
    }
  });

  it('takes the status from the catalogue', () => {
    expect(new ChildError('CHILD_NOT_MINOR', 'x', { rule: 'r' }).statusCode).toBe(422);
    expect(invalidInput('a', 'b')).toMatchObject({ code: 'CHILD_INVALID_INPUT', statusCode: 400, details: { field: 'a', rule: 'b' } });
  });
});

describe('README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(CHILD_ERROR_CODES) as ChildErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${CHILD_ERROR_CODES[code].statusCode} |`);
    }
  });

  it('lists every report transition', () => {
    for (const row of REPORT_TRANSITIONS) expect(readme).toContain(`| ${row.from} | ${row.to} |`);
  });
});
