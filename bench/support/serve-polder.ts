// `polder serve` from the sources, for benchmarks that measure Polder in its own process:
//   node --import tsx bench/support/serve-polder.ts   (configured by POLDER_* variables)
import { run } from '../../src/cli.js';

await run([process.argv[0] ?? 'node', 'polder', 'serve']);
