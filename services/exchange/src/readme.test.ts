import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR_CODES, type ExchangeErrorCode } from './errors.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every error code with its status', () => {
    for (const code of Object.keys(EXCHANGE_ERROR_CODES) as ExchangeErrorCode[]) {
      expect(readme, `README row for ${code}`).toContain(`| ${code} | ${String(EXCHANGE_ERROR_CODES[code].statusCode)} |`);
    }
  });
});
