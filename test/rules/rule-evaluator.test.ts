import { describe, expect, it } from 'vitest';
import { newState, step, tick } from '../../src/rules/rule-evaluator.js';
import type { Condition, Rule, Test } from '../../src/rules/rules.js';

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
