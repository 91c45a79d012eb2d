export interface GroupCommitOptions {
  /**
   * Commits that may run at once (default 1: one at a time). With more, a new commit starts
   * while others run once `overlapFrom` items wait, so waits (a database commit, a broker
   * confirm) overlap instead of adding up; with none running, one starts at once as always.
   */
  maxInFlight?: number;
  /** Items that must wait before a commit starts beside a running one (default maxItems). */
  overlapFrom?: number;
}

/**
 * Group commit: items added while a commit is in flight, or in the same turn of the event loop,
 * are written together by one `commit` call; each caller's promise settles with that commit.
 * By default one commit runs at a time, so under load the batch grows to whatever arrived
 * meanwhile and the cost per item falls (one fsync / one broker confirm round for many callers).
 * `maxInFlight` lets several run at once (see GroupCommitOptions): commits then finish in any order.
 */
export class GroupCommit<T> {
  private pending: { items: readonly T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private pendingItems = 0;
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly overlapFrom: number;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    /** Largest number of items handed to one commit; the rest go in the next one. */
    private readonly maxItems = 10_000,
    opts: GroupCommitOptions = {},
  ) {
    this.maxInFlight = Math.max(1, Math.floor(opts.maxInFlight ?? 1));
    this.overlapFrom = Math.max(1, Math.floor(opts.overlapFrom ?? maxItems));
  }

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.pendingItems += items.length;
      this.schedule();
    });
  }

  /** Resolves once everything added so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.scheduled || this.pending.length > 0) {
      if (this.running.size > 0) await Promise.race(this.running);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private due(): boolean {
    if (this.pending.length === 0) return false;
    if (this.running.size === 0) return true;
    return this.running.size < this.maxInFlight && this.pendingItems >= this.overlapFrom;
  }

  private schedule(): void {
    if (this.scheduled || !this.due()) return;
    this.scheduled = true;
    // setImmediate, not a microtask: callers woken by the same I/O phase join this commit.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.due()) return;
      const run: Promise<void> = this.flush().finally(() => {
        this.running.delete(run);
        this.schedule();
      });
      this.running.add(run);
      this.schedule();
    });
  }

  private async flush(): Promise<void> {
    const callers = this.take();
    const items = callers.flatMap((c) => c.items);
    try {
      await this.commit(items);
      for (const c of callers) c.resolve();
    } catch (err) {
      for (const c of callers) c.reject(err);
    }
  }

  /** Whole callers up to maxItems (at least one caller, however large). */
  private take() {
    let n = 0;
    let count = 0;
    while (n < this.pending.length) {
      const size = this.pending[n]?.items.length ?? 0;
      if (n > 0 && count + size > this.maxItems) break;
      count += size;
      n++;
    }
    this.pendingItems -= count;
    return this.pending.splice(0, n);
  }
}
