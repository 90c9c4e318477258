#!/usr/bin/env node
// Rebuilds the thematic database from the topics into a fresh database and compares checksums (see src/rebuild-cli.ts).
import '../dist/rebuild-cli.js';
