import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { Counter, type Registry } from 'prom-client';
import type { Database } from './database.js';
import { sqliteWriterOf } from './sqlite-writer.js';

/**
 * `polder_thread_busy_seconds_total{thread}`: how long each of the process's threads has been busy
 * (its event loop's active time): `event_loop`, and on a SQLite file database its `writer` thread
 * and the writer lane's `lane` thread (sqlite-writer.ts). A thread busy nearly a second each second
 * is what bounds ingest; on SQLite that is the writer thread first (docs/benchmarks.md). Read at
 * scrape time; a thread started again adds to the count of the one before.
 */
export function registerThreadMetrics(registry: Registry, database: Database): void {
  if (registry.getSingleMetric('polder_thread_busy_seconds_total')) return;
  const writer = sqliteWriterOf(database);
  let loop = 0;
  // Each thread's active time at the last scrape: a thread not seen before counts from zero.
  const last = new WeakMap<Worker, number>();
  new Counter({
    name: 'polder_thread_busy_seconds_total',
    help: "Time each of the process's threads has been busy (event-loop active time), by thread.",
    labelNames: ['thread'] as const,
    registers: [registry],
    collect() {
      const active = performance.eventLoopUtilization().active;
      this.inc({ thread: 'event_loop' }, (active - loop) / 1000);
      loop = active;
      for (const [thread, worker] of writer?.runningThreads() ?? []) {
        const ms = worker.performance.eventLoopUtilization().active;
        this.inc({ thread }, Math.max(0, ms - (last.get(worker) ?? 0)) / 1000);
        last.set(worker, ms);
      }
    },
  });
}
