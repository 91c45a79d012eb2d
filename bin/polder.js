#!/usr/bin/env -S node --no-node-snapshot
// Entry point of the `polder` command: runs the compiled CLI (npm run build).
import { run } from '../dist/cli.js';

await run(process.argv);
