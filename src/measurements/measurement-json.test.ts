import { describe, expect, it } from 'vitest';
import { measurementPageJson } from './measurement-json.js';
import type { Series } from './measurements.js';

/** The answer as the route wrote it before: objects through JSON.stringify. */
function stringified(series: Series[], next: string | null, extra: { total?: number; interval?: string } = {}) {
  const data = series.flatMap((s) =>
    s.times.map((t, i) => ({ datastream: s.datastreamId, time: new Date(t).toISOString(), value: s.values[i] })),
  );
  return JSON.stringify({ data, links: { next }, ...extra });
}

const HOUR = 3_600_000;

describe('measurement page JSON', () => {
  // Times across hours, days and years, before 1970-01-01 01:00 and at odd milliseconds; values of
  // every kind a datastream holds, numbers that need 17 digits or an exponent, text needing escapes.
  const series: Series[] = [
    {
      datastreamId: 7,
      times: [
        0,
        1,
        59_999,
        HOUR - 1,
        HOUR,
        86_400_000 * 365 + 12_345,
        Date.UTC(2024, 1, 29, 23, 59, 59, 999),
        253_402_300_799_999,
      ],
      values: [0, -0, 0.1 + 0.2, 1e21, 5e-324, -1.5e-7, 123456789.12345679, Number.MAX_VALUE],
    },
    {
      datastreamId: 12,
      times: [Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1, 0, 0, 1), Date.UTC(2025, 0, 1, 1), Date.UTC(2025, 0, 2)],
      values: ['température "22,5" °C\n\u2028', true, false, { a: [1, null, 'x'] }],
    },
    { datastreamId: 13, times: [Date.UTC(2025, 6, 1, 12)], values: [{ nested: { ok: true, list: [1.25, 'ü'] } }] },
    // Years before 0 and after 9999 (27 characters), with the longest hundredths.
    { datastreamId: 14, times: [-62_198_755_200_000, 253_402_300_800_000], values: [-21_474_836.47, 21_474_836.47] },
  ];

  it('writes rows byte for byte as JSON.stringify wrote them, links, total and interval included', () => {
    const next = 'http://127.0.0.1:8080/api/measurements?datastream=7&cursor=WzcsMF0';
    expect(measurementPageJson({ series, next: 'c' }, next, 'rows').toString('utf8')).toBe(stringified(series, next));
    expect(measurementPageJson({ series, next: null, total: 11 }, null, 'rows').toString('utf8')).toBe(
      stringified(series, null, { total: 11 }),
    );
    expect(measurementPageJson({ series, next: null, interval: '1h' }, null, 'rows').toString('utf8')).toBe(
      stringified(series, null, { interval: '1h' }),
    );
    expect(measurementPageJson({ series: [], next: null }, null, 'rows').toString('utf8')).toBe(
      '{"data":[],"links":{"next":null}}',
    );
  });

  it('writes columns: one entry per datastream, times in Unix milliseconds, values as stored', () => {
    const body = JSON.parse(measurementPageJson({ series, next: null, total: 11 }, null, 'columnar').toString('utf8'));
    expect(body).toEqual({
      data: series.map((s) => ({
        datastream: s.datastreamId,
        time: s.times,
        value: s.values.map((v) => (Object.is(v, -0) ? 0 : v)),
      })),
      links: { next: null },
      total: 11,
    });
  });

  it('writes columns byte for byte as JSON.stringify wrote them, times of every size included', () => {
    const times = [
      -86_400_000,
      -1,
      0,
      7,
      999_999,
      1_000_000,
      1_000_001,
      1_764_547_199_999,
      1_764_547_200_000,
      1_764_547_201_000,
      1_764_548_200_000,
      253_402_300_799_999,
      999_999_999_999_999,
      1e15,
      2 ** 53 - 1,
      1.5,
      Number.NaN,
    ];
    // A day of 1 Hz times, as a query of a day answers them, and one time in another datastream.
    const day = Array.from({ length: 86_400 }, (_, k) => 1_764_547_200_000 + k * 1000);
    const s: Series[] = [
      { datastreamId: 3, times, values: times.map((_, i) => i / 4) },
      { datastreamId: 4, times: day, values: day.map((_, k) => k % 100) },
      { datastreamId: 5, times: [1_764_547_200_123], values: ['x'] },
    ];
    const columns = s.map((c) => ({ datastream: c.datastreamId, time: c.times, value: c.values }));
    expect(measurementPageJson({ series: s, next: null }, null, 'columnar').toString('utf8')).toBe(
      JSON.stringify({ data: columns, links: { next: null } }),
    );
  });

  it('writes values byte for byte as JSON.stringify wrote them, in columns and rows: hundredths, other numbers, any JSON', () => {
    const edges: unknown[] = [
      0,
      -0,
      1,
      -1,
      0.01,
      -0.01,
      0.1,
      0.07,
      0.29,
      0.3,
      0.1 + 0.2,
      1.005,
      0.005,
      21.37,
      45.2,
      1013,
      -40.5,
      21_474_836.47,
      -21_474_836.47,
      21_474_836.48,
      -21_474_836.48,
      99_999_999.99,
      1e-7,
      5e-324,
      1e21,
      2 ** 53,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      'température "22,5" °C',
      true,
      false,
      { a: [1, null, 'ü'] },
    ];
    // Seeded: hundredths of every size, tenths times three (not hundredths once multiplied), fractions of all digits.
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const random = Array.from({ length: 100_000 }, (_, i) => {
      const r = next() - 0.5;
      switch (i % 5) {
        case 0:
          return Math.round(r * 1e6) / 100;
        case 1:
          return Math.round(r * 1e11) / 100;
        case 2:
          return (Math.round(r * 1000) / 10) * 3;
        case 3:
          return r * 10 ** (i % 12);
        default:
          return Math.round(r * 2e4);
      }
    });
    const values = [...edges, ...random];
    const s: Series[] = [
      { datastreamId: 8, times: values.map((_, i) => 1_764_547_200_000 + i), values: values as Series['values'] },
    ];
    expect(measurementPageJson({ series: s, next: null }, null, 'columnar').toString('utf8')).toBe(
      JSON.stringify({ data: [{ datastream: 8, time: s[0]?.times, value: values }], links: { next: null } }),
    );
    expect(measurementPageJson({ series: s, next: null }, null, 'rows').toString('utf8')).toBe(stringified(s, null));
  });

  it('grows its buffer past the first estimate whatever the page size (rows longer than the estimate)', () => {
    // Rows of 90 bytes against an estimate of 72 a row: for some page size a row starts just short of the end.
    for (let n = 1; n <= 300; n++) {
      const s: Series[] = [
        {
          datastreamId: 123_456_789_012_345,
          times: Array.from({ length: n }, (_, i) => (i % 2 ? 253_402_300_800_000 : -62_198_755_200_000) + i),
          values: Array.from({ length: n }, (_, i) => (i % 2 ? 21_474_836.47 : -21_474_836.47)),
        },
      ];
      expect(measurementPageJson({ series: s, next: null }, null, 'rows').toString('utf8'), `${n} rows`).toBe(
        stringified(s, null),
      );
    }
  });

  it('grows its buffer past the first estimate (long text values)', () => {
    const long = 'é'.repeat(100_000);
    const s: Series[] = [{ datastreamId: 1, times: [1000, 2000], values: [long, long] }];
    expect(measurementPageJson({ series: s, next: null }, null, 'rows').toString('utf8')).toBe(stringified(s, null));
  });
});
