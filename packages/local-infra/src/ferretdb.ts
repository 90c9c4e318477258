import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { FERRETDB_VERSION, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { applyPatchToDirectory, PatchError } from './patch.js';
import { requireTool } from './prerequisites.js';
import { isOurProcess, runCommand, sleep, spawnDetached } from './processes.js';
import type { Reporter } from './reporter.js';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const SOURCES = ['main.go', 'go.mod', 'go.sum'];
/** Part of the build stamp: change it when the way the binary is made changes. */
const BUILD_RECIPE = 'ferretdb-build/patched-module-copy/v1';
/** In the patched module copy: the hash of the patches it was made with. */
const PATCHED_STAMP = '.minzheng-patches.sha256';

/** The patch files of infra/ferretdb/patches, in the order they are applied (by name). */
export function ferretdbPatches(config: InfraConfig): string[] {
  const dir = config.ferretdb.patchesDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => join(dir, name));
}

/** `0001-sqlite-use-id-index.patch` -> `0001`. */
const patchNumber = (patch: string): string => basename(patch, '.patch').split('-')[0] ?? basename(patch);

/** What the binary built from this checkout is: `v1.24.2 + patches 0001, 0002`. */
export function ferretdbBuildLabel(config: InfraConfig): string {
  const patches = ferretdbPatches(config);
  return patches.length === 0 ? `v${FERRETDB_VERSION}` : `v${FERRETDB_VERSION} + patches ${patches.map(patchNumber).join(', ')}`;
}

function patchesHash(patches: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`${FERRETDB_MODULE}@v${FERRETDB_VERSION}\n`);
  for (const patch of patches) hash.update(`${basename(patch)}\n`).update(readFileSync(patch));
  return hash.digest('hex');
}

/** The build stamp: our program, its go.mod/go.sum, every patch (name and content), the recipe. */
function sourceHash(config: InfraConfig, patches: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`${BUILD_RECIPE}\n`);
  for (const file of SOURCES) hash.update(`${file}\n`).update(readFileSync(join(config.ferretdb.sourceDir, file)));
  hash.update(patchesHash(patches));
  return hash.digest('hex');
}

/**
 * Builds our FerretDB program (infra/ferretdb) with Go, once per change of its sources or of
 * the patches. With patches, the FerretDB module is copied from the Go module cache, patched,
 * and the build uses that copy through a generated go.mod (`go build -modfile`) that adds a
 * `replace` directive: infra/ferretdb/go.mod and go.sum stay as they are.
 */
export async function ensureFerretdbBinary(config: InfraConfig, report: Reporter): Promise<void> {
  const { binary, buildStamp, sourceDir } = config.ferretdb;
  const patches = ferretdbPatches(config);
  const hash = sourceHash(config, patches);
  if (existsSync(binary) && existsSync(buildStamp) && readFileSync(buildStamp, 'utf8').trim() === hash) return;
  const goVersion = requireTool('go');
  const withPatches = patches.length > 0 ? ` with ${patches.length} patches from ${relative(config.root, config.ferretdb.patchesDir)}` : '';
  report.step(`ferretdb: building FerretDB v${FERRETDB_VERSION} on SQLite${withPatches}, Go ${goVersion}, into ${relative(config.root, binary)} (once; ~2 min on 2 cores)`);
  mkdirSync(dirname(binary), { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
  const started = Date.now();
  const args = ['build', '-v', '-trimpath'];
  if (patches.length > 0) {
    await preparePatchedModule(config, patches, env, report);
    args.push(`-modfile=${config.ferretdb.buildModFile}`, '-ldflags', `-X main.patches=${patches.map((patch) => basename(patch, '.patch')).join(',')}`);
  }
  // Built next to the binary, then renamed over it: a server running the old binary keeps it.
  const temporary = `${binary}.${process.pid}.tmp`;
  args.push('-o', temporary, '.');
  let compiled = 0;
  try {
    await runCommand('go', args, {
      cwd: sourceDir,
      env,
      onLine: (line) => {
        if (line.startsWith('go: downloading')) report.detail(line.replace(/^go: /, ''));
        else if (/^[\w.@/-]+$/.test(line)) {
          // `go build -v` prints each package it compiles: count them instead of listing 500.
          compiled += 1;
          if (compiled % 50 === 0) report.detail(`compiled ${compiled} Go packages`);
        } else if (line.trim() !== '') report.detail(line);
      },
    });
    renameSync(temporary, binary);
  } finally {
    rmSync(temporary, { force: true });
  }
  writeFileSync(buildStamp, `${hash}\n`);
  report.step(`ferretdb: built ${ferretdbBuildLabel(config)} (${compiled} packages, ${Math.round((Date.now() - started) / 1000)} s)`);
}

const execFileAsync = promisify(execFile);

/** Where `go mod download` put FerretDB's module sources (downloaded and checked against go.sum the first time). */
async function moduleSourceDir(config: InfraConfig, env: NodeJS.ProcessEnv): Promise<string> {
  const module = `${FERRETDB_MODULE}@v${FERRETDB_VERSION}`;
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('go', ['mod', 'download', '-json', module], { cwd: config.ferretdb.sourceDir, env, maxBuffer: 1 << 20 }));
  } catch (error) {
    const detail = error as { stdout?: string; stderr?: string; message: string };
    throw new InfraError(`go mod download ${module} failed: ${(detail.stdout ?? '') + (detail.stderr ?? '') || detail.message}`, 'The Go module proxy must be reachable the first time (GOPROXY).');
  }
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (info.Dir === undefined || info.Dir === '' || info.Error !== undefined) {
    throw new InfraError(`go mod download ${module} gave no sources: ${info.Error ?? stdout}`, 'Check the Go module cache (go env GOMODCACHE) and GOPROXY.');
  }
  return info.Dir;
}

