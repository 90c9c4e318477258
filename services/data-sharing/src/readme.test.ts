import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_SHARING_ERROR_CODES, type DataSharingErrorCode } from './errors.js';
import { MAPPED_EVENT_TYPES } from './projection/contributions.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(DATA_SHARING_ERROR_CODES) as DataSharingErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${String(DATA_SHARING_ERROR_CODES[code].statusCode)} |`);
    }
  });

  it('names every event type with a mapping of its own', () => {
    for (const eventType of MAPPED_EVENT_TYPES) expect(readme, `README mentions ${eventType}`).toContain(`\`${eventType}\``);
  });
});
