import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { InfraError } from './errors.js';

/** True when a process with this pid exists (and we may signal it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is alive and its command line contains `marker` (guards against a pid that
 * the OS recycled for another program). Where /proc does not exist, liveness has to do.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** Starts a long-running server in its own process group, output appended to `logFile`. */
export function spawnDetached(command: string, args: readonly string[], options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): number {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new InfraError(`could not start ${command}`, 'Check that it is installed and on PATH.');
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/**
 * Sends SIGTERM to the process group of `pid` and waits for the process to exit; after
 * `graceMs` it sends SIGKILL. Returns how it ended.
 */
export async function stopProcess(pid: number, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isAlive(pid)) return 'not-running';
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i += 1) await sleep(100);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** A port the OS reports free right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** `preferred` when it is free and not in `avoid`, otherwise a free port chosen by the OS. */
export async function choosePort(preferred: number, avoid: readonly number[] = []): Promise<{ port: number; moved: boolean }> {
  if (!avoid.includes(preferred) && (await isPortFree(preferred))) return { port: preferred, moved: false };
  for (let i = 0; i < 20; i += 1) {
    const port = await findFreePort();
    if (!avoid.includes(port)) return { port, moved: true };
  }
  throw new InfraError(`no free port found instead of ${preferred}`, 'Free some ports, or set the MZ_*_PORT variables.');
}

/**
 * Runs a command in the foreground, passing each output line to `onLine`. Resolves on exit 0,
 * rejects with the last lines of output otherwise.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      reject(new InfraError(`cannot run ${command}: ${error.message}`, `Is ${command} installed and on PATH?`));
    });
    child.on('close', (code) => {
      if (pending) tail.push(pending);
      const output = tail.join('\n');
      if (code === 0) resolve(output);
      else reject(new InfraError(`${command} ${args.join(' ')} exited with code ${code}`, `Its last output:\n${output}`));
    });
  });
}

/** The last `lines` lines of a text file ('' when it does not exist). */
export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text.split(/\r?\n/).slice(-lines - 1).join('\n').trimEnd();
}
