import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHARITY_ERROR_CODES, type CharityErrorCode } from './errors.js';
import { WISH_TRANSITIONS } from './micro-wish.js';

// The service README is the list the HTTP docs point to: it must name every code with its status, and every transition.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(CHARITY_ERROR_CODES) as CharityErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${String(CHARITY_ERROR_CODES[code].statusCode)} |`);
    }
  });

  it('lists every micro-wish transition', () => {
    for (const row of WISH_TRANSITIONS) expect(readme).toContain(`| ${row.from} | ${row.action} | ${row.to} |`);
  });
});
