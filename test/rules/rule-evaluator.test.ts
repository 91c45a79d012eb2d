import { describe, expect, it } from 'vitest';
import { aggregate, deviation, newState, step, tick } from '../../src/rules/rule-evaluator.js';
import type { Aggregate, Condition, Rule, Test } from '../../src/rules/rules.js';
import { TimeWindow } from '../../src/rules/time-window.js';

const rule = (condition: Condition, clear: Test | null = null, repeatSeconds: number | null = null): Rule => ({
  id: 'r',
  orgId: 'o',
  name: 'r',
  scope: {},
  property: 'temperature',
  condition,
  clear,
  severity: 'warning',
  repeatSeconds,
  actions: [{ kind: 'alert' }],
  enabled: true,
  createdAt: 0,
  updatedAt: 0,
});

/** Feeds [seconds, value] pairs; answers "kind@seconds" of every transition. */
function run(r: Rule, values: [number, number][]) {
  const s = newState();
  return values.flatMap(([t, v]) => step(r, s, t * 1000, v).map((x) => `${x.kind}@${x.time / 1000}`));
}

describe('rule evaluation', () => {
  it('threshold with forSeconds fires only once held, and clears with hysteresis', () => {
    const r = rule({ kind: 'threshold', op: '>', value: 30, forSeconds: 300 }, { op: '<', value: 28 });
    expect(
      run(r, [
        [0, 31],
        [100, 32],
        [150, 29],
        [200, 31],
        [499, 31],
        [500, 31],
        [600, 29],
        [700, 27.5],
        [800, 31],
      ]),
    ).toEqual(['fired@500', 'cleared@700']);
  });

  it('threshold N of the last M values', () => {
    const r = rule({ kind: 'threshold', op: '>=', value: 10, count: 3, window: 5 });
    expect(
      run(r, [
        [1, 10],
        [2, 0],
        [3, 11],
        [4, 0],
        [5, 12],
        [6, 0],
        [7, 0],
        [8, 0],
      ]),
    ).toEqual(['fired@5', 'cleared@6']);
  });

  it('outside and inside a range', () => {
    expect(
      run(rule({ kind: 'threshold', op: 'outside', min: 18, max: 24 }), [
        [1, 20],
        [2, 25],
        [3, 22],
        [4, 17],
      ]),
    ).toEqual(['fired@2', 'cleared@3', 'fired@4']);
    expect(
      run(rule({ kind: 'threshold', op: 'inside', min: 0, max: 1 }), [
        [1, 2],
        [2, 0.5],
      ]),
    ).toEqual(['fired@2']);
  });

  it('rate per minute', () => {
    const r = rule({ kind: 'rate', op: '>', value: 2 });
    // +1 per 60 s, then +3 in 60 s, then flat.
    expect(
      run(r, [
        [0, 20],
        [60, 21],
        [120, 24],
        [180, 24],
      ]),
    ).toEqual(['fired@120', 'cleared@180']);
  });

  it('window aggregate over a sliding window', () => {
    const r = rule({ kind: 'window', aggregate: 'avg', windowSeconds: 60, op: '>', value: 10 });
    expect(
      run(r, [
        [0, 5],
        [30, 14],
        [50, 14],
        [80, 14],
        [100, 5],
        [140, 5],
      ]),
    ).toEqual(['fired@50', 'cleared@140']);
  });

  it('repeatSeconds re-notifies while the condition holds', () => {
    const r = rule({ kind: 'threshold', op: '>', value: 1 }, null, 60);
    expect(
      run(r, [
        [0, 2],
        [30, 2],
        [60, 2],
        [90, 2],
        [120, 2],
        [130, 0],
      ]),
    ).toEqual(['fired@0', 'repeated@60', 'repeated@120', 'cleared@130']);
  });

  it('no-data fires on the clock and clears when data comes back', () => {
    const r = rule({ kind: 'no-data', seconds: 600 });
    const s = newState();
    step(r, s, 0, 1);
    expect(tick(r, s, 599_000)).toEqual([]);
    expect(tick(r, s, 600_000).map((t) => t.kind)).toEqual(['fired']);
    expect(tick(r, s, 900_000)).toEqual([]);
    expect(step(r, s, 901_000, 1).map((t) => t.kind)).toEqual(['cleared']);
  });

  it('skips values not newer than the last one (late or redelivered)', () => {
    const r = rule({ kind: 'threshold', op: '>', value: 30 });
    expect(
      run(r, [
        [10, 20],
        [5, 40],
        [10, 40],
      ]),
    ).toEqual([]);
  });
});

