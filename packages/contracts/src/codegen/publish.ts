/**
 * Publishing: every event whose current fingerprint is not yet in schemas/published/ gets its
 * next version written there, self-contained and named v<N>-<fingerprint>.avsc, after checking
 * that it can read every version published before it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compatibilityProblems } from '../schema-files/compatibility.js';
import type { SchemaTree } from '../schema-files/tree.js';

export interface PublishResult {
  readonly published: readonly string[];
  readonly refused: readonly string[];
}

export function publishNewVersions(tree: SchemaTree): PublishResult {
  const published: string[] = [];
  const refused: string[] = [];
  for (const event of tree.events) {
    if (event.published.some((version) => version.fingerprint === event.fingerprint)) continue;
    const problems = compatibilityProblems(event.schema, event.published);
    if (problems.length > 0) {
      refused.push(...problems.map((problem) => `${event.eventType}: ${problem}`));
      continue;
    }
    const version = event.published.length + 1;
    const folder = join(tree.dir, 'published', event.fullName);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `v${version}-${event.fingerprint}.avsc`);
    writeFileSync(file, `${JSON.stringify(event.schema, null, 2)}\n`);
    published.push(`${event.eventType} v${version} (${event.fingerprint})`);
  }
  return { published, refused };
}
