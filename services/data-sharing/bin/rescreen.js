#!/usr/bin/env node
// Re-screens every household and person against the rules (see src/rescreen-cli.ts).
import '../dist/rescreen-cli.js';
