/**
 * At most `size` handler calls at once, whether an inbox's loop or its inline batches make them;
 * the others wait their turn in order. Both inboxes use it (size 1: one call at a time).
 */
export class HandlerSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  readonly size: number;

  constructor(size = 1) {
    this.size = Math.max(1, Math.floor(size));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter (the count stays), or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
}
