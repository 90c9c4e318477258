#!/usr/bin/env node
// The main job: ./mz start [-- --persons 20000 --seed 20261207 --no-scenario --exit]
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`\u001b[31m[mz] error:\u001b[0m ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
