import { describe, expect, it } from 'vitest';
import { uniqueDatabaseName, uniqueName, waitFor } from './index.js';

describe('waitFor', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    const value = await waitFor(() => {
      calls += 1;
      return calls >= 3 ? { calls } : undefined;
    }, { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling through errors and fails with the description and the last error as cause', async () => {
    const failure = await waitFor(
      () => {
        throw new Error('broker not ready');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
    ).catch((error: unknown) => error as Error);
    expect(failure.message).toMatch(/timed out after 30 ms waiting for the broker/);
    expect((failure.cause as Error).message).toBe('broker not ready');
  });
});

describe('unique names', () => {
  it('never repeats and keeps the prefix', () => {
    const a = uniqueName('topic');
    expect(a).toMatch(/^topic-[0-9a-f-]{36}$/);
    expect(uniqueName('topic')).not.toBe(a);
  });

  it('makes database names that are safe as file names', () => {
    expect(uniqueDatabaseName('db')).toMatch(/^db_[0-9a-f]{32}$/);
  });
});
