import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionName, partitionStart } from '../../src/measurements/measurement-partitions.postgres.js';
import { AGGS, aggValue } from '../../src/measurements/measurement-query.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import { ROWS_PER_INSERT } from '../../src/measurements/measurement-writer.sqlite.js';
import {
  type Aggregate,
  type Measurement,
  type MeasurementStore,
  ROLLUP_SIZES,
  type Rollup,
} from '../../src/measurements/measurements.js';
import { aggregateOf, bucketStart, mergeInto } from '../../src/measurements/rollups.js';
import type { TraceRecord } from '../../src/pipelines/pipelines.js';
import { traceRows } from '../../src/pipelines/trace-rows.js';
import { KyselyTraceStore } from '../../src/pipelines/traces.store.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation } from '../support/fixtures.js';
import { seededRandom, testSeed } from '../support/random.js';

const dialects = await availableDialects();
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

const sortRows = (rows: Measurement[]) => [...rows].sort((a, b) => a.datastreamId - b.datastreamId || a.time - b.time);

/** Rollups recomputed from raw rows: what the stored rollups must equal. */
function expectedRollups(rows: Measurement[]): Map<string, Aggregate> {
  const out = new Map<string, Aggregate>();
  for (const size of ROLLUP_SIZES) {
    for (const r of rows) {
      const key = `${r.datastreamId}:${size}:${bucketStart(r.time, size * 1000)}`;
      const agg = out.get(key);
      if (agg) mergeInto(agg, aggregateOf(r.time, r.value));
      else out.set(key, aggregateOf(r.time, r.value));
    }
  }
  return out;
}

async function storedRollups(store: MeasurementStore, ids: number[]): Promise<Rollup[]> {
  const out: Rollup[] = [];
  for (const id of ids) {
    for (const size of ROLLUP_SIZES) out.push(...(await store.readRollups({ datastreamId: id, ...ALL }, size, 'asc', 1e9)));
  }
  return out;
}

