import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from './lock.js';

describe('withLock', () => {
  it('runs one holder at a time', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'mz-lock-')), 'lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name}:in`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push(`${name}:out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a:in', 'a:out', 'b:in', 'b:out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'mz-lock-')), 'lock');
    writeFileSync(lock, '2147483646');
    await expect(withLock(lock, () => Promise.resolve('ran'), { waitMs: 1_000 })).resolves.toBe('ran');
  });

  it('releases the lock when the action fails', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'mz-lock-')), 'lock');
    await expect(withLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});
