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
/**
 * The callers of one commit: their items in order, and one promise they all get. A lot is closed
 * (a new one opened) when the next caller would take it past maxItems; the lots are what `take`
 * picks greedily in arrival order would be, made as callers arrive. One promise per commit, not per
 * caller: a caller in flight holds no promise, entry or resolving functions of its own (an MQTT
 * publisher keeps a thousand uplinks in flight).
 */
interface Lot<T> {
  items: T[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  /** Lots not yet taken, oldest first; callers join the last. */
  private pending: Lot<T>[] = [];
  private pendingItems = 0;
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly overlapFrom: number;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    /** Largest number of items handed to one commit; a larger caller is committed alone. */
    private readonly maxItems = 10_000,
    opts: GroupCommitOptions = {},
  ) {
    this.maxInFlight = Math.max(1, Math.floor(opts.maxInFlight ?? 1));
    this.overlapFrom = Math.max(1, Math.floor(opts.overlapFrom ?? maxItems));
  }

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    let lot = this.pending.at(-1);
    if (!lot || (lot.items.length > 0 && lot.items.length + items.length > this.maxItems)) {
      lot = this.open();
      this.pending.push(lot);
    }
    for (const item of items) lot.items.push(item);
    this.pendingItems += items.length;
    this.schedule();
    return lot.promise;
  }

  /** Resolves once everything added so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.scheduled || this.pending.length > 0) {
      if (this.running.size > 0) await Promise.race(this.running);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private open(): Lot<T> {
    let resolve: () => void = () => {};
    let reject: (err: unknown) => void = () => {};
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { items: [], promise, resolve, reject };
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
    const lot = this.pending.shift() as Lot<T>;
    this.pendingItems -= lot.items.length;
    try {
      await this.commit(lot.items);
      lot.resolve();
    } catch (err) {
      lot.reject(err);
    }
  }
}
