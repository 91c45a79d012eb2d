import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run in parallel forks. Most of the suite waits on I/O (servers, brokers, PostgreSQL,
 * timers), so one fork per core plus one keeps the cores busy: 3 on a 2-core CI machine, where
 * Vitest's default (cores - 1) ran the 182 files one after another. POLDER_TEST_FORKS overrides it
 * (1 runs the files one at a time, as before). Every file makes its own databases, queues, topics,
 * ports and temporary folders, so files do not see each other.
 */
const forks = Number(process.env.POLDER_TEST_FORKS) || os.availableParallelism() + 1;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Native modules (better-sqlite3, isolated-vm) are happiest in child processes.
    pool: 'forks',
    poolOptions: {
      forks: {
        // isolated-vm asks Node >= 20 to run without the startup snapshot, as bin/polder.js does.
        execArgv: ['--no-node-snapshot'],
        maxForks: forks,
        minForks: 1,
      },
    },
    // Generous: with files sharing the cores, a CPU-heavy test takes up to a few times its time alone.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // expect.poll waits on a server, a browser or the writer thread: 1 s (Vitest's default) is too
    // short on two shared cores; what must happen still has to happen.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['default'],
  },
});