describe.each(dialects)('MeasurementStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: MeasurementStore;
  let orgId: string;

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    store = createMeasurementStore(tdb.database);
    orgId = await createOrganisation(tdb.database.db, 'alpha');
  });
  afterAll(() => tdb.drop());

  it('stores a batch and answers exactly what was stored, in order', async () => {
    const ds = await createDatastream(tdb.database.db, orgId);
    const values = [0.1, -273.15, 1e-300, 1.7976931348623157e308, 42, 0, 1 / 3, -5e-324, 123456789.12345679];
    const rows = values.map((value, i) => ({ datastreamId: ds.id, time: T0 + i * 1000 + 7, value }));
    expect(await store.insert(rows)).toEqual(rows);
    expect(await store.readRaw([{ datastreamId: ds.id, ...ALL }], 'asc', 100)).toEqual(rows);
    expect(await store.readRaw([{ datastreamId: ds.id, ...ALL }], 'desc', 100)).toEqual([...rows].reverse());
    // [from, to): from inclusive, to exclusive.
    const some = await store.readRaw([{ datastreamId: ds.id, from: T0 + 2007, to: T0 + 5007 }], 'asc', 100);
    expect(some).toEqual(rows.slice(2, 5));
    expect(await store.readRaw([{ datastreamId: ds.id, ...ALL }], 'asc', 3)).toEqual(rows.slice(0, 3));
    expect(await store.countRaw([{ datastreamId: ds.id, ...ALL }])).toBe(values.length);
  });

  // Issue 9 item 14: text, booleans and JSON in measurement_values, beside the numeric hot table.
  it('stores non-numeric values once each, reads them like numbers, counts, expires and deletes them', async () => {
    const t = await openTestDatabase(dialect);
    try {
      const s = createMeasurementStore(t.database);
      const org = await createOrganisation(t.database.db, 'values', 7);
      const text = await createDatastream(t.database.db, org, { unit: '' });
      const json = await createDatastream(t.database.db, org, { unit: '' });
      const rows = [
        { datastreamId: text.id, time: T0, value: 'on' },
        { datastreamId: text.id, time: T0 + 1000, value: 'off, "really"\n' },
        { datastreamId: text.id, time: T0 + 2000, value: true },
        { datastreamId: json.id, time: T0, value: { z: 1, a: [1.5, null, 'x'], nested: { ok: false } } },
        { datastreamId: json.id, time: T0 + 1000, value: [230.1, 229.8] },
      ];
      expect(await s.insertValues(rows)).toEqual(rows);
      // Redelivery and repeats within a batch are no-ops.
      expect(await s.insertValues([...rows, { ...(rows[0] as (typeof rows)[number]), value: 'changed' }])).toEqual([]);
      const both = [text, json].map((d) => ({ datastreamId: d.id, ...ALL }));
      const read = await s.readValues(both, 'asc', 100);
      expect(read).toEqual(rows);
      // JSON comes back as written, key order included.
      expect(JSON.stringify(read[3]?.value)).toBe('{"z":1,"a":[1.5,null,"x"],"nested":{"ok":false}}');
      expect(await s.readValues(both, 'desc', 100, 1)).toEqual([rows[2], rows[4]]);
      expect(await s.readRaw(both, 'asc', 100)).toEqual([]);
      expect(await s.countRaw(both)).toBe(5);
      // Retention: 7 days for this organisation; a chunk of numbers first, values after.
      expect(await s.countExpired(7, T0 + 1500)).toBe(4);
      expect(await s.deleteExpired(7, T0 + 1500, 3)).toBe(3);
      expect(await s.deleteExpired(7, T0 + 1500, 3)).toBe(1);
      expect(await s.readValues(both, 'asc', 100)).toEqual([rows[2]]);
      await s.deleteDatastreamData([text.id]);
      expect(await s.countRaw(both)).toBe(0);
    } finally {
      await t.drop();
    }
  });

  it("commits a batch's traces in the measurements' transaction: both or neither; a trace written again is updated", async () => {
    const ds = await createDatastream(tdb.database.db, orgId);
    const takes = store.insertWithTraces?.bind(store) as NonNullable<MeasurementStore['insertWithTraces']>;
    expect(takes).toBeDefined();
    const record = (id: string, status: string): TraceRecord => ({
      id,
      orgId,
      pipelineId: 'p',
      deviceId: null,
      status: status as TraceRecord['status'],
      receivedAt: T0,
      finishedAt: T0 + 5,
      attempts: 1,
      transport: { kind: 'http' },
      steps: [{ worker: 'store', startedAt: T0, durationMs: 1.5 }],
      error: null,
      measurements: 1,
      message: null,
    });
    const traces = new KyselyTraceStore(tdb.database);
    const row = { datastreamId: ds.id, time: T0, value: 7 };
    // A row the traces table refuses (no status) rolls the measurement back with it.
    const bad = traceRows([record(`${ds.id}-a`, 'stored')]).map((r) => r.map((v, i) => (i === 4 ? null : v)));
    await expect(takes([row], bad)).rejects.toThrow();
    expect(await store.countRaw([{ datastreamId: ds.id, ...ALL }])).toBe(0);
    expect(await traces.get(orgId, `${ds.id}-a`)).toBeUndefined();
    expect(await takes([row], traceRows([record(`${ds.id}-a`, 'retrying'), record(`${ds.id}-b`, 'stored')]))).toEqual([row]);
    expect(await takes([row], traceRows([record(`${ds.id}-a`, 'stored')]))).toEqual([]);
    expect(await store.countRaw([{ datastreamId: ds.id, ...ALL }])).toBe(1);
    expect(await traces.get(orgId, `${ds.id}-a`)).toMatchObject({ status: 'stored', steps: record('x', 'stored').steps });
    expect(await traces.get(orgId, `${ds.id}-b`)).toMatchObject({ status: 'stored', transport: { kind: 'http' } });
    // Text with backslashes, tabs, newlines, returns, a control character and more comes back as written.
    const odd: TraceRecord = {
      ...record(`${ds.id}-c`, 'failed'),
      transport: { kind: 'mqtt', topic: 'a\\b\tc\nd\re/\\N/é "q" \u0001' },
      error: { code: 'DECODE_FAILED', message: 'line 1\r\nline 2\\.' },
      message: { id: 'm', payload: '\\x00\t', metadata: { note: '\\.' } } as unknown as TraceRecord['message'],
    };
    expect(await takes([{ ...row, time: T0 + 1 }], traceRows([odd]))).toEqual([{ ...row, time: T0 + 1 }]);
    expect(await traces.get(orgId, `${ds.id}-c`)).toMatchObject({
      transport: odd.transport,
      error: odd.error,
      message: odd.message,
      deviceId: null,
    });
  });

  it('makes a repeated insert a no-op and answers only the rows new now', async () => {
    // More rows than SQLite inserts in one statement (ROWS_PER_INSERT), so that whole lots of
    // old rows, of old and new ones, of new ones only, and with a row twice are each answered.
    const ds = await createDatastream(tdb.database.db, orgId);
    const at = (i: number) => T0 + i * 60_000;
    const first = Array.from({ length: 150 }, (_, i) => ({ datastreamId: ds.id, time: at(i), value: i }));
    expect(await store.insert(first)).toEqual(first);
    expect(await store.insert(first)).toEqual([]);
    // Old rows (with other values, which must not overwrite), then new ones with one of them twice.
    const fresh = Array.from({ length: 200 }, (_, i) => ({ datastreamId: ds.id, time: at(150 + i), value: 1000 + i }));
    const mixed = [
      ...first.slice(75).map((r) => ({ ...r, value: -1 })),
      ...fresh.slice(0, 150),
      { ...(fresh[140] as Measurement), value: -2 },
      ...fresh.slice(150),
    ];
    expect(ROWS_PER_INSERT).toBeLessThan(75);
    expect(sortRows(await store.insert(mixed))).toEqual(fresh);
    const stored = await store.readRaw([{ datastreamId: ds.id, ...ALL }], 'asc', 1000);
    expect(stored).toEqual([...first, ...fresh]);
    const hours = await store.readRollups({ datastreamId: ds.id, ...ALL }, 3600, 'asc', 100);
    expect(hours.reduce((n, h) => n + h.count, 0)).toBe(350);
    expect(hours[0]).toMatchObject({ count: 60, min: 0, max: 59, firstValue: 0, lastValue: 59 });
  });

  it('reads one range as columns, exactly as readRaw reads it as rows (orders, limits, bounds, long ranges)', async () => {
    const ds = await createDatastream(tdb.database.db, orgId);
    const other = await createDatastream(tdb.database.db, orgId);
    // 3,000 rows over 60 days (offsets from a range's start beyond 2^31 ms), values of every magnitude.
    const values = [0.1, -273.15, 1e-300, 1.7976931348623157e308, 42, 0, 1 / 3, -5e-324, 123456789.12345679];
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      datastreamId: ds.id,
      time: T0 + i * 1_728_000 + (i % 997),
      value: i % 2 ? 0 - (values[i % values.length] as number) : (values[i % values.length] as number),
    }));
    await store.insert([...rows].reverse());
    await store.insert(rows.slice(0, 50).map((r) => ({ ...r, datastreamId: other.id, value: 1 })));
    const cols = (rs: Measurement[]) => ({ times: rs.map((r) => r.time), values: rs.map((r) => r.value) });
    const ranges = [
      { datastreamId: ds.id, ...ALL },
      { datastreamId: ds.id, from: rows[10]?.time ?? 0, to: rows[2500]?.time ?? 0 },
      { datastreamId: ds.id, from: (rows[10]?.time ?? 0) + 1, to: (rows[11]?.time ?? 0) + 1 },
      { datastreamId: ds.id, from: T0 - DAY, to: T0 },
      { datastreamId: ds.id, from: T0 + 1, to: T0 + 1 },
    ];
    for (const range of ranges) {
      for (const order of ['asc', 'desc'] as const) {
        for (const limit of [1, 7, 2999, 100_000]) {
          const want = await store.readRaw([range], order, limit);
          expect(await store.readColumns(range, order, limit), `${JSON.stringify(range)} ${order} ${limit}`).toEqual(cols(want));
        }
      }
    }
    expect(await store.readColumns({ datastreamId: ds.id, ...ALL }, 'asc', 5000)).toEqual(cols(rows));
    expect(await store.readColumns({ datastreamId: ds.id, ...ALL }, 'desc', 3)).toEqual(cols(rows.slice(-3).reverse()));
  });

  it('reads several ranges in one call: datastreams ascending, limits per range and in all', async () => {
    const a = await createDatastream(tdb.database.db, orgId);
    const b = await createDatastream(tdb.database.db, orgId);
    const c = await createDatastream(tdb.database.db, orgId);
    const rows = [a, b, c].flatMap((d, k) =>
      Array.from({ length: 20 }, (_, i) => ({ datastreamId: d.id, time: T0 + i * 1000, value: k * 100 + i })),
    );
    // Inserted interleaved and out of order: the store orders what it answers.
    await store.insert([...rows].reverse());
    const ranges = [c, a, b]
      .map((d) => ({ datastreamId: d.id, from: T0 + 5000, to: T0 + 15_000 }))
      .sort((x, y) => x.datastreamId - y.datastreamId);
    const want = rows.filter((r) => r.time >= T0 + 5000 && r.time < T0 + 15_000);
    expect(await store.readRaw(ranges, 'asc', 1000)).toEqual(want);
    const desc = await store.readRaw(ranges, 'desc', 1000);
    expect(desc).toEqual([a, b, c].flatMap((d) => want.filter((r) => r.datastreamId === d.id).reverse()));
    expect(await store.readRaw(ranges, 'asc', 15)).toEqual(want.slice(0, 15));
    const latest = await store.readRaw(
      [a, b, c].map((d) => ({ datastreamId: d.id, ...ALL })),
      'desc',
      3,
      1,
    );
    expect(latest).toEqual([a, b, c].map((d, k) => ({ datastreamId: d.id, time: T0 + 19_000, value: k * 100 + 19 })));
  });

  it('keeps rollups equal to the aggregation of raw rows (random batches, late and duplicate rows)', async () => {
    const seed = testSeed();
    const rnd = seededRandom(seed);
    const streams = [await createDatastream(tdb.database.db, orgId), await createDatastream(tdb.database.db, orgId)];
    const sent: Measurement[] = [];
    for (let batch = 0; batch < 12; batch++) {
      const rows: Measurement[] = [];
      const n = rnd.int(1, 400);
      for (let i = 0; i < n; i++) {
        const dup = sent.length > 0 && rnd.next() < 0.15;
        const base = dup
          ? rnd.pick(sent)
          : {
              datastreamId: rnd.pick(streams).id,
              time: T0 + rnd.int(0, 3 * DAY),
              value: Math.round(rnd.next() * 2e4) / 100 - 50,
            };
        rows.push(dup ? { ...base, value: base.value + 1 } : base);
      }
      await store.insert(rows);
      sent.push(...rows);
    }
    const raw = await store.readRaw(
      streams.map((s) => ({ datastreamId: s.id, ...ALL })),
      'asc',
      1e6,
    );
    // What is stored is the first value sent for each (datastream, time).
    const firsts = new Map<string, Measurement>();
    for (const r of sent) if (!firsts.has(`${r.datastreamId}:${r.time}`)) firsts.set(`${r.datastreamId}:${r.time}`, r);
    expect(raw, `seed ${seed}`).toEqual(sortRows([...firsts.values()]));
    const want = expectedRollups(raw);
    const got = await storedRollups(
      store,
      streams.map((s) => s.id),
    );
    expect(got.length, `seed ${seed}`).toBe(want.size);
    for (const r of got) {
      const w = want.get(`${r.datastreamId}:${r.size}:${r.bucket}`);
      expect(w, `seed ${seed}: unexpected rollup ${r.size}/${r.bucket}`).toBeDefined();
      const { sum, ...exact } = w as Aggregate;
      expect(r, `seed ${seed}`).toMatchObject(exact);
      // Sums are added in a different order than the recomputation: equal up to rounding.
      expect(r.sum, `seed ${seed}`).toBeCloseTo(sum, 6);
    }
  });

  it('folds 1-minute rollups into hours and days: reads agree with the raw rows before and after each fold', async () => {
    const seed = testSeed();
    const rnd = seededRandom(seed);
    const streams = [await createDatastream(tdb.database.db, orgId), await createDatastream(tdb.database.db, orgId)];
    const ids = streams.map((s) => s.id);
    const HOUR = 3_600_000;
    // A fresh database folds from 0; values before the mark are late (every size in the insert).
    const mark0 = await store.foldRollups(Date.UTC(2030, 0, 1) + 1234);
    expect(mark0).toBe(Date.UTC(2030, 0, 1));
    // foldRollups never moves the mark back: an earlier `until` answers where it is.
    expect(await store.foldRollups(0)).toBe(mark0);
    const insertSome = async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const rows = Array.from({ length: rnd.int(1, 300) }, () => ({
          datastreamId: rnd.pick(streams).id,
          // From a day before the first mark (late rows) to three days after it.
          time: mark0 - DAY + rnd.int(0, 4 * DAY),
          value: Math.round(rnd.next() * 2e4) / 100 - 50,
        }));
        await store.insert(rows);
      }
    };
    const coarseAfter = async (mark: number) =>
      (
        await tdb.database.db
          .selectFrom('rollups')
          .select('bucket')
          .where('datastream_id', 'in', ids)
          .where('size', '>', 60)
          .where('bucket', '>=', mark)
          .execute()
      ).length;
    const expectRollupsOfRaw = async (when: string) => {
      const raw = await store.readRaw(
        ids.map((datastreamId) => ({ datastreamId, ...ALL })),
        'asc',
        1e6,
      );
      const want = expectedRollups(raw);
      const got = await storedRollups(store, ids);
      expect(got.length, `${when}, seed ${seed}`).toBe(want.size);
      for (const r of got) {
        const w = want.get(`${r.datastreamId}:${r.size}:${r.bucket}`);
        expect(w, `${when}, seed ${seed}: unexpected rollup ${r.size}/${r.bucket}`).toBeDefined();
        const { sum, ...exact } = w as Aggregate;
        expect(r, `${when}, seed ${seed}`).toMatchObject(exact);
        expect(r.sum, `${when}, seed ${seed}`).toBeCloseTo(sum, 6);
      }
      // Values, both orders, limits, and a range not on bucket boundaries read what the whole read has.
      for (const size of [3600, 86400] as const) {
        const id = ids[0] as number;
        const all = await store.readRollups({ datastreamId: id, ...ALL }, size, 'asc', 1e6);
        for (const order of ['asc', 'desc'] as const) {
          const values = (order === 'asc' ? all : [...all].reverse()).map((r) => ({
            datastreamId: id,
            time: r.bucket,
            value: aggValue('avg', r),
          }));
          expect(await store.readRollupValues({ datastreamId: id, ...ALL }, size, 'avg', order, 1e6), when).toEqual(values);
          expect(await store.readRollupValues({ datastreamId: id, ...ALL }, size, 'avg', order, 3), when).toEqual(
            values.slice(0, 3),
          );
        }
        const from = mark0 - 7 * HOUR + 1234;
        const to = mark0 + 30 * HOUR + 77;
        const part = await store.readRollups({ datastreamId: id, from, to }, size, 'desc', 1e6);
        expect(part, when).toEqual(all.filter((r) => r.bucket >= from && r.bucket < to).reverse());
      }
    };

    await insertSome(4);
    // Inserts wrote no 1-hour or 1-day bucket from the mark on: reads fold the minutes.
    expect(await coarseAfter(mark0)).toBe(0);
    await expectRollupsOfRaw('before any fold');
    const mark1 = await store.foldRollups(mark0 + 30 * HOUR + 5 * 60_000);
    expect(mark1).toBe(mark0 + 30 * HOUR);
    expect(await coarseAfter(mark0)).toBeGreaterThan(0);
    await expectRollupsOfRaw('after folding 30 hours');
    // More rows, now also before the new mark (late for the folded hours).
    await insertSome(4);
    expect(await coarseAfter(mark1)).toBe(0);
    await expectRollupsOfRaw('after late rows');
    const mark2 = await store.foldRollups(mark0 + 4 * DAY);
    expect(mark2).toBe(mark0 + 4 * DAY);
    await expectRollupsOfRaw('after folding everything');
    // Folding again changes nothing; once folded, the minutes may go and hours stay.
    expect(await store.foldRollups(mark2)).toBe(mark2);
    await store.deleteExpiredRollups(60, mark2 + 30 * DAY, 1e6);
    const left = await store.readRollups({ datastreamId: ids[0] as number, ...ALL }, 3600, 'asc', 1e6);
    expect(left.length).toBeGreaterThan(0);
    expect(await store.readRollups({ datastreamId: ids[0] as number, ...ALL }, 60, 'asc', 1e6)).toEqual([]);
  });

  it('replaces a range of one datastream: rows outside it and other datastreams stay, rollups follow the raw rows', async () => {
    const [a, b] = [await createDatastream(tdb.database.db, orgId), await createDatastream(tdb.database.db, orgId)];
    const base = T0 + 60 * DAY;
    // Three days, one row every 7 s 250 ms, on both datastreams.
    const old = (ds: number) =>
      Array.from({ length: Math.floor((3 * DAY) / 7250) }, (_, i) => ({
        datastreamId: ds,
        time: base + i * 7250,
        value: (i % 101) - 50,
      }));
    await store.insert([...old(a.id), ...old(b.id)]);
    const check = async (label: string) => {
      const raw = await store.readRaw(
        [a, b].map((s) => ({ datastreamId: s.id, ...ALL })),
        'asc',
        1e6,
      );
      const want = expectedRollups(raw);
      const got = await storedRollups(store, [a.id, b.id]);
      expect(got.length, label).toBe(want.size);
      for (const r of got) {
        const w = want.get(`${r.datastreamId}:${r.size}:${r.bucket}`);
        expect(w, `${label}: unexpected rollup ${r.size}/${r.bucket}`).toBeDefined();
        const { sum, ...exact } = w as Aggregate;
        expect(r, label).toMatchObject(exact);
        expect(r.sum, label).toBeCloseTo(sum, 6);
      }
      return raw;
    };
    // A range starting and ending inside a minute, an hour and a day bucket.
    const from = base + DAY + 3 * 3_600_000 + 17 * 60_000 + 5123;
    const to = base + 2 * DAY + 5 * 3_600_000 + 30_000;
    const inRange = (r: Measurement) => r.datastreamId === a.id && r.time >= from && r.time < to;
    const fresh = [
      { datastreamId: a.id, time: from, value: 1000 },
      ...Array.from({ length: 500 }, (_, i) => ({ datastreamId: a.id, time: from + 1 + i * 180_000, value: 2000 + i })),
      { datastreamId: a.id, time: to - 1, value: -1000 },
    ].filter((r) => r.time < to);
    // The row at `from` given twice: the last one wins.
    const stored = await store.replace(a.id, from, to, [{ datastreamId: a.id, time: from, value: 1 }, ...fresh]);
    expect(stored).toEqual(sortRows(fresh));
    const raw = await check('after replace');
    expect(raw).toEqual(sortRows([...old(a.id).filter((r) => !inRange(r)), ...fresh, ...old(b.id)]));

    // Replacing with nothing empties the range; buckets left without rows lose their rollups.
    const day3 = base + 2 * DAY;
    expect(await store.replace(a.id, day3, Number.MAX_SAFE_INTEGER, [])).toEqual([]);
    const after = await check('after emptying');
    expect(after.filter((r) => r.datastreamId === a.id && r.time >= day3)).toEqual([]);
    expect(await store.readRollups({ datastreamId: a.id, from: day3, to: Number.MAX_SAFE_INTEGER }, 86400, 'asc', 10)).toEqual(
      [],
    );
    expect(after.filter((r) => r.datastreamId === b.id)).toEqual(old(b.id));

    // A row outside the range or of another datastream is refused, and nothing changes.
    await expect(store.replace(a.id, from, from + 1000, [{ datastreamId: a.id, time: from + 1000, value: 1 }])).rejects.toThrow(
      RangeError,
    );
    await expect(store.replace(a.id, from, from + 1000, [{ datastreamId: b.id, time: from, value: 1 }])).rejects.toThrow(
      RangeError,
    );
    expect(await check('after refused replaces')).toEqual(after);
  });

  it('answers rollup values for each aggregation, in both orders, small and large reads alike', async () => {
    const ds = await createDatastream(tdb.database.db, orgId);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      datastreamId: ds.id,
      time: T0 + i * 20_000 + (i % 7),
      value: ((i * 31) % 97) - 40.5,
    }));
    await store.insert(rows);
    const range = { datastreamId: ds.id, ...ALL };
    const rollups = await store.readRollups(range, 60, 'asc', 1e6);
    expect(rollups).toHaveLength(1000);
    for (const agg of AGGS) {
      for (const order of ['asc', 'desc'] as const) {
        const want = (order === 'asc' ? rollups : [...rollups].reverse()).map((r) => ({
          datastreamId: ds.id,
          time: r.bucket,
          value: aggValue(agg, r),
        }));
        // 1e6 reads the PostgreSQL binary path, 5 the ordinary one.
        expect(await store.readRollupValues(range, 60, agg, order, 1e6), agg).toEqual(want);
        expect(await store.readRollupValues(range, 60, agg, order, 5), agg).toEqual(want.slice(0, 5));
      }
    }
  });

  it('finds datastreams of the organisation only, by id, device, sensor and observed property', async () => {
    const db = tdb.database.db;
    const other = await createOrganisation(db, 'other-finder');
    const mine = await createDatastream(db, orgId, { observedProperty: 'humidity', unit: '%' });
    const sibling = await createDatastream(db, orgId, { deviceId: mine.deviceId, observedProperty: 'co2', unit: 'ppm' });
    const theirs = await createDatastream(db, other, { observedProperty: 'humidity' });
    expect((await store.findDatastreams(orgId, { ids: [mine.id, theirs.id] })).map((d) => d.id)).toEqual([mine.id]);
    expect((await store.findDatastreams(orgId, { deviceId: mine.deviceId })).map((d) => d.id)).toEqual([mine.id, sibling.id]);
    expect((await store.findDatastreams(orgId, { sensorId: sibling.sensorId })).map((d) => d.id)).toEqual([sibling.id]);
    const humid = await store.findDatastreams(orgId, { deviceId: mine.deviceId, observedProperty: 'humidity' });
    expect(humid).toEqual([
      {
        id: mine.id,
        orgId,
        deviceId: mine.deviceId,
        sensorId: mine.sensorId,
        observedProperty: 'humidity',
        unit: '%',
        valueKind: 'number',
      },
    ]);
    expect(await store.findDatastreams(orgId, { ids: [] })).toEqual([]);
    expect(await store.findDatastreams(other, { deviceId: mine.deviceId })).toEqual([]);
    expect(await store.findDeviceId(orgId, mine.deviceId)).toBe(mine.deviceId);
    expect(await store.findDeviceId(other, mine.deviceId)).toBeUndefined();
    expect(await store.findSensorId(orgId, mine.sensorId)).toBe(mine.sensorId);
    expect(await store.findSensorId(other, mine.sensorId)).toBeUndefined();
  });

  it('deletes expired raw rows per retention class in chunks, and nothing else', async () => {
    const t = await openTestDatabase(dialect);
    try {
      const s = createMeasurementStore(t.database);
      const db = t.database.db;
      const org7 = await createOrganisation(db, 'seven', 7);
      const org30 = await createOrganisation(db, 'thirty', 30);
      const a = await createDatastream(db, org7); // 7 days (organisation)
      const b = await createDatastream(db, org30); // 30 days (organisation)
      const c = await createDatastream(db, org30, { archiveDays: 7 }); // 7 days (sensor wins)
      const now = T0 + 60 * DAY;
      const rows = [a, b, c].flatMap((d) =>
        Array.from({ length: 60 }, (_, i) => ({ datastreamId: d.id, time: T0 + i * DAY + 3_600_000, value: i })),
      );
      await s.insert(rows);
      expect(await s.retentionClasses()).toEqual([
        { archiveDays: 7, datastreams: 2 },
        { archiveDays: 30, datastreams: 1 },
      ]);
      const cut7 = now - 7 * DAY;
      const cut30 = now - 30 * DAY;
      const expired = (r: Measurement) => r.time < (r.datastreamId === b.id ? cut30 : cut7);
      expect(await s.countExpired(7, cut7)).toBe(rows.filter((r) => r.datastreamId !== b.id && expired(r)).length);
      let deleted = 0;
      for (let n = -1; n !== 0; ) {
        n = await s.deleteExpired(7, cut7, 10);
        expect(n).toBeLessThanOrEqual(10);
        deleted += n;
      }
      deleted += await s.deleteExpired(30, cut30, 1000);
      expect(deleted).toBe(rows.filter(expired).length);
      const left = await s.readRaw(
        [a, b, c].map((d) => ({ datastreamId: d.id, ...ALL })),
        'asc',
        1e6,
      );
      expect(left).toEqual(rows.filter((r) => !expired(r)));
      // Raw retention leaves rollups alone; they have their own (which runs after a fold, as the
      // retention job does: hours and days are stored once folded).
      expect(await s.foldRollups(now)).toBe(now);
      const days = await s.readRollups({ datastreamId: a.id, ...ALL }, 86400, 'asc', 1000);
      expect(days).toHaveLength(60);
      expect(await s.countExpiredRollups(86400, T0 + 10 * DAY)).toBe(30);
      expect(await s.deleteExpiredRollups(86400, T0 + 10 * DAY, 1000)).toBe(30);
      expect(await s.readRollups({ datastreamId: a.id, ...ALL }, 86400, 'asc', 1000)).toHaveLength(50);
      expect(await s.readRollups({ datastreamId: a.id, ...ALL }, 3600, 'asc', 1000)).toHaveLength(60);
      await s.deleteDatastreamData([a.id]);
      expect(await s.countRaw([{ datastreamId: a.id, ...ALL }])).toBe(0);
      expect(await s.readRollups({ datastreamId: a.id, ...ALL }, 3600, 'asc', 1000)).toEqual([]);
      expect(await s.countRaw([{ datastreamId: b.id, ...ALL }])).toBe(30);
    } finally {
      await t.drop();
    }
  });

  it('stores each row once when the same batch arrives twice at the same moment', async () => {
    const ds = await createDatastream(tdb.database.db, orgId);
    const other = createMeasurementStore(tdb.database);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ datastreamId: ds.id, time: T0 + 40 * DAY + i * 1000, value: i }));
    const [x, y] = await Promise.all([store.insert(rows), other.insert(rows)]);
    expect(x.length + y.length).toBe(rows.length);
    expect(await store.countRaw([{ datastreamId: ds.id, ...ALL }])).toBe(rows.length);
    const [hour] = await store.readRollups({ datastreamId: ds.id, ...ALL }, 86400, 'asc', 1);
    expect(hour?.count).toBe(2000);
  });

  it.runIf(dialect === 'postgres')('partitions by week on demand, drops them, and recreates one dropped elsewhere', async () => {
    const t = await openTestDatabase(dialect);
    try {
      const s = createMeasurementStore(t.database);
      const elsewhere = createMeasurementStore(t.database);
      const org = await createOrganisation(t.database.db, 'parts');
      const ds = await createDatastream(t.database.db, org);
      const times = [T0, T0 + 8 * DAY, T0 + 15 * DAY, T0 + 15 * DAY + 1];
      await s.insert(times.map((time) => ({ datastreamId: ds.id, time, value: 1 })));
      const parts = await s.partitions();
      expect(parts.map((p) => p.name)).toEqual([T0, T0 + 8 * DAY, T0 + 15 * DAY].map((x) => partitionName(partitionStart(x))));
      for (const p of parts) expect(p.to - p.from).toBe(7 * DAY);
      expect(new Date(parts[0]!.from).getUTCDay()).toBe(1);
      expect(await s.dropPartition(parts[0]!.name, true)).toBe(false);
      expect(await elsewhere.dropPartition(parts[0]!.name, false)).toBe(true);
      expect(await s.countRaw([{ datastreamId: ds.id, ...ALL }])).toBe(3);
      // `s` still believes the dropped week exists: it must notice and recreate it.
      expect(await s.insert([{ datastreamId: ds.id, time: T0 + 1, value: 2 }])).toHaveLength(1);
      expect((await s.partitions()).map((p) => p.name)).toContain(parts[0]!.name);
    } finally {
      await t.drop();
    }
  });
});
