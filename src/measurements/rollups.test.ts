import { describe, expect, it } from 'vitest';
import type { Measurement } from './measurements.js';
import { rollupsOf, rollupsToUpsert } from './rollups.js';

const T = Date.UTC(2026, 11, 3, 10, 0, 0);
const MIN = 60_000;

describe('rollupsOf', () => {
  it('one rollup per (datastream, size, bucket) in order of first sight, rows in any order, first/last by time', () => {
    const rows: Measurement[] = [
      { datastreamId: 7, time: T + 30_000, value: 2 },
      { datastreamId: 8, time: T, value: 10 },
      { datastreamId: 7, time: T, value: 4 },
      { datastreamId: 7, time: T + MIN, value: 1 },
      { datastreamId: 8, time: T + 59_999, value: -3 },
      { datastreamId: 7, time: T + 59_000, value: 6 },
    ];
    const minutes = rollupsOf(rows, [60]);
    expect(minutes).toEqual([
      {
        datastreamId: 7,
        size: 60,
        bucket: T,
        count: 3,
        sum: 12,
        min: 2,
        max: 6,
        firstTime: T,
        firstValue: 4,
        lastTime: T + 59_000,
        lastValue: 6,
      },
      {
        datastreamId: 8,
        size: 60,
        bucket: T,
        count: 2,
        sum: 7,
        min: -3,
        max: 10,
        firstTime: T,
        firstValue: 10,
        lastTime: T + 59_999,
        lastValue: -3,
      },
      {
        datastreamId: 7,
        size: 60,
        bucket: T + MIN,
        count: 1,
        sum: 1,
        min: 1,
        max: 1,
        firstTime: T + MIN,
        firstValue: 1,
        lastTime: T + MIN,
        lastValue: 1,
      },
    ]);
    const hours = rollupsOf(rows, [3600]);
    expect(hours.map((r) => [r.datastreamId, r.bucket, r.count, r.sum])).toEqual([
      [7, T, 4, 13],
      [8, T, 2, 7],
    ]);
  });

  it('datastream ids too large for a number key (≥ 2^27) are kept apart from small ones and from each other', () => {
    const big = 2 ** 27;
    const rows: Measurement[] = [
      { datastreamId: big, time: T, value: 1 },
      { datastreamId: 1, time: T, value: 2 },
      { datastreamId: big + 1, time: T, value: 3 },
      { datastreamId: big, time: T + 1000, value: 4 },
      { datastreamId: 1, time: T + 2000, value: 5 },
      { datastreamId: big + 1, time: T + 3000, value: 6 },
    ];
    expect(rollupsOf(rows, [60]).map((r) => [r.datastreamId, r.count, r.sum])).toEqual([
      [big, 2, 5],
      [1, 2, 7],
      [big + 1, 2, 9],
    ]);
  });

  it('rollupsToUpsert: 1-minute buckets for every row, hours and days only for rows before the fold mark', () => {
    const mark = T;
    const rows: Measurement[] = [
      { datastreamId: 1, time: T - 2 * MIN, value: 1 },
      { datastreamId: 1, time: T + MIN, value: 2 },
    ];
    const sizes = rollupsToUpsert(rows, mark).map((r) => [r.size, r.bucket, r.count]);
    expect(sizes).toEqual([
      [60, T - 2 * MIN, 1],
      [60, T + MIN, 1],
      [3600, T - 3_600_000, 1],
      [86400, T - 10 * 3_600_000, 1],
    ]);
  });
});