/** The Go module cache is read-only: the copy must be writable to be patched and removed. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/**
 * Makes .cache/ferretdb/src-<version>-patched (a copy of the module with every patch applied)
 * unless it is already there for the same patches, and the go.mod/go.sum for `-modfile`.
 */
async function preparePatchedModule(config: InfraConfig, patches: readonly string[], env: NodeJS.ProcessEnv, report: Reporter): Promise<void> {
  const { patchedSourceDir, buildModFile, sourceDir } = config.ferretdb;
  const hash = patchesHash(patches);
  const stamp = join(patchedSourceDir, PATCHED_STAMP);
  const upToDate = (): boolean => existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
  if (!upToDate()) {
    const moduleDir = await moduleSourceDir(config, env);
    const temporary = `${patchedSourceDir}.${process.pid}.tmp`;
    rmSync(temporary, { recursive: true, force: true });
    try {
      cpSync(moduleDir, temporary, { recursive: true });
      makeWritable(temporary);
      for (const patch of patches) {
        report.step(`ferretdb: patching FerretDB v${FERRETDB_VERSION} with ${relative(config.root, patch)}`);
        try {
          const files = applyPatchToDirectory(temporary, readFileSync(patch, 'utf8'));
          report.detail(`patched ${files.join(', ')}`);
        } catch (error) {
          if (!(error instanceof PatchError)) throw error;
          throw new InfraError(
            `${relative(config.root, patch)} does not apply to FerretDB v${FERRETDB_VERSION}: ${error.message}`,
            'Each patch is a unified diff against the pristine module sources, applied in name order; see infra/ferretdb/README.md to remake it.',
          );
        }
      }
      writeFileSync(join(temporary, PATCHED_STAMP), `${hash}\n`);
      // Another build (a second checkout user, a parallel test) may have finished first.
      if (!upToDate()) {
        rmSync(patchedSourceDir, { recursive: true, force: true });
        renameSync(temporary, patchedSourceDir);
      }
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }
  // Our go.mod plus the replace directive, used only through `go build -modfile`.
  mkdirSync(dirname(buildModFile), { recursive: true });
  const goMod = readFileSync(join(sourceDir, 'go.mod'), 'utf8').trimEnd();
  writeFileAtomic(
    buildModFile,
    `${goMod}\n\n// Generated by packages/local-infra (src/ferretdb.ts) for \`go build -modfile\`: FerretDB with infra/ferretdb/patches applied.\n` +
      `replace ${FERRETDB_MODULE} v${FERRETDB_VERSION} => ${JSON.stringify(patchedSourceDir)}\n`,
  );
  writeFileAtomic(buildModFile.replace(/\.mod$/, '.sum'), readFileSync(join(sourceDir, 'go.sum')));
}

/** Written beside, then renamed: a concurrent build never reads half a go.mod. */
function writeFileAtomic(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
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
