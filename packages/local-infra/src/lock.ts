import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InfraError } from './errors.js';
import { isAlive, sleep } from './processes.js';

/** Callers inside this process queue here first; the lock file orders processes. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `action` while holding an exclusive lock file, so two `infra up` (two terminals, two test
 * runs, or two calls in one process) never start two brokers. A lock left by a dead process is
 * taken over. Not reentrant: an action must not call withLock on the same file.
 */
export function withLock<T>(lockFile: string, action: () => Promise<T>, options: { waitMs?: number; onWait?: (holder: number) => void } = {}): Promise<T> {
  const previous = queues.get(lockFile) ?? Promise.resolve();
  const run = previous.then(
    () => withFileLock(lockFile, action, options),
    () => withFileLock(lockFile, action, options),
  );
  const settled = run.catch(() => undefined);
  queues.set(lockFile, settled);
  void settled.then(() => {
    if (queues.get(lockFile) === settled) queues.delete(lockFile);
  });
  return run;
}

async function withFileLock<T>(lockFile: string, action: () => Promise<T>, options: { waitMs?: number; onWait?: (holder: number) => void }): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(lockFile));
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) {
        options.onWait?.(holder);
        announced = true;
      }
      if (Date.now() > deadline) {
        throw new InfraError(`another infra command (pid ${holder}) holds ${lockFile}`, `Wait for it to finish, or stop pid ${holder}.`);
      }
      await sleep(250);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
