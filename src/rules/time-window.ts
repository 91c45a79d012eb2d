import type { Aggregate } from './rules.js';

/**
 * The values of a sliding time window (window aggregates) as a ring buffer of times and values,
 * with the aggregates kept up to date as values come in and age out: a running sum (Neumaier
 * compensated, reset whenever the window empties) and count, and monotonic deques of positions
 * for min and max. Taking a value costs O(1) amortised and allocates nothing once the buffer has
 * grown to the window's size. Serialises (`toJSON`) as the `[time, value]` pairs it replaces in
 * the persisted rule state, and is rebuilt from them (`from`) after a restart.
 */
export class TimeWindow {
  private times: Float64Array;
  private values: Float64Array;
  /** Position (ever increasing) of the oldest value kept, and one past the newest. */
  private head = 0;
  private tail = 0;
  private sum = 0;
  private carry = 0;
  /** Positions whose values are increasing (min deque) / decreasing (max deque). */
  private mins: Float64Array;
  private minHead = 0;
  private minTail = 0;
  private maxs: Float64Array;
  private maxHead = 0;
  private maxTail = 0;

  constructor(capacity = 8) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.mins = new Float64Array(capacity);
    this.maxs = new Float64Array(capacity);
  }

  static from(pairs: readonly (readonly [number, number])[] | undefined | null, limit = Number.POSITIVE_INFINITY): TimeWindow {
    const w = new TimeWindow(Math.max(8, pairs?.length ?? 0));
    for (const [t, v] of pairs ?? []) w.push(t, v, limit);
    return w;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Adds the newest value; drops the oldest ones beyond `limit` values. */
  push(time: number, value: number, limit = Number.POSITIVE_INFINITY): void {
    if (this.length === this.times.length) this.grow();
    const cap = this.times.length;
    const at = this.tail % cap;
    this.times[at] = time;
    this.values[at] = value;
    // Neumaier: the low-order bits lost by the addition are kept in `carry`.
    const s = this.sum + value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - s + value : value - s + this.sum;
    this.sum = s;
    while (this.minTail > this.minHead && this.valueAt(this.mins[(this.minTail - 1) % cap] as number) > value) this.minTail--;
    this.mins[this.minTail % cap] = this.tail;
    this.minTail++;
    while (this.maxTail > this.maxHead && this.valueAt(this.maxs[(this.maxTail - 1) % cap] as number) < value) this.maxTail--;
    this.maxs[this.maxTail % cap] = this.tail;
    this.maxTail++;
    this.tail++;
    while (this.length > limit) this.shift();
  }

  /** Drops the values at or before `from` (oldest first: values come in time order). */
  evictUpTo(from: number): void {
    while (this.tail > this.head && (this.times[this.head % this.times.length] as number) <= from) this.shift();
  }

  aggregate(agg: Aggregate): number {
    const n = this.length;
    if (agg === 'count') return n;
    const cap = this.times.length;
    if (agg === 'min') return n === 0 ? Number.POSITIVE_INFINITY : this.valueAt(this.mins[this.minHead % cap] as number);
    if (agg === 'max') return n === 0 ? Number.NEGATIVE_INFINITY : this.valueAt(this.maxs[this.maxHead % cap] as number);
    const sum = this.sum + this.carry;
    if (agg === 'sum') return sum;
    return n === 0 ? Number.NaN : sum / n;
  }

  /** The persisted form: `[time, value]` pairs, oldest first. */
  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    const cap = this.times.length;
    for (let p = this.head; p < this.tail; p++) out.push([this.times[p % cap] as number, this.values[p % cap] as number]);
    return out;
  }

  private valueAt(position: number): number {
    return this.values[position % this.values.length] as number;
  }

  private shift() {
    const cap = this.times.length;
    const value = this.values[this.head % cap] as number;
    if (this.minTail > this.minHead && this.mins[this.minHead % cap] === this.head) this.minHead++;
    if (this.maxTail > this.maxHead && this.maxs[this.maxHead % cap] === this.head) this.maxHead++;
    this.head++;
    if (this.head === this.tail) {
      // Empty: start the sum afresh so no rounding is carried over.
      this.sum = 0;
      this.carry = 0;
      return;
    }
    const s = this.sum - value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - s - value : -value - s + this.sum;
    this.sum = s;
  }

  /** Doubles the buffers, keeping positions (the ring is re-laid out from the new capacity). */
  private grow() {
    const cap = this.times.length;
    const next = cap * 2;
    const relay = (from: Float64Array, lo: number, hi: number) => {
      const to = new Float64Array(next);
      for (let p = lo; p < hi; p++) to[p % next] = from[p % cap] as number;
      return to;
    };
    this.mins = relay(this.mins, this.minHead, this.minTail);
    this.maxs = relay(this.maxs, this.maxHead, this.maxTail);
    this.times = relay(this.times, this.head, this.tail);
    this.values = relay(this.values, this.head, this.tail);
  }
}
