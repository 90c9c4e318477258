import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseJwtKeys, verifyToken } from './auth.js';

const run = promisify(execFile);
const script = new URL('../bin/dev-token.js', import.meta.url).pathname;

describe('dev-token command', () => {
  it('prints a token the services accept, with the roles and jurisdiction asked for', async () => {
    const spec = `dev:${randomBytes(32).toString('base64')}`;
    const { stdout } = await run(process.execPath, [script, '--role', 'caseworker', '--role', 'supervisor', '--jurisdiction', '442000100', '--sub', 'u-7'], { env: { ...process.env, MZ_JWT_KEYS: spec } });
    const principal = await verifyToken(parseJwtKeys(spec), stdout.trim());
    expect(principal).toMatchObject({ subject: 'u-7', roles: ['caseworker', 'supervisor'], jurisdiction: '442000100' });
  });

  it('refuses an unknown role and a missing key with exit code 2 and a message', async () => {
    const unknownRole = await run(process.execPath, [script, '--role', 'mayor'], { env: { ...process.env, MZ_JWT_KEYS: `dev:${randomBytes(32).toString('base64')}` } }).catch((error: unknown) => error);
    expect(unknownRole).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown role mayor') as string });
    const { MZ_JWT_KEYS: _ignored, ...withoutKeys } = process.env;
    const noKeys = await run(process.execPath, [script, '--role', 'admin'], { env: withoutKeys }).catch((error: unknown) => error);
    expect(noKeys).toMatchObject({ code: 2, stderr: expect.stringContaining('MZ_JWT_KEYS is not set') as string });
  });
});
