/**
 * The write lock between the writer thread and the main connection's committer, in shared
 * memory, taken around every IMMEDIATE transaction of either side. SQLite's own lock would do for
 * correctness, but the main connection waits for it in busy_timeout, which sleeps on the event
 * loop (1, 2, 5, 10… ms per try): here the main side waits asynchronously instead, and takes
 * SQLite's lock only when it is free. The thread blocks (Atomics.wait) while the main side holds
 * it or waits for it, so the main side's short writes (inbox rows) are not starved by a queue of
 * batches. Waits are bounded: past them either side goes on to SQLite's busy_timeout, which
 * stays the arbiter (a lock lost with a dead thread is released by the main side).
 *
 * Layout: [0] holder (0 free, 1 main, 2 thread), [1] main-side waiters.
 */
const FREE = 0;
const MAIN = 1;
const THREAD = 2;
/** Longest wait of either side before going on to SQLite's own lock. */
const MAX_WAIT_MS = 1000;

export interface WriterLock {
  readonly buffer: SharedArrayBuffer;
  /** Main side: resolves holding the lock (or after MAX_WAIT_MS without it: SQLite arbitrates). */
  acquireMain(): Promise<boolean>;
  releaseMain(): void;
  /** Thread side: blocks until held (or MAX_WAIT_MS). */
  acquireThread(): boolean;
  releaseThread(): void;
}

type WaitAsync = (
  a: Int32Array,
  i: number,
  v: number,
  t: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

export function writerLock(buffer = new SharedArrayBuffer(8)): WriterLock {
  const cell = new Int32Array(buffer);
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  const release = (holder: number) => {
    if (Atomics.compareExchange(cell, 0, holder, FREE) === holder) Atomics.notify(cell, 0);
  };
  return {
    buffer,
    async acquireMain() {
      if (Atomics.compareExchange(cell, 0, FREE, MAIN) === FREE) return true;
      const until = Date.now() + MAX_WAIT_MS;
      Atomics.add(cell, 1, 1);
      try {
        for (;;) {
          const holder = Atomics.compareExchange(cell, 0, FREE, MAIN);
          if (holder === FREE) return true;
          const left = until - Date.now();
          if (left <= 0) return false;
          const w = waitAsync(cell, 0, holder, left);
          if (w.async) await w.value;
        }
      } finally {
        Atomics.sub(cell, 1, 1);
      }
    },
    releaseMain: () => release(MAIN),
    acquireThread() {
      const until = Date.now() + MAX_WAIT_MS;
      for (;;) {
        const left = until - Date.now();
        if (left <= 0) return false;
        // The main side first: it waits only between its synchronous transactions.
        if (Atomics.load(cell, 1) > 0) {
          Atomics.wait(cell, 0, Atomics.load(cell, 0), Math.min(left, 5));
          continue;
        }
        const holder = Atomics.compareExchange(cell, 0, FREE, THREAD);
        if (holder === FREE) return true;
        Atomics.wait(cell, 0, holder, left);
      }
    },
    releaseThread: () => release(THREAD),
  };
}
