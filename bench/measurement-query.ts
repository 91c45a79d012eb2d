/**
 * Reading measurements back: one datastream with a year of 1 Hz data (31.5M rows, stored
 * through the service like any uplink), then a day of raw points (86,400), a year as 1-hour
 * buckets, and export throughput over HTTP. `--full` adds a 10-million-row export with RSS
 * samples (memory must stay flat). POLDER_BENCH_DAYS shortens the year for a quick look.
 *   npm run bench measurement-query [--full]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Polder } from '../src/main.js';
import type { Principal } from '../src/tenancy/tenancy.js';
import { createDatastream } from '../test/support/fixtures.js';
import {
  BENCH_TOKEN,
  type BenchDatabase,
  FULL,
  figure,
  heading,
  median,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  rss,
  sqliteBenchDatabase,
  timed,
  withBenchPolder,
} from './support/bench-kit.js';

const DAYS = Number(process.env.POLDER_BENCH_DAYS ?? 365);
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const TOKEN = BENCH_TOKEN;
const BATCH = 50_000;
const RUNS = 7;

interface Timing {
  wallMs: number;
  /** CPU time of this process (user + system), which a loaded machine inflates far less than wall time. */
  cpuMs: number;
}

/** Medians of wall time and of this process's CPU time over RUNS runs. */
async function measure(work: () => Promise<unknown>): Promise<Timing> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** A median timing as a figure, with this process's CPU beside it. */
const shown = (what: string, m: Timing) =>
  figure(what, m.wallMs, 'ms', `median of ${RUNS}; CPU of this process ${m.cpuMs.toFixed(1)} ms`);

/** A GET through the whole HTTP stack (app.inject), as the bench's key. */
const get = (polder: Polder, url: string) => polder.app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });

const withPolder = (make: () => Promise<BenchDatabase>, label: string) =>
  withBenchPolder(
    make,
    {
      // A year back from the data's end: every rollup is kept.
      POLDER_ROLLUP_RETENTION_1M_DAYS: '0',
    },
    (polder) => run(polder, label),
  );

