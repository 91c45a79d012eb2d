import { describe, expect, it } from 'vitest';
import { derive, planOf } from '../../src/derived/derived-compute.js';
import { compile, ExpressionError } from '../../src/derived/expression.js';
import { conversion } from '../../src/derived/units.js';

const run = (src: string, vars: Record<string, number>) => compile(src, new Set(Object.keys(vars))).run(vars);

describe('derived expressions, units and windows', () => {
  it('evaluates arithmetic with the usual precedence', () => {
    expect(run('a + b * c', { a: 1, b: 2, c: 3 })).toBe(7);
    expect(run('(a + b) * c', { a: 1, b: 2, c: 3 })).toBe(9);
    expect(run('-a ^ 2', { a: 3 })).toBe(-9);
    expect(run('a ^ b ^ c', { a: 2, b: 3, c: 2 })).toBe(512);
    expect(run('(t - 32) * 5 / 9', { t: 212 })).toBe(100);
    expect(run('sqrt(p^2 + q^2)', { p: 3, q: 4 })).toBe(5);
    expect(run('max(a, b, 1e3) + min(a, b)', { a: 1, b: 2 })).toBe(1001);
  });

  it('refuses what it cannot read, naming the position', () => {
    const bad = (src: string, names: string[]) => {
      try {
        compile(src, new Set(names));
      } catch (err) {
        expect(err).toBeInstanceOf(ExpressionError);
        return (err as ExpressionError).position;
      }
      throw new Error(`${src} compiled`);
    };
    expect(bad('a +', ['a'])).toBe(3);
    expect(bad('a + x', ['a'])).toBe(4);
    expect(bad('a $ b', ['a', 'b'])).toBe(2);
    expect(bad('evil(a)', ['a'])).toBe(0);
    expect(bad('(a', ['a'])).toBe(2);
    expect(bad('sqrt(a, a)', ['a'])).toBe(0);
    expect(bad(`${'('.repeat(100)}a${')'.repeat(100)}`, ['a'])).toBeGreaterThan(0);
  });

  it('converts units with SI prefixes, temperatures and speeds, exactly where it can', () => {
    const apply = (from: string, to: string, x: number) => {
      const c = conversion(from, to);
      if (!c) throw new Error(`${from} → ${to}`);
      return (x * c.num) / c.den + c.b;
    };
    expect(apply('W', 'kW', 3300)).toBe(3.3);
    expect(apply('kWh', 'Wh', 1.5)).toBe(1500);
    expect(apply('Pa', 'hPa', 101325)).toBe(1013.25);
    expect(apply('mA', 'A', 250)).toBe(0.25);
    expect(apply('Cel', '[degF]', 100)).toBe(212);
    expect(apply('[degF]', 'Cel', 212)).toBeCloseTo(100, 12);
    expect(apply('K', 'Cel', 273.15)).toBe(0);
    expect(apply('m/s', 'km/h', 10)).toBe(36);
    expect(conversion('W', 'Cel')).toBeUndefined();
    expect(conversion('W', 'Wh')).toBeUndefined();
  });

  it('aggregates tumbling windows of the expression over inputs matched by time', () => {
    const plan = planOf({
      inputs: { a: 1, b: 2 },
      expression: 'a + b',
      window: { seconds: 10, aggregate: 'stddev' },
      convert: null,
      latenessSeconds: 0,
      backfillSeconds: 0,
    });
    const rows = [
      { datastreamId: 1, time: 1000, value: 1 },
      { datastreamId: 2, time: 1000, value: 1 },
      { datastreamId: 1, time: 2000, value: 3 },
      { datastreamId: 2, time: 2000, value: 3 },
      { datastreamId: 1, time: 3000, value: 100 }, // no b at 3000: not an instant
      { datastreamId: 1, time: 12_000, value: 5 },
      { datastreamId: 2, time: 12_000, value: 5 },
    ];
    // Window [0, 10 s): instants 2 and 6 → σ 2; window [10 s, 20 s): one instant → σ 0.
    expect(derive(plan, rows)).toEqual([
      { time: 0, value: 2 },
      { time: 10_000, value: 0 },
    ]);
  });
});
