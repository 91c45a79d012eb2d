/**
 * Rate pacing without timers of its own: given the clock, how many sends are due and how long
 * to wait for the next one. A sender that fell behind (a slow server, a paused process) catches
 * up by at most `maxBurst` sends at once; the rest is dropped from the schedule and counted as
 * `skipped`, so a stall never turns into an unbounded burst.
 */
export class Pacer {
  private origin: number;
  private granted = 0;
  skipped = 0;

  constructor(
    /** Sends per second; Infinity: as fast as asked. */
    readonly rate: number,
    start: number,
    private readonly maxBurst = Math.max(1, Math.ceil(rate)),
  ) {
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    this.origin = start;
  }

  /** Sends due at `now` that were not granted yet; they are granted by this call. */
  take(now: number, limit = Number.POSITIVE_INFINITY): number {
    if (this.rate === Number.POSITIVE_INFINITY) return Number.isFinite(limit) ? limit : 1;
    let due = Math.floor(((now - this.origin) * this.rate) / 1000) + 1 - this.granted;
    if (due > this.maxBurst) {
      // Forget the backlog beyond one burst: restart the schedule as if it began `maxBurst` sends ago.
      this.skipped += due - this.maxBurst;
      this.granted += due - this.maxBurst;
      due = this.maxBurst;
    }
    const n = Math.max(0, Math.min(due, limit));
    this.granted += n;
    return n;
  }

  /** Milliseconds from `now` until the next send is due (0: due now). */
  waitMs(now: number): number {
    if (this.rate === Number.POSITIVE_INFINITY) return 0;
    const nextAt = this.origin + (this.granted * 1000) / this.rate;
    return Math.max(0, Math.ceil(nextAt - now));
  }
}

/** Smooth weighted round robin (as nginx balances upstreams): the order devices take turns in. */
export function* roundRobin<T>(items: readonly T[], weight: (item: T) => number = () => 1): Generator<T, never> {
  if (items.length === 0) throw new RangeError('nothing to take turns');
  const weights = items.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  for (;;) {
    let best = 0;
    for (let i = 0; i < items.length; i++) {
      current[i] = (current[i] as number) + (weights[i] as number);
      if ((current[i] as number) > (current[best] as number)) best = i;
    }
    current[best] = (current[best] as number) - total;
    yield items[best] as T;
  }
}
