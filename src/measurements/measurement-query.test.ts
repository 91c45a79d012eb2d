import { describe, expect, it } from 'vitest';
import { formatRows, isoTime } from './measurement-export.js';
import { autoInterval, parseDatastreamIds, parseRfc3339, rollupSizeFor } from './measurement-query.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { details?: { field?: string } }).details?.field;
  }
  return undefined;
};

describe('measurement query parameters', () => {
  it('reads RFC 3339 date-times, offsets included, and refuses the rest naming the field', () => {
    expect(parseRfc3339('start', '2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseRfc3339('start', '2024-05-01t12:00:00.123456z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
    expect(parseRfc3339('start', '2024-05-01T14:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseRfc3339('start', '2024-05-01T14:00:00 02:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseRfc3339('start', '2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2024-05-01', '2024-05-01T12:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '1714564800000', '']) {
      expect(
        fieldOf(() => parseRfc3339('end', bad)),
        bad,
      ).toBe('end');
    }
    expect(fieldOf(() => parseRfc3339('start', '1969-12-31T23:59:59Z'))).toBe('start');
  });

  it('reads datastream ids from repeated and comma-separated values', () => {
    expect(parseDatastreamIds(['1,2', '3', ' 4 '])).toEqual([1, 2, 3, 4]);
    for (const bad of [['0'], ['1,'], ['x'], ['1.5'], ['-2'], ['99999999999999999']]) {
      expect(
        fieldOf(() => parseDatastreamIds(bad)),
        bad.join(),
      ).toBe('datastream');
    }
  });

  it('picks rollup sizes and auto intervals', () => {
    expect([60, 300, 900, 3600, 86400].map(rollupSizeFor)).toEqual([60, 60, 60, 3600, 86400]);
    expect(autoInterval(3_600_000, 1000)).toBe('1m');
    expect(autoInterval(86_400_000, 1000)).toBe('5m');
    expect(autoInterval(86_400_000, 100)).toBe('15m');
    expect(autoInterval(365 * 86_400_000, 1000)).toBe('1d');
    expect(autoInterval(3650 * 86_400_000, 1000)).toBe('1d');
  });

  it('formats times exactly like toISOString', () => {
    const times = [0, 1, 999, 59_999, 3_599_999, 3_600_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), 253_402_300_799_999];
    for (let i = 0; i < 2000; i++) times.push(Math.floor(Math.random() * 4e12));
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
    expect(isoTime(253_402_300_800_000)).toBe(new Date(253_402_300_800_000).toISOString());
  });

  it('writes every row once, in order, whatever the chunking', async () => {
    const rows = Array.from({ length: 4567 }, (_, i) => ({ datastreamId: 1 + (i % 3), time: i * 1000, value: i / 4 }));
    async function* chunks() {
      yield rows.slice(0, 4000);
      yield rows.slice(4000);
    }
    let csv = '';
    for await (const text of formatRows(chunks(), 'csv')) csv += text;
    expect(csv).toBe(
      `datastream,time,value\n${rows.map((r) => `${r.datastreamId},${new Date(r.time).toISOString()},${r.value}\n`).join('')}`,
    );
    let nd = '';
    for await (const text of formatRows(chunks(), 'ndjson')) nd += text;
    expect(
      nd
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows.map((r) => ({ datastream: r.datastreamId, time: new Date(r.time).toISOString(), value: r.value })));
  });
});