async function run(polder: Polder, label: string): Promise<void> {
  heading(`${label}: one datastream, ${DAYS} days of 1 Hz data (${(DAYS * 86_400).toLocaleString('en-US')} rows)`);
  const orgId = polder.bootstrap.org.id;
  const ds = await createDatastream(polder.database.db, orgId);
  const caller: Principal = {
    kind: 'apiKey',
    orgId,
    id: 'bench',
    name: 'bench',
    scopes: new Set(['measurements:read']),
    platformAdmin: false,
  };

  // A datastream with one old value: moved out of the recent table (SQLite) by the load below.
  const idle = await createDatastream(polder.database.db, orgId);
  await polder.measurements.insert([{ datastreamId: idle.id, time: T0 - 1000, value: 1 }]);

  const total = DAYS * 86_400;
  const insertMs = await timed(async () => {
    for (let i = 0; i < total; i += BATCH) {
      const n = Math.min(BATCH, total - i);
      const rows = new Array(n);
      for (let j = 0; j < n; j++) {
        const k = i + j;
        rows[j] = { datastreamId: ds.id, time: T0 + k * 1000, value: Math.round(Math.sin(k / 3600) * 2000 + 1500) / 100 };
      }
      await polder.measurements.insert(rows);
    }
  });
  figure('loading the year through MeasurementService.insert (50k batches)', (total / insertMs) * 1000, 'rows/s');
  // Then 10,000 newer values, after the loaded days: on SQLite they stay in the recent table (a move
  // takes 60,000), where the latest value below finds them.
  await polder.measurements.insert(
    Array.from({ length: 10_000 }, (_, j) => ({ datastreamId: ds.id, time: T0 + (total + j) * 1000, value: j / 100 })),
  );
  // Loading leaves garbage behind; collect it so the export's memory figures start clean.
  (globalThis as { gc?: () => void }).gc?.();
  await settle(polder);

  const day = (k: number) => T0 + ((k * 37) % DAYS) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const yearQuery = {
    datastream: [String(ds.id)],
    start: iso(T0),
    end: iso(T0 + DAYS * DAY),
    interval: '1h' as const,
    agg: 'avg' as const,
  };
  let rows = 0;
  // Values older than an hour leave their 1-hour and 1-day buckets to the scheduler's rollup fold
  // (every minute); until it has run, a read folds the 1-minute rollups itself. Both, then the
  // rest on folded rollups, as a deployment reads them.
  const unfolded = await measure(async () => {
    rows = (await polder.measurements.query(caller, yearQuery, { limit: 100_000 })).items.length;
  });
  shown(`the year as 1-hour buckets (${rows.toLocaleString('en-US')} rows), service.query, before the rollup fold`, unfolded);
  figure("the scheduler's rollup fold of the loaded days", await timed(() => polder.retention.foldRollups()), 'ms');
  let k = 0;
  const dayQuery = () => {
    const start = day(k++);
    return { datastream: [String(ds.id)], start: iso(start), end: iso(start + DAY) };
  };
  // The ceiling: the same day read with the raw driver (rows as arrays, nothing else). On SQLite
  // from the table that holds it once moved: `measurements` is a view of it and of the recent rows,
  // which SQLite sorts whole for an `order by` (the service reads each table alone).
  const table = polder.database.dialect === 'sqlite' ? 'measurements_folded' : 'measurements';
  const text = `select time, value from ${table} where datastream_id = ? and time >= ? and time < ? order by time`;
  const driver = await measure(async () => {
    const start = day(k++);
    const args = [ds.id, start, start + DAY];
    if (polder.database.dialect === 'sqlite')
      rows = polder.database.sqlite
        .prepare(text)
        .raw(true)
        .all(...args).length;
    else {
      let i = 0;
      const pgText = text.replace(/\?/g, () => `$${++i}`);
      rows = (await polder.database.pool.query({ text: pgText, values: args, rowMode: 'array' })).rows.length;
    }
  });
  shown(`a day of raw points (${rows.toLocaleString('en-US')} rows), raw driver select, row arrays`, driver);
  const service = await measure(async () => {
    rows = (await polder.measurements.query(caller, dayQuery(), { limit: 100_000 })).items.length;
  });
  shown(`a day of raw points (${rows.toLocaleString('en-US')} rows), service.query (row objects)`, service);
  const series = await measure(async () => {
    const page = await polder.measurements.querySeries(caller, dayQuery(), { limit: 100_000 });
    rows = page.series.reduce((n, s) => n + s.times.length, 0);
  });
  shown(`a day of raw points (${rows.toLocaleString('en-US')} rows), service.querySeries (columns)`, series);
  note(
    `service / raw driver: ${(service.wallMs / driver.wallMs).toFixed(2)} (objects), ${(series.wallMs / driver.wallMs).toFixed(2)} (columns)`,
  );

  // The newest value (GET /api/datastreams/{id}/latest), of the loaded datastream and of the idle one.
  const recent =
    polder.database.dialect === 'sqlite'
      ? ` (${polder.database.sqlite.prepare('select count(*) from measurements_recent').pluck().get()} rows in the recent table)`
      : '';
  for (const [what, id] of [
    ['the loaded datastream', ds.id],
    ['a datastream idle since before the load', idle.id],
  ] as const) {
    const latest = await measure(() => polder.measurements.latestOfDatastream(caller, String(id)));
    shown(`the latest value of ${what}${recent}`, latest);
  }

  const hour = await measure(async () => {
    rows = (await polder.measurements.query(caller, yearQuery, { limit: 100_000 })).items.length;
  });
  shown(`the year as 1-hour buckets (${rows.toLocaleString('en-US')} rows), service.query`, hour);

  let bytes = 0;
  for (const format of ['rows', 'columnar'] as const) {
    const httpDay = await measure(async () => {
      const q = dayQuery();
      const res = await get(
        polder,
        `/api/measurements?datastream=${ds.id}&start=${q.start}&end=${q.end}&limit=100000&format=${format}`,
      );
      if (res.statusCode !== 200) throw new Error(res.body);
      bytes = res.rawPayload.length;
    });
    shown(`a day of raw points over HTTP (app.inject), format=${format}, ${(bytes / 2 ** 20).toFixed(1)} MiB`, httpDay);
  }
  for (const format of ['rows', 'columnar'] as const) {
    const httpYear = await measure(async () => {
      const res = await get(
        polder,
        `/api/measurements?datastream=${ds.id}&start=${yearQuery.start}&end=${yearQuery.end}&interval=1h&limit=100000&format=${format}`,
      );
      if (res.statusCode !== 200) throw new Error(res.body);
    });
    shown(`the year as 1-hour buckets over HTTP (app.inject), format=${format}`, httpYear);
  }

  await interleaved(polder, caller);

  await polder.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (polder.app.server.address() as AddressInfo).port;
  const exportRows = Math.min(1_000_000, total);
  for (const format of ['csv', 'ndjson'] as const) {
    const end = iso(T0 + exportRows * 1000);
    const result = await download(port, `/api/measurements/export?datastream=${ds.id}&end=${end}&format=${format}`, false);
    figure(`export ${format} over HTTP, ${exportRows.toLocaleString('en-US')} rows`, (exportRows / result.ms) * 1000, 'rows/s');
  }
  if (FULL) {
    const n = Math.min(10_000_000, total);
    const end = iso(T0 + n * 1000);
    const result = await download(port, `/api/measurements/export?datastream=${ds.id}&end=${end}&format=csv`, true);
    figure(`export csv over HTTP, ${n.toLocaleString('en-US')} rows`, (n / result.ms) * 1000, 'rows/s');
    figure('  bytes sent', result.bytes / 2 ** 20, 'MiB');
    figure('  RSS before / max during / after', result.before, 'MiB', `${result.max.toFixed(0)} / ${result.after.toFixed(0)}`);
    note(`RSS samples (MiB, every 2 s): ${result.samples.map((s) => s.rss.toFixed(0)).join(' ')}`);
    note(`JS heap used (MiB, same times): ${result.samples.map((s) => s.heap.toFixed(0)).join(' ')}`);
    note(`JS heap live after a forced GC (MiB): ${result.samples.map((s) => s.live.toFixed(0)).join(' ')}`);
  } else note('10-million-row export with RSS samples: run with --full');
}

