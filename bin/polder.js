#!/usr/bin/env -S node --no-node-snapshot --max-semi-space-size=16 --heap-growing-percent=30
// Node flags (the same in package.json's start, deploy/Dockerfile and test/support/serve.ts):
// --no-node-snapshot for isolated-vm; a young generation of 16 MiB semi-spaces (V8's maximum on
// 64 bits, named so that a container's memory limit does not shrink it: fewer scavenges of the
// uplinks in flight, docs/benchmarks.md, "The event loop's young generation at 16 MiB") and an old
// generation that grows by 30 % of what is live before its next collection keep the heap close to
// its live size (10,000 idle boards: docs/benchmarks.md, "Memory of 10,000 boards");
// while uplinks stream in, the 30 % becomes 100 (src/shared/heap-growth.ts).
// V8's GC helper threads are left on: they take the collector's work to the core the SQLite
// writer thread leaves idle (docs/benchmarks.md, "V8's GC helper threads again").
// Entry point of the `polder` command: runs the compiled CLI (npm run build).
import { run } from '../dist/cli.js';

await run(process.argv);
