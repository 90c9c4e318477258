#!/usr/bin/env node
// ./mz infra <command> — see packages/local-infra/README.md
import '../dist/cli.js';
