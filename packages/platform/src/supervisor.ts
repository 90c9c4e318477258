/**
 * Runs the services as child processes: starts them (each from its build, with its environment
 * and a log file), waits for each one's readiness (`/health/ready`), and stops them all — SIGTERM,
 * so each drains its requests and its outbox, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVICES, type ServiceName } from './services.js';

export interface ServiceProcessOptions {
  readonly root: string;
  readonly name: ServiceName;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
}

export interface RunningService {
  readonly name: ServiceName;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  readonly child: ChildProcess;
}

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
}

/** A port nobody listens on now (for tests that run several platforms' worth of services). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

const tail = (file: string, lines = 15): string => (existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)');

export function startServiceProcess(options: ServiceProcessOptions): RunningService {
  const script = join(options.root, 'services', options.name, 'dist', 'server.js');
  if (!existsSync(script)) throw new ServiceStartError(`${options.name}: ${script} is missing — build first (./mz run build)`);
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [script], {
    cwd: join(options.root, 'services', options.name),
    env: { ...process.env, ...options.env, MZ_PORT: String(options.port), MZ_HOST: options.env.MZ_HOST ?? '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.once('exit', () => {
    log.end();
  });
  return { name: options.name, port: options.port, url: `http://127.0.0.1:${String(options.port)}`, logFile, child };
}

/** Waits until the service answers 200 on `/health/ready`; fails with its log's last lines if it exits or `timeoutMs` passes. */
export async function waitReady(service: RunningService, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  let last = 'no answer yet';
  while (Date.now() - started < timeoutMs) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new ServiceStartError(`${service.name} (${SERVICES[service.name].title}) exited (${String(service.child.exitCode ?? service.child.signalCode)}) before it was ready. Last lines of ${service.logFile}:\n${tail(service.logFile)}`);
    }
    try {
      const response = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return Date.now() - started;
      last = `HTTP ${String(response.status)} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ServiceStartError(`${service.name} not ready after ${String(timeoutMs / 1000)} s (last: ${last}). Last lines of ${service.logFile}:\n${tail(service.logFile)}`);
}

/** SIGTERM to each, SIGKILL to those still running after `graceMs`. */
export async function stopServices(services: readonly RunningService[], graceMs = 20_000): Promise<void> {
  await Promise.all(
    services.map(
      (service) =>
        new Promise<void>((resolve) => {
          if (service.child.exitCode !== null || service.child.signalCode !== null) {
            resolve();
            return;
          }
          const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
          service.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          service.child.kill('SIGTERM');
        }),
    ),
  );
}
