import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APPLICATION_TRANSITIONS } from './application-workflow.js';
import { ASSISTANCE_ERROR_CODES, type AssistanceErrorCode } from './errors.js';

// The README is the list the HTTP docs point to: it must name every code with its status, and every transition.
const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

describe('domain README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(ASSISTANCE_ERROR_CODES) as AssistanceErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${ASSISTANCE_ERROR_CODES[code].statusCode} |`);
    }
  });

  it('lists every application transition', () => {
    for (const row of APPLICATION_TRANSITIONS) {
      expect(readme).toMatch(new RegExp(`\\| [A-Z /]*${row.from}[A-Z /]* \\| ${row.action} \\|`, 'u'));
    }
  });
});
