import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv.js';
import { prepareStep, runBuiltin } from '../../src/workers/catalog.js';
import { parseLocalTime } from '../../src/workers/decoders/local-time.js';
import { resolveSenml } from '../../src/workers/envelopes/senml-resolve.js';
import { drafts, fixture, messageOf } from './fixtures.js';

describe('RFC 4180 parser (the examples of §2)', () => {
  it('records end with CRLF; the last one may not', () => {
    expect(parseCsv('aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n')).toEqual([
      ['aaa', 'bbb', 'ccc'],
      ['zzz', 'yyy', 'xxx'],
    ]);
    expect(parseCsv('aaa,bbb,ccc\r\nzzz,yyy,xxx')).toHaveLength(2);
  });
  it('quoted fields hold line breaks, delimiters and doubled quotes', () => {
    expect(parseCsv('"aaa","b\r\nbb","ccc"\r\nzzz,yyy,xxx')).toEqual([
      ['aaa', 'b\r\nbb', 'ccc'],
      ['zzz', 'yyy', 'xxx'],
    ]);
    expect(parseCsv('"aaa","b""bb","ccc"')).toEqual([['aaa', 'b"bb', 'ccc']]);
    expect(parseCsv('"a;b";c', { delimiter: ';' })).toEqual([['a;b', 'c']]);
  });
  it('rejects an unclosed quote and text after a closing quote', () => {
    expect(() => parseCsv('"aaa,bbb')).toThrow('line 1: a quoted field is not closed');
    expect(() => parseCsv('"aaa"x,bbb')).toThrow(/after a closing quote/);
  });
});

describe('local times', () => {
  it('reads ISO with offset, ISO local in a zone (DST aware), Unix s/ms and patterns', () => {
    expect(parseLocalTime('2024-07-01T12:00:00+02:00', 'auto', 'UTC')).toBe(Date.UTC(2024, 6, 1, 10));
    expect(parseLocalTime('2024-07-01 12:00:00', 'iso', 'Europe/Amsterdam')).toBe(Date.UTC(2024, 6, 1, 10)); // CEST
    expect(parseLocalTime('2024-01-15 12:00', 'iso', 'Europe/Amsterdam')).toBe(Date.UTC(2024, 0, 15, 11)); // CET
    expect(parseLocalTime('1320067464', 'auto', 'UTC')).toBe(1320067464000);
    expect(parseLocalTime('1320067464000', 'auto', 'UTC')).toBe(1320067464000);
    expect(parseLocalTime('15/01/2024 12:30:15', 'DD/MM/YYYY HH:mm:ss', 'Europe/Paris')).toBe(Date.UTC(2024, 0, 15, 11, 30, 15));
    expect(parseLocalTime('31/02/2024', 'MM/DD/YYYY', 'UTC')).toBeUndefined();
  });
});

// test/fixtures holds no CSV export; this file is the RFC 8428 §5.1.4 data set (real values and
// times) written as a legacy system would export it.
const resolved = resolveSenml('test', fixture('senml-examples.json').rfc8428_examples['5.1.4_resolved_form_of_5.1.3'], 0);
const rows = new Map<number, Record<string, number>>();
for (const r of resolved) {
  const row = rows.get(r.time ?? 0) ?? {};
  row[r.unit ?? ''] = r.value ?? Number.NaN;
  rows.set(r.time ?? 0, row);
}
const times = [...rows.keys()];
const csv = [
  'time,device,humidity,lon,lat,battery',
  ...times.map((t) => {
    const r = rows.get(t) ?? {};
    return [t, '10e2073a01080063', r['%RH'] ?? '', r.lon ?? '', r.lat ?? '', r['%EL'] ?? ''].join(',');
  }),
].join('\r\n');

describe('csv worker', () => {
  const config = {
    time: { column: 'time', format: 'unix-s' },
    device: { column: 'device', as: 'serial' },
    columns: [
      { column: 'humidity', observedProperty: 'relative_humidity', unit: '%RH' },
      { column: 'lon', observedProperty: 'longitude', unit: 'deg', sensor: 'gps' },
      { column: 'lat', observedProperty: 'latitude', unit: 'deg', sensor: 'gps' },
      { column: 5, observedProperty: 'battery_level', unit: '%' },
    ],
  };

  it('turns each value cell into a draft with the row time and device; empty cells are no reading', async () => {
    const out = await runBuiltin('csv', messageOf(csv, { kind: 'ftp-poll', path: '/export/a.csv' }), config);
    expect(out.measurements).toHaveLength(resolved.length);
    const device = { identity: { kind: 'serial', value: '10e2073a01080063' } };
    expect(drafts(out).slice(0, 3)).toEqual([
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', value: 20, time: 1320067464000, device },
      { sensor: 'gps', observedProperty: 'longitude', unit: 'deg', value: 24.30621, time: 1320067464000, device },
      { sensor: 'gps', observedProperty: 'latitude', unit: 'deg', value: 60.07965, time: 1320067464000, device },
    ]);
    expect(drafts(out).find((d) => d.observedProperty === 'battery_level')).toEqual({
      sensor: '0',
      observedProperty: 'battery_level',
      unit: '%',
      value: 98,
      time: 1320067614000,
      device,
    });
    expect(out.metadata.rows).toBe(times.length);
  });

  it('reads semicolons, decimal commas and local times without a header', async () => {
    const european = csv
      .split('\r\n')
      .slice(1)
      .map((line) => {
        const [t, dev, ...vals] = line.split(',');
        const d = new Date(Number(t) * 1000 + 3600_000); // CET wall clock, November
        const wall = `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
        return [wall, dev, ...vals.map((v) => v.replace('.', ','))].join(';');
      })
      .join('\n');
    const out = await runBuiltin('csv', messageOf(european), {
      delimiter: ';',
      header: false,
      decimal: ',',
      time: { column: 0, format: 'DD-MM-YYYY HH:mm', timezone: 'Europe/Amsterdam' },
      columns: [{ column: 2, observedProperty: 'relative_humidity', unit: '%' }],
    });
    expect(drafts(out).map((d) => [d.value, d.time])).toEqual([
      [20, 1320067440000], // minutes only: 13:24:24 UTC → 14:24 CET → 13:24:00 UTC
      [20.3, 1320067500000],
      [20.7, 1320067560000],
      [21.2, 1320067620000],
    ]);
  });

  it('fails a bad cell with its line and column, or skips it when configured', async () => {
    const bad = csv.replace('24.30622', 'n/a');
    await expect(runBuiltin('csv', messageOf(bad), config)).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: 'csv: line 3: column lon "n/a" is not a number',
      details: { line: 3, field: 'lon' },
    });
    const out = await runBuiltin('csv', messageOf(bad), { ...config, invalid: 'skip' });
    expect(out.measurements).toHaveLength(resolved.length - 1);
    expect(out.metadata.warnings).toEqual(['line 3: column lon "n/a" is not a number; skipped']);
  });

  it('fails a column the header does not have, and rejects bad configs up front', async () => {
    await expect(
      runBuiltin('csv', messageOf(csv), { columns: [{ column: 'temp', observedProperty: 'temperature', unit: 'Cel' }] }),
    ).rejects.toMatchObject({ message: 'csv: columns[0] column "temp" is not in the header' });
    expect(() => prepareStep('csv', { ...config, time: { column: 'time', timezone: 'Mars/Olympus' } })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'config.time.timezone' }) }),
    );
    expect(() => prepareStep('csv', { columns: [] })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
