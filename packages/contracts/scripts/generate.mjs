#!/usr/bin/env node
// Regenerates src/generated/ from schemas/ (run through `./mz --filter @minzheng/contracts run generate`).
/* eslint-disable no-console -- a command-line tool */
import { fileURLToPath } from 'node:url';
import { readSchemaTree } from '../dist/schema-files/tree.js';
import { writeGeneratedFiles } from '../dist/codegen/generate.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tree = readSchemaTree(fileURLToPath(new URL('../../../schemas', import.meta.url)));
if (tree.problems.length > 0) {
  console.error(`schemas/ breaks the conventions (schemas/README.md):\n  ${tree.problems.join('\n  ')}`);
  process.exit(1);
}
const written = writeGeneratedFiles(tree, packageDir);
console.log(written.length > 0 ? `generated ${written.join(', ')} (${tree.events.length} events)` : `generated files are up to date (${tree.events.length} events)`);
