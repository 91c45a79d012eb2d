import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Measurement } from '../../src/measurements/measurements.js';
import { availableDialects } from '../support/databases.js';
import { createDatastream, createOrganisation, type DatastreamFixture } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { seededRandom, testSeed } from '../support/random.js';

const dialects = await availableDialects();
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);
const iso = (ms: number) => new Date(ms).toISOString();

interface Row {
  datastream: number;
  time: string;
  value: number;
}
const rowOf = (m: Measurement): Row => ({ datastream: m.datastreamId, time: iso(m.time), value: m.value });

describe.each(dialects)('measurements API on %s', (dialect) => {
  let t: TestPolder;
  let orgId: string;
  let a: DatastreamFixture;
  let b: DatastreamFixture;
  let c: DatastreamFixture;
  let stored: Measurement[];

  const get = (url: string, token = ADMIN_TOKEN) => t.call(token, { url });

  /** Every row of a query, following links.next. */
  async function all(url: string): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let next: string | null = url;
    let pages = 0;
    while (next) {
      const res = await get(next);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { data: Row[]; links: { next: string | null } };
      rows.push(...body.data);
      pages++;
      next = body.links.next === null ? null : new URL(body.links.next).pathname + new URL(body.links.next).search;
    }
    return { rows, pages };
  }

  beforeAll(async () => {
    t = await startTestPolder(dialect, { POLDER_ROLLUP_RETENTION_1M_DAYS: '2', POLDER_ROLLUP_RETENTION_1H_DAYS: '3' });
    orgId = t.polder.bootstrap.org.id;
    const db = t.polder.database.db;
    a = await createDatastream(db, orgId, { observedProperty: 'temperature', unit: 'Cel' });
    b = await createDatastream(db, orgId, { deviceId: a.deviceId, observedProperty: 'humidity', unit: '%' });
    c = await createDatastream(db, orgId, { observedProperty: 'temperature', unit: 'Cel' });
    stored = [a, b, c].flatMap((d, k) =>
      Array.from({ length: 25 }, (_, i) => ({ datastreamId: d.id, time: T0 + i * 60_000 + k, value: k * 1000 + i / 4 })),
    );
    expect(await t.polder.measurements.insert(stored)).toHaveLength(stored.length);
  });
  afterAll(() => t.close());

  it('answers exactly what was stored, in order, across pages without gaps or repeats', async () => {
    const ids = `${a.id},${b.id},${c.id}`;
    const asc = await all(`/api/measurements?datastream=${ids}&limit=7`);
    expect(asc.pages).toBe(Math.ceil(75 / 7));
    expect(asc.rows).toEqual(stored.map(rowOf));
    const desc = await all(`/api/measurements?datastream=${a.id}&datastream=${b.id}&datastream=${c.id}&order=desc&limit=10`);
    expect(desc.rows).toEqual(
      [a, b, c].flatMap((d) =>
        stored
          .filter((m) => m.datastreamId === d.id)
          .reverse()
          .map(rowOf),
      ),
    );
    const one = await get(`/api/measurements?datastream=${a.id}&limit=1000&count=true`);
    expect(one.json()).toEqual({ data: stored.slice(0, 25).map(rowOf), links: { next: null }, total: 25 });
  });

  it('keeps paging stable while new rows arrive', async () => {
    const d = await createDatastream(t.polder.database.db, orgId);
    const first = Array.from({ length: 10 }, (_, i) => ({ datastreamId: d.id, time: T0 + i * 1000, value: i }));
    await t.polder.measurements.insert(first);
    const page1 = (await get(`/api/measurements?datastream=${d.id}&limit=4`)).json();
    // A late row before the cursor and new rows after it arrive between the pages.
    const late = [
      { datastreamId: d.id, time: T0 + 500, value: -1 },
      { datastreamId: d.id, time: T0 + 20_000, value: 20 },
    ];
    await t.polder.measurements.insert(late);
    const rest = await all(new URL(page1.links.next).pathname + new URL(page1.links.next).search);
    expect([...page1.data, ...rest.rows]).toEqual([...first, late[1]!].map(rowOf));
  });

  it('answers the same pages as columns with format=columnar: one entry per datastream, times in Unix ms', async () => {
    interface Series {
      datastream: number;
      time: number[];
      value: unknown[];
    }
    const ids = `${a.id},${b.id},${c.id}`;
    for (const query of [
      `datastream=${ids}&limit=7`,
      `datastream=${ids}&order=desc&limit=30`,
      `datastream=${ids}&interval=5m&agg=max`,
    ]) {
      const rows = await all(`/api/measurements?${query}`);
      const columns: Row[] = [];
      let next: string | null = `/api/measurements?${query}&format=columnar`;
      let pages = 0;
      while (next) {
        const res = await get(next);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        const body = res.json() as { data: Series[]; links: { next: string | null } };
        // Each datastream once per page, ascending, its two columns of the same length.
        expect(body.data.map((s) => s.datastream)).toEqual(
          [...new Set(body.data.map((s) => s.datastream))].sort((x, y) => x - y),
        );
        for (const s of body.data) {
          expect(s.time).toHaveLength(s.value.length);
          s.time.forEach((time, i) => {
            columns.push({ datastream: s.datastream, time: iso(time), value: s.value[i] as number });
          });
        }
        pages++;
        next = body.links.next === null ? null : new URL(body.links.next).pathname + new URL(body.links.next).search;
        if (next) expect(new URL(next, 'http://x').searchParams.get('format')).toBe('columnar');
      }
      expect(columns, query).toEqual(rows.rows);
      expect(pages, query).toBe(rows.pages);
    }
    const one = await get(`/api/measurements?datastream=${a.id}&format=columnar&count=true`);
    expect(one.json()).toEqual({
      data: [{ datastream: a.id, time: stored.slice(0, 25).map((m) => m.time), value: stored.slice(0, 25).map((m) => m.value) }],
      links: { next: null },
      total: 25,
    });
    const bad = await get(`/api/measurements?datastream=${a.id}&format=xml`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('querystring.format');
  });

  it('filters by device, sensor, observed property and time range', async () => {
    const rows = (url: string) => all(url).then((r) => r.rows);
    expect(await rows(`/api/measurements?device=${a.deviceId}`)).toEqual(
      stored.filter((m) => m.datastreamId !== c.id).map(rowOf),
    );
    expect(await rows(`/api/measurements?sensor=${b.sensorId}`)).toEqual(
      stored.filter((m) => m.datastreamId === b.id).map(rowOf),
    );
    const temps = await rows(`/api/measurements?observedProperty=temperature&datastream=${a.id},${b.id},${c.id}`);
    expect(temps).toEqual(stored.filter((m) => m.datastreamId !== b.id).map(rowOf));
    // start inclusive, end exclusive; offsets are honoured ("+" may arrive as a space).
    const ranged = await rows(
      `/api/measurements?datastream=${a.id}&start=${encodeURIComponent('2024-05-01T02:03:00+02:00')}&end=2024-05-01T00:06:00 00:00`,
    );
    expect(ranged).toEqual(
      stored.filter((m) => m.datastreamId === a.id && m.time >= T0 + 180_000 && m.time < T0 + 360_000).map(rowOf),
    );
  });

  it('answers 400 naming the parameter, 404 for unknown or foreign datastreams and devices', async () => {
    const field = async (url: string) => {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      return res.json().error.details.field as string;
    };
    const q = `/api/measurements?datastream=${a.id}`;
    expect(await field(`${q}&start=2024-05-02T00:00:00Z&end=2024-05-01T00:00:00Z`)).toBe('start');
    expect(await field(`${q}&start=yesterday`)).toBe('start');
    expect(await field(`${q}&end=2024-02-30T00:00:00Z`)).toBe('end');
    expect(await field(`${q}&end=2024-05-01T00:00:00`)).toBe('end');
    expect(await field(`${q}&interval=2m`)).toBe('querystring.interval');
    expect(await field(`${q}&interval=1h&agg=median`)).toBe('querystring.agg');
    expect(await field(`${q}&agg=max`)).toBe('agg');
    expect(await field(`${q}&interval=auto`)).toBe('start');
    expect(await field(`${q}&interval=1h&count=true`)).toBe('count');
    expect(await field(`${q}&cursor=bm90LWEtY3Vyc29y`)).toBe('cursor');
    expect(await field('/api/measurements?datastream=12abc')).toBe('datastream');
    expect(await field(`${q}&limit=100001`)).toBe('querystring.limit');

    const missing = await get('/api/measurements?datastream=999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'DATASTREAM_NOT_FOUND', details: { id: 999999 } });
    const other = await createOrganisation(t.polder.database.db, `other-${dialect}`);
    const foreign = await createDatastream(t.polder.database.db, other);
    await t.polder.measurements.insert([{ datastreamId: foreign.id, time: T0, value: 1 }]);
    for (const url of [
      `/api/measurements?datastream=${a.id},${foreign.id}`,
      `/api/measurements/export?datastream=${foreign.id}`,
      `/api/datastreams/${foreign.id}/latest`,
      `/api/live?datastream=${foreign.id}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('DATASTREAM_NOT_FOUND');
    }
    for (const url of [`/api/measurements?device=${foreign.deviceId}`, `/api/devices/${foreign.deviceId}/latest`]) {
      expect((await get(url)).json().error.code, url).toBe('DEVICE_NOT_FOUND');
    }
    expect((await get(`/api/measurements?sensor=${foreign.sensorId}`)).json().error.code).toBe('SENSOR_NOT_FOUND');
  });

  it('needs the measurements:read scope', async () => {
    const key = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name: `devices-only-${dialect}`, scopes: ['devices:read'] },
    });
    const secret = key.json().secret as string;
    for (const url of [
      `/api/measurements?datastream=${a.id}`,
      `/api/datastreams/${a.id}/latest`,
      `/api/live?datastream=${a.id}`,
    ]) {
      expect((await get(url, secret)).statusCode, url).toBe(403);
    }
  });

  it('answers the latest value of a datastream and of each datastream of a device', async () => {
    const latest = await get(`/api/datastreams/${a.id}/latest`);
    expect(latest.json()).toEqual({
      datastream: a.id,
      device: a.deviceId,
      sensor: a.sensorId,
      observedProperty: 'temperature',
      unit: 'Cel',
      valueKind: 'number',
      time: iso(T0 + 24 * 60_000),
      value: 6,
    });
    const silent = await createDatastream(t.polder.database.db, orgId, {
      deviceId: a.deviceId,
      observedProperty: 'co2',
      unit: 'ppm',
    });
    const device = await get(`/api/devices/${a.deviceId}/latest`);
    expect(device.json().data.map((l: Row & { observedProperty: string }) => [l.datastream, l.time, l.value])).toEqual([
      [a.id, iso(T0 + 24 * 60_000), 6],
      [b.id, iso(T0 + 24 * 60_000 + 1), 1006],
      [silent.id, null, null],
    ]);
    expect((await get(`/api/datastreams/${silent.id}/latest`)).json()).toMatchObject({ time: null, value: null });
    expect((await get('/api/datastreams/not-a-number/latest')).statusCode).toBe(404);
  });

  it('serves aggregates from rollups where they are kept, and says which interval auto chose', async () => {
    const d = await createDatastream(t.polder.database.db, orgId);
    const now = Date.now();
    const hour = now - (now % 3_600_000);
    // One row a minute for the last six hours and for six hours five days ago.
    const times = [...Array.from({ length: 360 }, (_, i) => hour - 6 * 3_600_000 + i * 60_000)];
    const old = times.map((x) => x - 5 * DAY);
    await t.polder.measurements.insert([...old, ...times].map((time, i) => ({ datastreamId: d.id, time, value: i % 60 })));
    const hourly = (start: number) =>
      all(
        `/api/measurements?datastream=${d.id}&interval=1h&agg=count&start=${iso(start)}&end=${iso(start + 6 * 3_600_000)}`,
      ).then((r) => r.rows.map((x) => x.value));
    expect(await hourly(hour - 6 * 3_600_000)).toEqual([60, 60, 60, 60, 60, 60]);
    expect(await hourly(hour - 6 * 3_600_000 - 5 * DAY)).toEqual([60, 60, 60, 60, 60, 60]);
    // Without raw rows, recent buckets still come (from rollups); those past the 1-hour rollups'
    // retention (3 days here) are read from raw rows, which are gone.
    await t.polder.database.db.deleteFrom('measurements').where('datastream_id', '=', d.id).execute();
    expect(await hourly(hour - 6 * 3_600_000)).toEqual([60, 60, 60, 60, 60, 60]);
    expect(await hourly(hour - 6 * 3_600_000 - 5 * DAY)).toEqual([]);
    const auto = await get(`/api/measurements?datastream=${d.id}&interval=auto&start=${iso(hour - 6 * 3_600_000)}&limit=50`);
    expect(auto.json().interval).toBe('15m');
    expect(auto.json().data[0]).toEqual({ datastream: d.id, time: iso(hour - 6 * 3_600_000), value: 7 });
  });

  it('exports what the query answers, as CSV and NDJSON', async () => {
    const q = `datastream=${a.id},${b.id},${c.id}&start=2024-05-01T00:03:00Z`;
    const rows = (await all(`/api/measurements?${q}&limit=11`)).rows;
    const csv = await get(`/api/measurements/export?${q}&format=csv&columns=minimal`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe(`datastream,time,value\n${rows.map((r) => `${r.datastream},${r.time},${r.value}\n`).join('')}`);
    // Issue 9 item 18: by default each row names device (code), sensor (code), property and unit.
    const labels = new Map(
      (
        await t.polder.database.db
          .selectFrom('datastreams as d')
          .innerJoin('devices as v', 'v.id', 'd.device_id')
          .innerJoin('sensors as s', 's.id', 'd.sensor_id')
          .select(['d.id', 'v.code as device', 's.code as sensor', 'd.observed_property', 'd.unit'])
          .where('d.id', 'in', [a.id, b.id, c.id])
          .execute()
      ).map((r) => [Number(r.id), `${r.device},${r.sensor},${r.observed_property},${r.unit}`]),
    );
    const full = await get(`/api/measurements/export?${q}&format=csv`);
    expect(full.body).toBe(
      `datastream,device,sensor,observedProperty,unit,time,value\n${rows
        .map((r) => `${r.datastream},${labels.get(r.datastream)},${r.time},${r.value}\n`)
        .join('')}`,
    );
    const fullNd = await get(`/api/measurements/export?${q}&format=ndjson`);
    const [first] = fullNd.body.split('\n').map((l) => (l ? JSON.parse(l) : undefined));
    const [device, sensor, observedProperty, unit] = (labels.get(a.id) as string).split(',');
    expect(first).toEqual({
      datastream: a.id,
      device,
      sensor,
      observedProperty,
      unit,
      time: rows[0]?.time,
      value: rows[0]?.value,
    });
    expect((await get(`/api/measurements/export?${q}&columns=wide`)).json().error.details.field).toBe('querystring.columns');
    const nd = await get(`/api/measurements/export?${q}&format=ndjson&order=desc&columns=minimal`);
    expect(nd.headers['content-type']).toBe('application/x-ndjson');
    const desc = (await all(`/api/measurements?${q}&order=desc&limit=1000`)).rows;
    expect(
      nd.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(desc);
    const aggregated = (await all(`/api/measurements?${q}&interval=5m&agg=max`)).rows;
    const exported = await get(`/api/measurements/export?${q}&interval=5m&agg=max&format=ndjson&columns=minimal`);
    expect(
      exported.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(aggregated);
    expect((await get(`/api/measurements/export?datastream=${a.id}&start=nope`)).json().error.details.field).toBe('start');
  });
  it('aggregates like raw rows do, from rollups and from raw rows past their retention (random; runs retention, so last)', async () => {
    const seed = testSeed();
    const rnd = seededRandom(seed);
    const now = Date.now();
    const streams = [await createDatastream(t.polder.database.db, orgId), await createDatastream(t.polder.database.db, orgId)];
    // Ten days up to now: the 1-minute rollups (kept 2 days here) and 1-hour ones (3 days) cover
    // only the end, so queries mix rollups and raw rows. Late and repeated rows included.
    const base = now - 10 * DAY;
    const sent: Measurement[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const rows: Measurement[] = Array.from({ length: rnd.int(50, 500) }, () =>
        sent.length > 0 && rnd.next() < 0.1
          ? { ...rnd.pick(sent), value: 1e6 }
          : { datastreamId: rnd.pick(streams).id, time: base + rnd.int(0, 10 * DAY), value: Math.round(rnd.next() * 1e4) / 100 },
      );
      await t.polder.measurements.insert(rows);
      sent.push(...rows);
    }
    // Retention deletes the rollups past their cut-offs (raw rows are kept 30 days): from here on
    // a bucket is right only if each part of the range is read from the right source.
    const report = await t.polder.retention.run();
    expect(report?.rollups.find((r) => r.size === 60)?.rows).toBeGreaterThan(0);
    const truth = new Map<string, Measurement>();
    for (const r of sent) if (!truth.has(`${r.datastreamId}:${r.time}`)) truth.set(`${r.datastreamId}:${r.time}`, r);
    const raw = [...truth.values()];
    const widths: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': DAY };
    for (let round = 0; round < 12; round++) {
      const interval = rnd.pick(Object.keys(widths));
      const agg = rnd.pick(['avg', 'min', 'max', 'sum', 'count', 'first', 'last']);
      const order = rnd.pick(['asc', 'desc']);
      const width = widths[interval] as number;
      // Ranges wide enough to span the rollup cut-offs, never more than a few hundred buckets.
      const span = Math.min(rnd.int(width, 400 * width), 10 * DAY);
      const start = base + rnd.int(-DAY, 10 * DAY - span);
      const end = start + span;
      const url = `/api/measurements?datastream=${streams.map((s) => s.id).join(',')}&start=${iso(start)}&end=${iso(end)}&interval=${interval}&agg=${agg}&order=${order}&limit=${rnd.int(5, 60)}`;
      const got = (await all(url)).rows;
      const want = expectedBuckets(
        raw,
        streams.map((s) => s.id),
        start,
        end,
        width,
        agg,
        order,
      );
      const context = `seed ${seed}, ${url}`;
      expect(
        got.map((r) => [r.datastream, r.time]),
        context,
      ).toEqual(want.map((r) => [r.datastream, r.time]));
      got.forEach((r, i) => {
        expect(r.value, context).toBeCloseTo((want[i] as Row).value, 6);
      });
    }
  });
});

/** Whole buckets whose start lies in [floor(start), end), folded from raw rows: what rollups must answer. */
function expectedBuckets(
  raw: Measurement[],
  ids: number[],
  start: number,
  end: number,
  width: number,
  agg: string,
  order: string,
): Row[] {
  const from = start - (start % width);
  const out: Row[] = [];
  for (const id of [...ids].sort((x, y) => x - y)) {
    const buckets = new Map<number, Measurement[]>();
    for (const r of raw) {
      const bucket = r.time - (r.time % width);
      if (r.datastreamId !== id || bucket < from || bucket >= end) continue;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), r]);
    }
    const keys = [...buckets.keys()].sort((x, y) => (order === 'asc' ? x - y : y - x));
    for (const k of keys) {
      const rows = (buckets.get(k) as Measurement[]).sort((x, y) => x.time - y.time);
      const values = rows.map((r) => r.value);
      const sum = values.reduce((s, v) => s + v, 0);
      const value = {
        avg: sum / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        sum,
        count: values.length,
        first: values[0] as number,
        last: values[values.length - 1] as number,
      }[agg] as number;
      out.push({ datastream: id, time: new Date(k).toISOString(), value });
    }
  }
  return out;
}