describe('TimeWindow (incremental window aggregates)', () => {
  const AGGS: Aggregate[] = ['avg', 'min', 'max', 'sum', 'count'];
  /** A deterministic pseudo-random sequence (no Math.random: the test is reproducible). */
  const lcg = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  it('matches the aggregate of the plain pairs while values come, age out and the buffer grows', () => {
    const next = lcg(7);
    const w = new TimeWindow(2);
    let plain: [number, number][] = [];
    let t = 0;
    for (let i = 0; i < 2_000; i++) {
      t += 1 + Math.floor(next() * 20);
      // Values out of order (not monotonic), negatives, repeats, a burst of equal minima.
      const v = i % 97 < 5 ? -3 : Math.round((next() * 200 - 100) * 100) / 100;
      w.push(t, v);
      plain.push([t, v]);
      const from = t - 60 - Math.floor(next() * 200);
      w.evictUpTo(from);
      plain = plain.filter(([x]) => x > from);
      expect(w.length).toBe(plain.length);
      for (const agg of AGGS) expect(w.aggregate(agg)).toBeCloseTo(aggregate(agg, plain), 9);
      expect(w.aggregate('min')).toBe(aggregate('min', plain));
      expect(w.aggregate('max')).toBe(aggregate('max', plain));
    }
  });

  it('evicts everything at or before the cut, empties, and starts the sum afresh', () => {
    const w = new TimeWindow();
    w.push(1000, 0.1);
    w.push(2000, 0.2);
    w.push(3000, 0.7);
    w.evictUpTo(2000);
    expect(w.toJSON()).toEqual([[3000, 0.7]]);
    expect(w.aggregate('min')).toBe(0.7);
    expect(w.aggregate('max')).toBe(0.7);
    w.evictUpTo(3000);
    expect(w.length).toBe(0);
    expect(w.aggregate('sum')).toBe(0);
    expect(w.aggregate('avg')).toBeNaN();
    w.push(4000, 5);
    expect(w.aggregate('sum')).toBe(5);
    expect(w.aggregate('avg')).toBe(5);
  });

  it('keeps at most `limit` values, the newest', () => {
    const w = new TimeWindow();
    for (let i = 1; i <= 10; i++) w.push(i, 11 - i, 4);
    expect(w.toJSON()).toEqual([
      [7, 4],
      [8, 3],
      [9, 2],
      [10, 1],
    ]);
    expect(w.aggregate('max')).toBe(4);
    expect(w.aggregate('sum')).toBe(10);
  });

  it('persists as [time, value] pairs and is restored from them (restart)', () => {
    const r = rule({ kind: 'window', aggregate: 'max', windowSeconds: 60, op: '>', value: 10 });
    const s = newState();
    step(r, s, 0, 12);
    step(r, s, 30_000, 5);
    const saved = JSON.parse(JSON.stringify(s));
    expect(saved.recent).toEqual([
      [0, 12],
      [30_000, 5],
    ]);
    expect(saved.active).toBe(true);
    // After the restart the max of 12 ages out at 60 s exactly as it would have without one.
    expect(step(r, saved, 50_000, 6)).toEqual([]);
    expect(step(r, saved, 60_000, 7).map((x) => x.kind)).toEqual(['cleared']);
    expect(JSON.parse(JSON.stringify(saved)).recent).toEqual([
      [30_000, 5],
      [50_000, 6],
      [60_000, 7],
    ]);
  });

  it('a window rule gives the same transitions as recomputing the aggregate over the pairs', () => {
    const next = lcg(11);
    for (const agg of AGGS) {
      const c: Condition = {
        kind: 'window',
        aggregate: agg,
        windowSeconds: 120,
        op: '>',
        value: agg === 'count' ? 6 : agg === 'sum' ? 300 : 55,
      };
      const r = rule(c, null, 300);
      const s = newState();
      let plain: [number, number][] = [];
      let active = false;
      let t = 0;
      for (let i = 0; i < 500; i++) {
        t += 5_000 + Math.floor(next() * 30_000);
        const v = Math.floor(next() * 100);
        plain.push([t, v]);
        plain = plain.filter(([x]) => x > t - 120_000);
        const holds = aggregate(agg, plain) > (c.value ?? 0);
        const kinds = step(r, s, t, v).map((x) => x.kind);
        if (!active && holds) expect(kinds).toEqual(['fired']);
        else if (active && !holds) expect(kinds).toEqual(['cleared']);
        else expect(kinds.filter((k) => k !== 'repeated')).toEqual([]);
        active = holds;
      }
    }
  });
});

describe('forecast deviations', () => {
  it('counts the deviations inside the window', () => {
    const r = rule({ kind: 'forecast-deviation', count: 2, windowSeconds: 60 });
    const s = newState();
    expect(deviation(r, s, 0, 1)).toEqual([]);
    expect(deviation(r, s, 70_000, 1)).toEqual([]);
    expect(deviation(r, s, 100_000, 1).map((x) => x.kind)).toEqual(['fired']);
    expect(step(r, s, 120_000, 1)).toEqual([]);
    expect(step(r, s, 140_000, 1).map((x) => x.kind)).toEqual(['cleared']);
  });
});
