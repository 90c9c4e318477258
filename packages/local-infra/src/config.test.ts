import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadInfraConfig } from './config.js';

const root = mkdtempSync(join(tmpdir(), 'mz-config-unit-'));
writeFileSync(join(root, 'pnpm-workspace.yaml'), '');

describe('loadInfraConfig', () => {
  it('defaults to ignored folders in the repository and the documented ports', () => {
    const config = loadInfraConfig({}, root);
    expect(config.cacheDir).toBe(join(root, '.cache'));
    expect(config.dataDir).toBe(join(root, '.data'));
    expect(config.kafka.preferredPort).toBe(19_092);
    expect(config.kafka.portExplicit).toBe(false);
    expect(config.ferretdb.preferredPort).toBe(27_027);
    expect(config.ferretdb.patchesDir).toBe(join(root, 'infra', 'ferretdb', 'patches'));
    expect(config.ferretdb.patchedSourceDir).toBe(join(root, '.cache', 'ferretdb', 'src-1.24.2-patched'));
    expect(config.ferretdb.buildModFile).toBe(join(root, '.cache', 'ferretdb', 'build-1.24.2', 'go.mod'));
  });

  it('takes ports from the environment and remembers they were explicit', () => {
    const config = loadInfraConfig({ MZ_KAFKA_PORT: '29092', MZ_FERRETDB_PORT: '29017' }, root);
    expect(config.kafka.preferredPort).toBe(29_092);
    expect(config.kafka.portExplicit).toBe(true);
    expect(config.ferretdb.portExplicit).toBe(true);
  });

  it.each([
    [{ MZ_KAFKA_PORT: 'abc' }, 'MZ_KAFKA_PORT="abc" is not a port'],
    [{ MZ_FERRETDB_PORT: '80' }, 'MZ_FERRETDB_PORT="80" is not a port between 1024 and 65535'],
    [{ MZ_KAFKA_HEAP: 'lots' }, 'MZ_KAFKA_HEAP="lots" must look like 512m'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadInfraConfig(env, root)).toThrow(message);
  });
});

describe('findRepoRoot', () => {
  it('walks up to the folder with pnpm-workspace.yaml', () => {
    expect(findRepoRoot(join(root, 'a', 'b'))).toBe(root);
  });
});
