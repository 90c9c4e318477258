#!/usr/bin/env node
// Snapshots every event schema whose current version is not yet in schemas/published/.
/* eslint-disable no-console -- a command-line tool */
import { fileURLToPath } from 'node:url';
import { readSchemaTree } from '../dist/schema-files/tree.js';
import { publishNewVersions } from '../dist/codegen/publish.js';

const tree = readSchemaTree(fileURLToPath(new URL('../../../schemas', import.meta.url)));
if (tree.problems.length > 0) {
  console.error(`schemas/ breaks the conventions (schemas/README.md):\n  ${tree.problems.join('\n  ')}`);
  process.exit(1);
}
const { published, refused } = publishNewVersions(tree);
for (const line of published) console.log(`published ${line}`);
if (refused.length > 0) {
  console.error(`refused (incompatible with what is published):\n  ${refused.join('\n  ')}`);
  process.exit(1);
}
if (published.length === 0) console.log('every event schema is already published');
