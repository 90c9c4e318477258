import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { TestServers } from './provided.js';

export type { TestServers, ServerSource } from './provided.js';

/** The real servers the global setup provided. Throws outside the `integration` project. */
export function testServers(): TestServers {
  const servers = inject('testServers') as TestServers | undefined;
  if (!servers) {
    throw new Error('no test servers provided: integration tests (*.int.test.ts) run in the vitest "integration" project, whose global setup starts them');
  }
  return servers;
}

export function testKafkaBrokers(): string[] {
  return testServers()
    .kafkaBrokers.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/** The store's URL with `database` as the database name. */
export function testMongoUrl(database: string): string {
  const url = new URL(testServers().mongoUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A name no other test uses: `<prefix>-<uuid>`; for topics, groups and databases. Database
 * names drop the dashes (FerretDB on SQLite turns a database into a file name).
 */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export function uniqueDatabaseName(prefix = 'test'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`.slice(0, 60);
}

export interface WaitForOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message. */
  readonly description?: string;
}

/**
 * Polls `probe` until it returns a truthy value (returned) or the time is up (throws, with the
 * probe's last error as cause). Tests wait with this, never with fixed sleeps.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started >= timeoutMs) {
      const what = options.description ?? 'condition';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The error `action` throws, checked to be a `type`; throws (failing the test) when `action`
 * throws nothing or something else. For assertions on coded errors: `thrownBy(ContractError, f).code`.
 */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, action: () => unknown): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${type.name} to be thrown, but nothing was thrown`);
}
