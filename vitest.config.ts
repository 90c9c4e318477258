import { defineConfig } from 'vitest/config';

// One vitest run for the whole monorepo, two projects:
//  - unit: pure logic beside the code (*.test.ts), no servers;
//  - integration: *.int.test.ts against a REAL Kafka broker and a REAL MongoDB-wire store,
//    provided once per run by @minzheng/local-infra/test-servers (never skipped).
// Two workers at most: the machines we build on have two cores, shared with Kafka and FerretDB.
const sourceGlobs = (suffix: string): string[] => [`packages/*/src/**/*${suffix}`, `services/*/src/**/*${suffix}`];

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: sourceGlobs('.test.ts'),
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: sourceGlobs('.int.test.ts'),
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['./packages/local-infra/dist/test-servers.js'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
