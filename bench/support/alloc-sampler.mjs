/**
 * Preloaded into a process (`node --import <this file>`), samples where its event loop allocates
 * between two SIGUSR2 signals: every sampled allocation, whether the object is collected after or
 * not (V8's sampling heap profiler, one sample per ~4 KiB allocated); with POLDER_ALLOC_PROF_PROMOTED=1
 * only those no scavenge collected (promoted to the old generation, or still live). At the second signal it
 * writes `<POLDER_ALLOC_PROF_DIR or the temp dir>/alloc-<pid>-<n>.heapprofile` (the format Chrome's
 * DevTools load) and prints its path. Read it with `npx tsx bench/support/profile-share.ts <file>`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';

const session = new Session();
session.connect();
let sampling = false;
let written = 0;

process.on('SIGUSR2', () => {
  if (!sampling) {
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      // POLDER_ALLOC_PROF_PROMOTED=1: only objects that outlived the scavenges (promoted, or live).
      includeObjectsCollectedByMinorGC: process.env.POLDER_ALLOC_PROF_PROMOTED !== '1',
    });
    sampling = true;
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) {
      console.error(`alloc-sampler: ${err.message}`);
      return;
    }
    const file = path.join(process.env.POLDER_ALLOC_PROF_DIR ?? os.tmpdir(), `alloc-${process.pid}-${++written}.heapprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    console.error(`alloc-sampler: wrote ${file}`);
  });
});
