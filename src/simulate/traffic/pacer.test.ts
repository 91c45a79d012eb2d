import { describe, expect, it } from 'vitest';
import { Pacer, roundRobin } from './pacer.js';

describe('Pacer', () => {
  it('grants one send every 1/rate seconds and says how long to wait for the next', () => {
    const p = new Pacer(4, 1000);
    expect(p.take(1000)).toBe(1);
    expect(p.take(1000)).toBe(0);
    expect(p.waitMs(1000)).toBe(250);
    expect(p.take(1249)).toBe(0);
    expect(p.take(1250)).toBe(1);
    expect(p.take(1760)).toBe(2); // 1500 and 1750 were both due
    expect(p.waitMs(1760)).toBe(240);
  });

  it('sends rate × seconds over a period, whatever the tick pattern', () => {
    const p = new Pacer(7.5, 0, 1000);
    let granted = 0;
    for (let t = 0; t < 20_000; t += 333) granted += p.take(t);
    granted += p.take(19_999);
    expect(granted).toBe(150); // 7.5/s for 20 s: sends at 0, 133.3 … 19866.7
  });

  it('respects a limit (free slots) without losing the sends it could not grant', () => {
    const p = new Pacer(10, 0, 100);
    expect(p.take(1000, 3)).toBe(3);
    expect(p.take(1000)).toBe(8);
  });

  it('after a stall catches up by one burst at most and counts the rest as skipped', () => {
    const p = new Pacer(10, 0, 10);
    expect(p.take(0)).toBe(1);
    expect(p.take(60_000)).toBe(10);
    expect(p.skipped).toBe(590);
    expect(p.take(60_050)).toBe(0);
    expect(p.take(60_100)).toBe(1);
  });

  it('with an unbounded rate grants whatever room there is', () => {
    const p = new Pacer(Number.POSITIVE_INFINITY, 0);
    expect(p.take(0, 64)).toBe(64);
    expect(p.waitMs(0)).toBe(0);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0, 0)).toThrow(RangeError);
    expect(() => new Pacer(Number.NaN, 0)).toThrow(RangeError);
  });
});

describe('roundRobin', () => {
  const take = <T>(g: Generator<T>, n: number) => Array.from({ length: n }, () => g.next().value as T);

  it('takes turns evenly', () => {
    expect(take(roundRobin(['a', 'b', 'c']), 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('shares by weight, interleaved rather than in runs', () => {
    const seq = take(
      roundRobin(['meter', 'lora'], (x) => (x === 'meter' ? 3 : 1)),
      8,
    );
    expect(seq.filter((x) => x === 'meter')).toHaveLength(6);
    expect(seq.slice(0, 4)).toEqual(['meter', 'meter', 'lora', 'meter']);
  });
});