/**
 * After a load, what the database does on its own within a minute: on PostgreSQL autovacuum
 * vacuums each partition after 100,000 inserted rows (measurement-partitions.postgres.ts), which
 * marks its pages all-visible for index-only reads, and analyzes it after a tenth of its rows
 * changed; on SQLite a checkpoint empties the WAL.
 */
async function settle(polder: Polder): Promise<void> {
  if (polder.database.dialect === 'postgres') await polder.database.pool.query('vacuum analyze measurements');
  else polder.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
}

/** Datastreams stored side by side in `interleaved`. */
const STREAMS = 40;

/**
 * A day of one datastream among STREAMS that report at the same time, stored as they arrive (each
 * second's values of all of them together): how a deployment's table fills, where the one
 * datastream loaded above has its rows alone. The day's rows are then spread over the table's
 * pages rather than next to each other.
 */
async function interleaved(polder: Polder, caller: Principal): Promise<void> {
  const ids: number[] = [];
  for (let i = 0; i < STREAMS; i++) ids.push((await createDatastream(polder.database.db, caller.orgId)).id);
  const start = T0 + (DAYS + 2) * DAY;
  const rows: { datastreamId: number; time: number; value: number }[] = [];
  const insertMs = await timed(async () => {
    for (let s = 0; s < 86_400; s++) {
      for (const id of ids) rows.push({ datastreamId: id, time: start + s * 1000, value: ((s * 7 + id) % 5000) / 100 });
      if (rows.length >= BATCH || s === 86_399) await polder.measurements.insert(rows.splice(0));
    }
  });
  figure(`loading a day of ${STREAMS} datastreams side by side`, ((STREAMS * 86_400) / insertMs) * 1000, 'rows/s');
  // As after the first load: the loading's garbage collected before the reads are timed.
  (globalThis as { gc?: () => void }).gc?.();
  await settle(polder);
  let k = 0;
  const query = () => ({
    datastream: [String(ids[(k++ * 7) % STREAMS])],
    start: new Date(start).toISOString(),
    end: new Date(start + DAY).toISOString(),
  });
  let rowsRead = 0;
  const series = await measure(async () => {
    const page = await polder.measurements.querySeries(caller, query(), { limit: 100_000 });
    rowsRead = page.series.reduce((n, x) => n + x.times.length, 0);
  });
  shown(
    `a day of one of ${STREAMS} datastreams stored side by side (${rowsRead.toLocaleString('en-US')} rows), service.querySeries`,
    series,
  );
  const overHttp = await measure(async () => {
    const q = query();
    const res = await get(
      polder,
      `/api/measurements?datastream=${q.datastream[0]}&start=${q.start}&end=${q.end}&limit=100000&format=columnar`,
    );
    if (res.statusCode !== 200) throw new Error(res.body);
  });
  shown('the same over HTTP (app.inject), format=columnar', overHttp);
}

/** Reads a response to its end over a real socket, discarding it; samples RSS while it runs. */
function download(port: number, path: string, sample: boolean) {
  return new Promise<{
    ms: number;
    bytes: number;
    before: number;
    max: number;
    after: number;
    samples: { rss: number; heap: number; live: number }[];
  }>((resolve, reject) => {
    const before = rss();
    const samples: { rss: number; heap: number; live: number }[] = [];
    let max = before;
    const timer = setInterval(() => {
      const now = rss();
      max = Math.max(max, now);
      if (!sample) return;
      const heap = process.memoryUsage().heapUsed / 2 ** 20;
      // What is still referenced, as opposed to garbage V8 has not collected yet.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      samples.push({ rss: now, heap, live: gc ? process.memoryUsage().heapUsed / 2 ** 20 : Number.NaN });
    }, 2000);
    const started = performance.now();
    let bytes = 0;
    http
      .get({ port, host: '127.0.0.1', path, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => {
          clearInterval(timer);
          resolve({ ms: performance.now() - started, bytes, before, max: Math.max(max, rss()), after: rss(), samples });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

await withPolder(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await withPolder(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL is not reachable: its figures are skipped');
