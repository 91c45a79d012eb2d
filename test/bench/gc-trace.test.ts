import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcFigures } from '../../bench/support/gc-trace.js';

/** A process that allocates and promotes on its main thread, and allocates a little on a worker. */
const SCRIPT = `
const { Worker } = require('node:worker_threads');
new Worker('let a = []; for (let i = 0; i < 2e4; i++) a.push({ i });', { eval: true }).on('exit', () => {
  const kept = [];
  for (let i = 0; i < 3e5; i++) { const o = { i, s: 'x' + i }; if (i % 3 === 0) kept.push(o); }
  console.log('kept', kept.length);
});`;

describe('gcFigures (the ingest benchmark reads --trace-gc-nvp)', () => {
  it('sums the collections of the isolate that allocated most: its scavenges, time, allocated and promoted bytes', () => {
    const output = execFileSync(
      process.execPath,
      ['--trace-gc-nvp', '--max-semi-space-size=1', '--single-threaded-gc', '-e', SCRIPT],
      { encoding: 'utf8' },
    );
    expect(output).toContain('kept 100000');
    const gc = gcFigures(output);
    expect(gc).toBeDefined();
    const f = gc as NonNullable<typeof gc>;
    // 100,000 kept objects of ~40 bytes and their strings outgrow a 1 MiB semi-space many times.
    expect(f.scavenges).toBeGreaterThan(3);
    expect(f.ms).toBeGreaterThan(0);
    expect(f.allocatedBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(f.promotedBytes).toBeGreaterThan(1024 * 1024);
    expect(f.promotedBytes).toBeLessThan(f.allocatedBytes);
    // Another isolate's lines (a worker thread that allocated less) are not added in.
    const first = output.split('\n').find((l) => l.includes(' ms: pause=')) as string;
    const other = first.replace(/^\[(\d+):0x[0-9a-f]+\]/, '[$1:0xdead]');
    expect(gcFigures(`${output}\n${other}`)).toEqual(f);
    expect(gcFigures(other)?.scavenges ?? 0).toBeLessThanOrEqual(1);
    expect(gcFigures('no trace here')).toBeUndefined();
  });
});
