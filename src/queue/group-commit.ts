/**
 * Group commit: items added while a commit is in flight, or in the same turn of the event loop,
 * are written together by one `commit` call; each caller's promise settles with that commit.
 * One commit runs at a time, so under load the batch grows to whatever arrived meanwhile and the
 * cost per item falls (one fsync / one broker confirm round for many callers).
 */
export class GroupCommit<T> {
  private pending: { items: readonly T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    /** Largest number of items handed to one commit; the rest go in the next one. */
    private readonly maxItems = 10_000,
  ) {}

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything added so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.running || this.scheduled || this.pending.length > 0) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: callers woken by the same I/O phase join this commit.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.flush().finally(() => {
        this.running = undefined;
        if (this.pending.length > 0) this.schedule();
      });
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
    return this.pending.splice(0, n);
  }
}
