// A process under the load HeapGrowth is for: a large live set, and objects that live long enough
// to be promoted, then die (the uplinks in flight). Prints how many full collections the churn took;
// with `raise`, HeapGrowth saw a high rate of uplinks before it; with `calm`, then ten quiet seconds
// (test/shared/heap-growth.test.ts).
import { constants, type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { HeapGrowth, heapGrowingPercentOf } from '../../src/shared/heap-growth.js';

let uplinks = 0;
const growth = new HeapGrowth({ uplinks: () => uplinks, restPercent: heapGrowingPercentOf(process.execArgv) });
if (process.argv.includes('raise') || process.argv.includes('calm')) {
  growth.tick(0);
  uplinks = 5000;
  growth.tick(1000);
}
// Raised, then ten quiet seconds: the rest value again.
if (process.argv.includes('calm')) for (let s = 2; s <= 11; s++) growth.tick(s * 1000);

const live: { id: number; text: string }[] = [];
for (let i = 0; i < 1_000_000; i++) live.push({ id: i, text: `live ${i}` });

// The churn starts from one full collection, so that it counts the same whatever the loading of
// this module allocated (which varies with how busy the machine is); only collections after it count.
(globalThis as { gc?: () => void }).gc?.();
const start = performance.now();
let full = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (
      e.startTime >= start &&
      (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR
    )
      full++;
}).observe({ entryTypes: ['gc'] });

const inFlight: unknown[][] = [];
for (let round = 0; round < 600; round++) {
  const batch: unknown[] = [];
  for (let i = 0; i < 5000; i++) batch.push({ round, i, body: `uplink ${round}/${i}`, values: [i, i + 1, i + 2] });
  inFlight.push(batch);
  if (inFlight.length > 20) inFlight.shift();
}
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ full, raised: growth.raised, live: live.length })}\n`);
}, 20);
