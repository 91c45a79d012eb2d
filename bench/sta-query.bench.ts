/**
 * SensorThings on a big datastream: `Datastreams(id)/Observations?$filter=phenomenonTime ge …
 * and result gt …&$top=1000` (the target: under 50 ms on 30 million rows), through the
 * whole HTTP stack (app.inject: routing, auth, parsing, SQL, rendering). Rows are generated in
 * SQL (1 Hz from 2025-01-01, a smooth curve of values) straight into the measurements table;
 * rollups are not needed for this query. POLDER_BENCH_STA_ROWS changes the size (default 30M).
 *   npm run bench sta-query
 */
import type { Polder } from '../src/main.js';
import { SETS } from '../src/standards/sensorthings/entities.js';
import { observationFields, observationsJson } from '../src/standards/sensorthings/observations-json.js';
import { emptyOptions, parseOptions } from '../src/standards/sensorthings/query-options.js';
import { StaReader } from '../src/standards/sensorthings/sta-reader.js';
import { createDatastream } from '../test/support/fixtures.js';
import {
  BENCH_TOKEN,
  type BenchDatabase,
  figure,
  heading,
  medianMs,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
  timed,
  withBenchPolder,
} from './support/bench-kit.js';

const ROWS_ALL = Number(process.env.POLDER_BENCH_STA_ROWS ?? 30_000_000);
/** PostgreSQL loads far slower here; POLDER_BENCH_STA_PG_ROWS may make its series smaller. */
const PG_ROWS = Number(process.env.POLDER_BENCH_STA_PG_ROWS ?? ROWS_ALL);
const T0 = Date.UTC(2025, 0, 1);
const TOKEN = BENCH_TOKEN;
const DAY = 86_400_000;

const withPolder = (make: () => Promise<BenchDatabase>, label: string) =>
  withBenchPolder(make, {}, (polder) => run(polder, label));

/** value(k) in SQL and JS alike: a daily sine between 5 and 25. */
const VALUE_SQL = '15 + 10 * sin(k / 13750.987)';

async function load(polder: Polder, dsId: number, ROWS: number): Promise<void> {
  const db = polder.database;
  if (db.dialect === 'sqlite') {
    // Straight into the table ordered by (datastream, time) under the `measurements` view.
    const CHUNK = 1_000_000;
    for (let from = 0; from < ROWS; from += CHUNK) {
      const to = Math.min(ROWS, from + CHUNK) - 1;
      db.sqlite
        .prepare(
          `with recursive s(k) as (select ? union all select k + 1 from s where k < ?)
           insert into measurements_folded (datastream_id, time, value) select ?, ? + k * 1000, ${VALUE_SQL} from s`,
        )
        .run(from, to, dsId, T0);
    }
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('analyze');
    return;
  }
  // One row a day through the service creates the weekly partitions; the rest comes from generate_series.
  const days = Math.ceil(ROWS / 86_400);
  await polder.measurements.insert(
    Array.from({ length: days }, (_, d) => ({ datastreamId: dsId, time: T0 + d * DAY + 500, value: 15 })),
  );
  const CHUNK = 2_000_000;
  for (let from = 0; from < ROWS; from += CHUNK) {
    const to = Math.min(ROWS, from + CHUNK) - 1;
    await db.pool.query(
      `insert into measurements (datastream_id, time, value)
       select $1, $2::bigint + k * 1000, ${VALUE_SQL} from generate_series($3::bigint, $4::bigint) k`,
      [dsId, T0, from, to],
    );
  }
  await db.pool.query('vacuum analyze measurements');
}

