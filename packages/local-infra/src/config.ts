import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Versions the project fetches and builds. Changing one here is all an upgrade takes. */
export const KAFKA_VERSION = '3.9.1';
export const FERRETDB_VERSION = '1.24.2';

/** Where everything of the local infrastructure lives, and the ports it prefers. */
export interface InfraConfig {
  /** Repository root (the folder with pnpm-workspace.yaml). */
  readonly root: string;
  /** Downloads and builds: Kafka jars, the FerretDB binary (ignored by git). */
  readonly cacheDir: string;
  /** Broker and database data, logs, pid/state files (ignored by git; kept by `down`). */
  readonly dataDir: string;
  readonly kafka: {
    readonly pom: string;
    readonly log4jConfig: string;
    readonly libsDir: string;
    readonly home: string;
    readonly logDir: string;
    readonly dataDir: string;
    readonly propertiesFile: string;
    readonly preferredPort: number;
    readonly preferredControllerPort: number;
    /** True when MZ_KAFKA_PORT was set: a taken port is then an error, not a reason to move. */
    readonly portExplicit: boolean;
    readonly heap: string;
  };
  readonly ferretdb: {
    readonly sourceDir: string;
    /** Unified diffs applied, in name order, to the FerretDB module before the build. */
    readonly patchesDir: string;
    /** The patched copy of the FerretDB module that the build uses instead of the original. */
    readonly patchedSourceDir: string;
    /** go.mod for `go build -modfile`: ours plus a `replace` pointing at patchedSourceDir. */
    readonly buildModFile: string;
    readonly binary: string;
    readonly buildStamp: string;
    readonly dataDir: string;
    readonly logFile: string;
    readonly preferredPort: number;
    /** True when MZ_FERRETDB_PORT was set. */
    readonly portExplicit: boolean;
  };
  readonly stateFile: string;
  readonly lockFile: string;
}

/** Walks up from `start` to the folder holding pnpm-workspace.yaml. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (pnpm-workspace.yaml) above ${start}`);
    dir = parent;
  }
}

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65_535) {
    throw new Error(`${name}="${raw}" is not a port between 1024 and 65535`);
  }
  return port;
}

/**
 * Reads the local-infra settings once. Variables (all optional):
 * MZ_DATA_DIR, MZ_CACHE_DIR (default <root>/.data, <root>/.cache), MZ_KAFKA_PORT (19092),
 * MZ_KAFKA_CONTROLLER_PORT (19093), MZ_FERRETDB_PORT (27027), MZ_KAFKA_HEAP (512m).
 */
export function loadInfraConfig(env: NodeJS.ProcessEnv = process.env, root: string = findRepoRoot()): InfraConfig {
  const cacheDir = resolve(root, env.MZ_CACHE_DIR ?? '.cache');
  const dataDir = resolve(root, env.MZ_DATA_DIR ?? '.data');
  const heap = env.MZ_KAFKA_HEAP ?? '512m';
  if (!/^\d+[mg]$/.test(heap)) throw new Error(`MZ_KAFKA_HEAP="${heap}" must look like 512m or 1g`);
  const kafkaHome = join(dataDir, 'kafka');
  return Object.freeze({
    root,
    cacheDir,
    dataDir,
    kafka: {
      pom: join(root, 'infra', 'kafka', 'pom.xml'),
      log4jConfig: join(root, 'infra', 'kafka', 'log4j.properties'),
      libsDir: join(cacheDir, 'kafka', `libs-${KAFKA_VERSION}`),
      home: kafkaHome,
      logDir: join(kafkaHome, 'logs'),
      dataDir: join(kafkaHome, 'data'),
      propertiesFile: join(kafkaHome, 'server.properties'),
      preferredPort: portFrom(env, 'MZ_KAFKA_PORT', 19_092),
      preferredControllerPort: portFrom(env, 'MZ_KAFKA_CONTROLLER_PORT', 19_093),
      portExplicit: Boolean(env.MZ_KAFKA_PORT),
      heap,
    },
    ferretdb: {
      sourceDir: join(root, 'infra', 'ferretdb'),
      patchesDir: join(root, 'infra', 'ferretdb', 'patches'),
      patchedSourceDir: join(cacheDir, 'ferretdb', `src-${FERRETDB_VERSION}-patched`),
      buildModFile: join(cacheDir, 'ferretdb', `build-${FERRETDB_VERSION}`, 'go.mod'),
      binary: join(cacheDir, 'ferretdb', `ferretdb-sqlite-${FERRETDB_VERSION}`),
      buildStamp: join(cacheDir, 'ferretdb', `ferretdb-sqlite-${FERRETDB_VERSION}.sha256`),
      dataDir: join(dataDir, 'ferretdb', 'data'),
      logFile: join(dataDir, 'ferretdb', 'ferretdb.log'),
      preferredPort: portFrom(env, 'MZ_FERRETDB_PORT', 27_027),
      portExplicit: Boolean(env.MZ_FERRETDB_PORT),
    },
    stateFile: join(dataDir, 'infra', 'state.json'),
    lockFile: join(dataDir, 'infra', 'lock'),
  });
}
