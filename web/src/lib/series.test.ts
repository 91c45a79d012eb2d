import { describe, expect, it } from 'vitest';
import { alignSeries, intervalFor, rowsOf, toCsv, toNdjson, unitScales } from './series.js';

const rows = [
  { datastream: 2, time: '2026-12-02T10:00:00.000Z', value: 5 },
  { datastream: 1, time: '2026-12-02T10:00:00.000Z', value: 20.5 },
  { datastream: 1, time: '2026-12-02T10:01:00.000Z', value: 21 },
  { datastream: 3, time: '2026-12-02T10:02:00.000Z', value: 99 },
];
const T0 = Date.parse('2026-12-02T10:00:00Z') / 1000;

describe('chart data shaping', () => {
  it('aligns several datastreams on one time axis with gaps as null, ignoring unasked ones', () => {
    expect(alignSeries(rows, [1, 2])).toEqual([
      [T0, T0 + 60],
      [20.5, 21],
      [5, null],
    ]);
    expect(alignSeries([], [1])).toEqual([[], []]);
  });

  it('gives each unit its own axis', () => {
    expect(unitScales(['Cel', '%', 'Cel'])).toEqual({ scales: ['Cel', '%'], scaleOf: ['Cel', '%', 'Cel'] });
  });

  it('asks raw data for short spans and buckets for long ones', () => {
    expect(intervalFor(3600_000)).toBe('raw');
    expect(intervalFor(24 * 3600_000)).toBe('5m');
    expect(intervalFor(30 * 86400_000)).toBe('1h');
    expect(intervalFor(400 * 86400_000)).toBe('1d');
  });

  it('downloads what is shown as CSV and NDJSON', () => {
    expect(toCsv(alignSeries(rows, [1, 2]), ['temp, room', 'co2'])).toBe(
      'time,"temp, room",co2\n2026-12-02T10:00:00.000Z,20.5,5\n2026-12-02T10:01:00.000Z,21,\n',
    );
    expect(toNdjson(rows.slice(0, 1))).toBe('{"datastream":2,"time":"2026-12-02T10:00:00.000Z","value":5}\n');
  });

  it('keeps the row entries of a measurements page, not columnar ones', () => {
    const row = { datastream: 1, time: '2026-12-03T00:00:00Z', value: 1.5 };
    expect(rowsOf([row, { datastream: 2, time: [1, 2], value: [3, 4] }])).toEqual([row]);
  });
});
