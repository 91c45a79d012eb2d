import type { Aggregate } from './rules.js';

/**
 * The values of a sliding time window (window aggregates) as a ring buffer of times and values,
 * with the aggregates kept up to date as values come in and age out: a running sum (Neumaier
 * compensated, reset whenever the window empties) and count, and monotonic deques of slots for
 * min and max. Taking a value costs O(1) amortised and allocates nothing once the buffer has
 * grown to the window's size. Serialises (`toJSON`) as the `[time, value]` pairs it replaces in
 * the persisted rule state, and is rebuilt from them (`from`) after a restart.
 */
export class TimeWindow {
  /** Capacity, a power of two; `mask` = capacity − 1. */
  private mask: number;
  private times: Float64Array;
  private values: Float64Array;
  /** Slot of the oldest value, and the number of values. */
  private start = 0;
  private n = 0;
  private sum = 0;
  private carry = 0;
  /** Slots whose values increase (min deque) / decrease (max deque), as rings: first index and length. */
  private mins: Int32Array;
  private minStart = 0;
  private minN = 0;
  private maxs: Int32Array;
  private maxStart = 0;
  private maxN = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.mask = cap - 1;
    const b = buffers(cap);
    this.times = b.times;
    this.values = b.values;
    this.mins = b.mins;
    this.maxs = b.maxs;
  }

  static from(pairs: readonly (readonly [number, number])[] | undefined | null, limit = Number.POSITIVE_INFINITY): TimeWindow {
    const w = new TimeWindow(pairs?.length ?? 0);
    for (const [t, v] of pairs ?? []) w.push(t, v, limit);
    return w;
  }

  get length(): number {
    return this.n;
  }

  /** Adds the newest value; drops the oldest ones beyond `limit` values. */
  push(time: number, value: number, limit = Number.POSITIVE_INFINITY): void {
    if (this.n > this.mask) this.grow();
    const mask = this.mask;
    const slot = (this.start + this.n) & mask;
    this.times[slot] = time;
    this.values[slot] = value;
    this.n++;
    // Neumaier: the low-order bits lost by the addition are kept in `carry`.
    const s = this.sum + value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - s + value : value - s + this.sum;
    this.sum = s;
    const values = this.values;
    while (this.minN > 0 && (values[this.mins[(this.minStart + this.minN - 1) & mask] as number] as number) > value) this.minN--;
    this.mins[(this.minStart + this.minN) & mask] = slot;
    this.minN++;
    while (this.maxN > 0 && (values[this.maxs[(this.maxStart + this.maxN - 1) & mask] as number] as number) < value) this.maxN--;
    this.maxs[(this.maxStart + this.maxN) & mask] = slot;
    this.maxN++;
    while (this.n > limit) this.shift();
  }

  /** Drops the values at or before `from` (oldest first: values come in time order). */
  evictUpTo(from: number): void {
    while (this.n > 0 && (this.times[this.start] as number) <= from) this.shift();
  }

  aggregate(agg: Aggregate): number {
    const n = this.n;
    if (agg === 'count') return n;
    if (agg === 'min') return n === 0 ? Number.POSITIVE_INFINITY : (this.values[this.mins[this.minStart] as number] as number);
    if (agg === 'max') return n === 0 ? Number.NEGATIVE_INFINITY : (this.values[this.maxs[this.maxStart] as number] as number);
    const sum = this.sum + this.carry;
    if (agg === 'sum') return sum;
    return n === 0 ? Number.NaN : sum / n;
  }

  /** The persisted form: `[time, value]` pairs, oldest first. */
  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.n; i++) {
      const slot = (this.start + i) & this.mask;
      out.push([this.times[slot] as number, this.values[slot] as number]);
    }
    return out;
  }

  private shift() {
    const slot = this.start;
    const value = this.values[slot] as number;
    if (this.minN > 0 && this.mins[this.minStart] === slot) {
      this.minStart = (this.minStart + 1) & this.mask;
      this.minN--;
    }
    if (this.maxN > 0 && this.maxs[this.maxStart] === slot) {
      this.maxStart = (this.maxStart + 1) & this.mask;
      this.maxN--;
    }
    this.start = (this.start + 1) & this.mask;
    this.n--;
    if (this.n === 0) {
      // Empty: start the sum afresh so no rounding is carried over.
      this.sum = 0;
      this.carry = 0;
      return;
    }
    const s = this.sum - value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - s - value : -value - s + this.sum;
    this.sum = s;
  }

  /** Doubles the buffers; the values move to slots 0… and the deques follow them. */
  private grow() {
    const mask = this.mask;
    const cap = (mask + 1) * 2;
    const { times, values, mins, maxs } = buffers(cap);
    for (let i = 0; i < this.n; i++) {
      times[i] = this.times[(this.start + i) & mask] as number;
      values[i] = this.values[(this.start + i) & mask] as number;
    }
    for (let i = 0; i < this.minN; i++) mins[i] = ((this.mins[(this.minStart + i) & mask] as number) - this.start) & mask;
    for (let i = 0; i < this.maxN; i++) maxs[i] = ((this.maxs[(this.maxStart + i) & mask] as number) - this.start) & mask;
    this.mins = mins;
    this.maxs = maxs;
    this.minStart = 0;
    this.maxStart = 0;
    this.times = times;
    this.values = values;
    this.start = 0;
    this.mask = cap - 1;
  }
}

/** The four arrays of a window of `cap` slots as views of one buffer: one allocation, not four. */
function buffers(cap: number) {
  const buffer = new ArrayBuffer(cap * 24);
  return {
    times: new Float64Array(buffer, 0, cap),
    values: new Float64Array(buffer, cap * 8, cap),
    mins: new Int32Array(buffer, cap * 16, cap),
    maxs: new Int32Array(buffer, cap * 20, cap),
  };
}