async function run(polder: Polder, label: string): Promise<void> {
  const ROWS = polder.database.dialect === 'postgres' ? PG_ROWS : ROWS_ALL;
  heading(`${label}: SensorThings query on one datastream of ${ROWS.toLocaleString('en-US')} rows`);
  const ds = await createDatastream(polder.database.db, polder.bootstrap.org.id, {
    observedProperty: 'temperature',
    unit: 'Cel',
  });
  const loadMs = await timed(() => load(polder, ds.id, ROWS));
  figure('generating the rows in SQL', (ROWS / loadMs) * 1000, 'rows/s');

  const span = ROWS * 1000;
  // Start points spread over the whole series, so every run reads a different part of the table.
  const startOf = (k: number) => T0 + ((k * 7919) % 97) * (span / 100);
  const filterOf = (k: number) => `phenomenonTime ge ${new Date(startOf(k)).toISOString()} and result gt 20`;
  let returned = 0;
  const request = async (k: number, extra = '') => {
    const res = await polder.app.inject({
      url: `/sta/v1.1/Datastreams(${ds.id})/Observations?$filter=${encodeURIComponent(filterOf(k))}&$top=1000${extra}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    // Parsed once (the client's work, not the server's, is left out of the timed calls).
    if (returned === 0) returned = (JSON.parse(res.body) as { value: unknown[] }).value.length;
  };
  // The layers below HTTP, measured in the same run: the reader's SQL (scoping, filter compiled,
  // rows as objects), the rendering of its rows to JSON text, and the bare range scan.
  const reader = new StaReader(polder.database.db, polder.database.dialect);
  const orgId = polder.bootstrap.org.id;
  const scope = { orgId, now: Date.now(), base: 'http://localhost/sta/v1.1' };
  const set = SETS.Observations;
  const pageOf = (k: number) =>
    reader.page(
      scope,
      set,
      [{ col: 'ds_id', value: ds.id }],
      parseOptions([
        ['$filter', filterOf(k)],
        ['$top', '1000'],
      ]),
    );
  const rows = (await pageOf(0)).rows;
  const fields = observationFields(undefined) as string[];
  const raw = async (k: number) => {
    const text =
      'select time, value from measurements where datastream_id = $1 and time >= $2 and value > 20 order by time limit 1001';
    if (polder.database.dialect === 'sqlite')
      polder.database.sqlite.prepare(text.replace(/\$\d/g, '?')).raw(true).all(ds.id, startOf(k));
    else await polder.database.pool.query({ text, values: [ds.id, startOf(k)], rowMode: 'array' });
  };
  const layers: [string, (k: number) => Promise<unknown> | unknown][] = [
    [`HTTP: Datastreams(id)/Observations?$filter=phenomenonTime ge … and result gt 20&$top=1000`, (k) => request(k)],
    ['HTTP: the same with $select=result,phenomenonTime', (k) => request(k, '&$select=result,phenomenonTime')],
    ['StaReader.page alone (SQL with scoping, rows as objects)', (k) => pageOf(k)],
    [
      'rendering 1000 rows, generic path (renderOwn + JSON.stringify)',
      () => JSON.stringify({ value: rows.map((r) => reader.renderOwn(scope, set, r, emptyOptions())) }),
    ],
    ['rendering 1000 rows, Observations writer (observationsJson)', () => observationsJson(scope.base, rows, fields)],
    ['the same rows with the raw driver (the storage floor)', (k) => raw(k)],
  ];
  await request(0);
  heading(`${returned} rows per answer; median of 21 (wall), CPU of this process per call (process.cpuUsage)`);
  // A warm-up pass, so that no layer pays for the JIT or the first page-cache misses of another.
  for (const [, work] of layers) for (let k = 0; k < 5; k++) await work(k);
  for (const [name, work] of layers) {
    let k = 0;
    const cpu: number[] = [];
    const ms = await medianMs(21, async () => {
      const before = process.cpuUsage();
      await work(k++);
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
    });
    cpu.sort((a, b) => a - b);
    figure(name, ms, 'ms', `wall; CPU ${(cpu[10] ?? 0).toFixed(2)} ms`);
  }
  // Warm: the same request again (recent data a dashboard polls stays in the page cache).
  figure('HTTP, the same request repeated (warm cache)', await medianMs(21, () => request(5)), 'ms', 'median of 21');
  const one = await medianMs(21, async () => {
    const res = await polder.app.inject({
      url: `/sta/v1.1/Datastreams(${ds.id})/Observations?$top=1&$orderby=phenomenonTime desc`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.statusCode !== 200) throw new Error(res.body);
  });
  figure('latest observation ($top=1&$orderby=phenomenonTime desc)', one, 'ms', 'median of 21');
}

await withPolder(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await withPolder(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL not reachable: skipped');
