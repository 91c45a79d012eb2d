import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Native modules (better-sqlite3, isolated-vm) are happiest in child processes.
    pool: 'forks',
    // isolated-vm asks Node >= 20 to run without the startup snapshot, as bin/polder.js does.
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
