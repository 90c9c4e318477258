import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ELDER_ERROR_CODES, type ElderErrorCode } from './errors.js';

// The service README is the list the HTTP docs point to: it must name every code with its status.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('service README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(ELDER_ERROR_CODES) as ElderErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${ELDER_ERROR_CODES[code].statusCode} |`);
    }
  });

  it('marks every parameter the seeds do not give as PARAMETER', () => {
    for (const variable of ['MZ_AGE_ALLOWANCE_TIERS', 'MZ_CARE_SUBSIDY_TABLES', 'MZ_ELDER_MIN_AGE']) {
      expect(readme).toMatch(new RegExp(`\\| \`${variable}\` \\| PARAMETER`, 'u'));
    }
  });
});
