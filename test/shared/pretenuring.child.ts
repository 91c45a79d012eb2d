// Uplinks in flight as V8 sees them: one object a step that lives for `W` steps, a little over one
// scavenge's worth of allocation, beside short-lived garbage that drives the scavenges; a large live
// set. Prints the full and minor collections the churn took; with `off`, pretenuringOff turned V8's
// allocation-site pretenuring off first (test/shared/heap-growth.test.ts).
import { constants, type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { pretenuringOff } from '../../src/shared/heap-growth.js';

const off = process.argv.includes('off') && pretenuringOff(process.execArgv);

const live: { id: number; text: string }[] = [];
for (let i = 0; i < 1_000_000; i++) live.push({ id: i, text: `live ${i}` });
(globalThis as { gc?: () => void }).gc?.();
const start = performance.now();
let full = 0;
let minor = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.startTime < start) continue;
    if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
    else minor++;
  }
}).observe({ entryTypes: ['gc'] });

// 13,000 steps: about 1.5 scavenges of these allocations with 8 MiB semi-spaces, so every message
// outlives the scavenge after it (V8 then pretenures the site) and most die before the next.
const W = 13_000;
const inFlight: unknown[] = new Array(W);
const message = (i: number) => ({ id: i, body: `uplink ${i}`, values: [i, i + 1, i + 2] });
const garbage = (i: number) => {
  const t: { k: number; v: number }[] = [];
  for (let k = 0; k < 8; k++) t.push({ k, v: i + k });
  return t.length;
};
let made = 0;
for (let i = 0; i < 2_000_000; i++) {
  inFlight[i % W] = message(i);
  made += garbage(i);
}
setTimeout(() => process.stdout.write(`${JSON.stringify({ off, full, minor, made, live: live.length })}\n`), 20);
