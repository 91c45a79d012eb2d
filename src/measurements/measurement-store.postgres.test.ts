import { describe, expect, it } from 'vitest';
import { rollupUpsertText } from './measurement-store.postgres.js';
import type { Rollup } from './measurements.js';

const rollup = (datastreamId: number, bucket: number, over: Partial<Rollup> = {}): Rollup => ({
  datastreamId,
  size: 60,
  bucket,
  count: 2,
  sum: 3.5,
  min: 1.25,
  max: 2.25,
  firstTime: bucket + 1,
  firstValue: 1.25,
  lastTime: bucket + 2,
  lastValue: 2.25,
  ...over,
});

describe('rollupUpsertText', () => {
  it('writes each column as an array literal, rows in lock order, and every float8 PostgreSQL reads back', () => {
    const text = rollupUpsertText([
      rollup(7, 120_000, { sum: Number.NaN, min: Number.NEGATIVE_INFINITY, max: 1e21, lastValue: 1.5e-7 }),
      rollup(3, 60_000),
    ]);
    expect(text).toContain(
      "unnest('{3,7}'::bigint[], '{60,60}'::int[], '{60000,120000}'::bigint[], '{2,2}'::bigint[], '{3.5,NaN}'::float8[], " +
        "'{1.25,-Infinity}'::float8[], '{2.25,1e+21}'::float8[], '{60001,120001}'::bigint[], '{1.25,1.25}'::float8[], " +
        "'{60002,120002}'::bigint[], '{2.25,1.5e-7}'::float8[])",
    );
    expect(text).toMatch(/on conflict \(datastream_id, size, bucket\) do update set/);
  });

  it('refuses anything but numbers (nothing else is ever written into the statement)', () => {
    const bad = { ...rollup(1, 0), sum: "1}'; drop table rollups; --" } as unknown as Rollup;
    expect(() => rollupUpsertText([bad])).toThrow(TypeError);
  });
});
