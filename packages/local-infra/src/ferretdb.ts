import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import mongoose from 'mongoose';
import { FERRETDB_VERSION, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { requireTool } from './prerequisites.js';
import { isOurProcess, runCommand, sleep, spawnDetached } from './processes.js';
import type { Reporter } from './reporter.js';

const SOURCES = ['main.go', 'go.mod', 'go.sum'];

function sourceHash(config: InfraConfig): string {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(readFileSync(join(config.ferretdb.sourceDir, file)));
  return hash.digest('hex');
}

/** Builds our FerretDB program (infra/ferretdb) with Go, once per source change. */
export async function ensureFerretdbBinary(config: InfraConfig, report: Reporter): Promise<void> {
  const { binary, buildStamp, sourceDir } = config.ferretdb;
  const hash = sourceHash(config);
  if (existsSync(binary) && existsSync(buildStamp) && readFileSync(buildStamp, 'utf8').trim() === hash) return;
  const goVersion = requireTool('go');
  report.step(`ferretdb: building FerretDB v${FERRETDB_VERSION} on SQLite with Go ${goVersion} into ${relative(config.root, binary)} (once; ~2 min on 2 cores)`);
  mkdirSync(dirname(binary), { recursive: true });
  const started = Date.now();
  let compiled = 0;
  await runCommand('go', ['build', '-v', '-trimpath', '-o', binary, '.'], {
    cwd: sourceDir,
    env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
    onLine: (line) => {
      if (line.startsWith('go: downloading')) report.detail(line.replace(/^go: /, ''));
      else if (/^[\w.@/-]+$/.test(line)) {
        // `go build -v` prints each package it compiles: count them instead of listing 500.
        compiled += 1;
        if (compiled % 50 === 0) report.detail(`compiled ${compiled} Go packages`);
      } else if (line.trim() !== '') report.detail(line);
    },
  });
  writeFileSync(buildStamp, `${hash}\n`);
  report.step(`ferretdb: built (${compiled} packages, ${Math.round((Date.now() - started) / 1000)} s)`);
}

export const ferretdbProcessMarker = (config: InfraConfig): string => config.ferretdb.binary;

export function spawnFerretdb(config: InfraConfig, port: number): number {
  mkdirSync(config.ferretdb.dataDir, { recursive: true });
  return spawnDetached(config.ferretdb.binary, ['-listen', `127.0.0.1:${port}`, '-data', config.ferretdb.dataDir], {
    cwd: dirname(config.ferretdb.dataDir),
    logFile: config.ferretdb.logFile,
  });
}

export interface MongoServerInfo {
  /** `buildInfo.version`: the MongoDB version the server claims to be compatible with. */
  readonly version: string;
  /** `buildInfo.ferretdbVersion` when the server is FerretDB. */
  readonly ferretdbVersion?: string;
}

/** Pings a MongoDB-wire server and returns what its buildInfo says. Throws when it does not answer. */
export async function pingMongo(url: string, timeoutMs = 2_000): Promise<MongoServerInfo> {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await connection.asPromise();
    const db = connection.db;
    if (!db) throw new Error('connected without a database handle');
    await db.admin().ping();
    const info = await db.admin().buildInfo();
    const ferretdb = (info as { ferretdbVersion?: unknown }).ferretdbVersion;
    return { version: String(info.version), ...(typeof ferretdb === 'string' ? { ferretdbVersion: ferretdb } : {}) };
  } finally {
    await connection.close();
  }
}

export const localMongoUrl = (port: number): string => `mongodb://127.0.0.1:${port}/`;

/** Waits until FerretDB answers a ping; explains, with the log tail, why it died if it does. */
export async function awaitFerretdb(config: InfraConfig, pid: number, port: number, report: Reporter): Promise<MongoServerInfo> {
  const url = localMongoUrl(port);
  const started = Date.now();
  let lastError = '';
  while (Date.now() - started < 60_000) {
    if (!isOurProcess(pid, ferretdbProcessMarker(config))) {
      const log = existsSync(config.ferretdb.logFile) ? readFileSync(config.ferretdb.logFile, 'utf8') : '';
      const tail = log.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-15).join('\n');
      throw new InfraError(`FerretDB exited during start-up:\n${tail}`, `Full log: ${config.ferretdb.logFile}`);
    }
    try {
      return await pingMongo(url, 1_000);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const waited = Date.now() - started;
    if (Math.floor(waited / 5_000) !== Math.floor((waited + 300) / 5_000)) report.detail(`waiting for FerretDB on 127.0.0.1:${port} (${Math.round(waited / 1000)} s)`);
    await sleep(300);
  }
  throw new InfraError(`FerretDB on 127.0.0.1:${port} did not answer within 60 s: ${lastError}`, `Full log: ${config.ferretdb.logFile}`);
}
