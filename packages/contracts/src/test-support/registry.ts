import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogData } from '../codegen/generate.js';
import { publishNewVersions } from '../codegen/publish.js';
import { ContractRegistry } from '../registry.js';
import { readSchemaTree } from '../schema-files/tree.js';
import { tempSchemaTree, testEvent } from './temp-tree.js';

/**
 * A registry whose one event went through two published versions: v1 = `testEvent()`, v2 adds
 * an optional `note` with a default. Returns the registry (reader = v2) and the v1 registry.
 */
export function evolvedRegistries(): { v1: ContractRegistry; v2: ContractRegistry } {
  const dir = tempSchemaTree({ 'assistance/thing-happened.avsc': testEvent() });
  const first = readSchemaTree(dir);
  if (first.problems.length > 0) throw new Error(first.problems.join('\n'));
  publishNewVersions(first);
  const v1 = new ContractRegistry(catalogData(readSchemaTree(dir)));
  const file = join(dir, 'assistance', 'thing-happened.avsc');
  mkdirSync(join(dir, 'assistance'), { recursive: true });
  writeFileSync(file, JSON.stringify(testEvent([{ name: 'note', type: ['null', 'string'], default: null, doc: '备注 — note.' }])));
  publishNewVersions(readSchemaTree(dir));
  const v2 = new ContractRegistry(catalogData(readSchemaTree(dir)));
  return { v1, v2 };
}
