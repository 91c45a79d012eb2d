/**
 * Why SQLite's hot path appends measurements to a small table, moved into the ordered one in large
 * batches (migration 20261204-1430-measurements-recent; docs/benchmarks.md). Batches of 1,500 rows
 * (500 uplinks of 3 values) from 3,000 datastreams, each in its own IMMEDIATE transaction with
 * synchronous=NORMAL (as the writer thread commits; its fdatasync apart), into a table already
 * holding POLDER_BENCH_ROWS rows, automatic checkpoints off so that the WAL's growth is the
 * pages each commit wrote:
 *   clustered   `measurements_folded`, WITHOUT ROWID by (datastream_id, time), as the hot path
 *               wrote before: each row lands at its datastream's place, one leaf page per
 *               datastream touched
 *   appended    the same rows into a plain rowid table: what appending costs (a lower bound, with
 *               no index at all)
 *   recent      the rows into a small WITHOUT ROWID table, moved into the clustered one every
 *               POLDER_BENCH_FOLD batches (insert … select in key order, delete), both timed: the
 *               hot path's way now (its own table here, with the same shape)
 * Then what reads pay through the `measurements` view (a union all of both tables, the recent one
 * empty), against the ordered table alone: a day of one datastream (86,400 rows) in time order,
 * the same as offsets, its latest value, a count.
 *   npm run bench sqlite-measurement-layout
 */
import { statSync } from 'node:fs';
import {
  insertMeasurementsSql,
  insertNewerMeasurementsSql,
  ROWS_PER_INSERT,
} from '../src/measurements/measurement-writer.sqlite.js';
import { figure, heading, note, sqliteBenchDatabase, walMeasuringConnection } from './support/bench-kit.js';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 300_000);
const FOLD = Number(process.env.POLDER_BENCH_FOLD ?? 40);
const DATASTREAMS = 3000;
const BATCH = 1500;
const BATCHES = 200;
const T0 = Date.UTC(2026, 0, 1);

type Layout = 'clustered' | 'appended' | 'recent';
type Row = [number, number, number];

function* batches(count: number): Generator<Row[]> {
  let ds = 0;
  let t = T0;
  for (let b = 0; b < count; b++) {
    const rows: Row[] = new Array(BATCH);
    for (let i = 0; i < BATCH; i++) {
      rows[i] = [ds + 1, t, (ds % 97) + i / BATCH];
      ds = (ds + 1) % DATASTREAMS;
      if (ds === 0) t += 1000;
    }
    yield rows;
  }
}

async function run(layout: Layout): Promise<{ msPerBatch: number; walKiB: number; foldMs: number }> {
  const bench = await sqliteBenchDatabase();
  try {
    const sqlite = walMeasuringConnection(bench);
    const file = sqlite.name;
    sqlite.exec(`create table appended (datastream_id integer not null, time integer not null, value real not null);
      create table recent (datastream_id integer not null, time integer not null, value real not null,
        primary key (datastream_id, time)) without rowid`);
    const into = layout === 'clustered' ? 'measurements_folded' : layout;
    const insert = sqlite.prepare<Row>(`insert or ignore into ${into} (datastream_id, time, value) values (?, ?, ?)`);
    const commit = sqlite.transaction((rows: Row[]) => {
      for (const r of rows) insert.run(...r);
    });
    const fold = sqlite.transaction(() => {
      sqlite.exec(
        'insert or ignore into measurements_folded select * from recent order by datastream_id, time; delete from recent',
      );
    });
    const fillRow = sqlite.prepare<Row>(
      'insert or ignore into measurements_folded (datastream_id, time, value) values (?, ?, ?)',
    );
    const fill = sqlite.transaction((rows: Row[]) => {
      for (const r of rows) fillRow.run(...r);
    });
    const all = batches(Math.ceil(ROWS / BATCH) + BATCHES);
    for (let i = 0; i < ROWS; i += BATCH) fill.immediate(all.next().value as Row[]);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    let ms = 0;
    let foldMs = 0;
    for (let b = 0; b < BATCHES; b++) {
      const rows = all.next().value as Row[];
      const t0 = process.hrtime.bigint();
      commit.immediate(rows);
      ms += Number(process.hrtime.bigint() - t0) / 1e6;
      if (layout === 'recent' && (b + 1) % FOLD === 0) {
        const f0 = process.hrtime.bigint();
        fold.immediate();
        foldMs += Number(process.hrtime.bigint() - f0) / 1e6;
      }
    }
    const walKiB = statSync(`${file}-wal`).size / 1024 / BATCHES;
    sqlite.close();
    return { msPerBatch: ms / BATCHES, walKiB, foldMs: foldMs / BATCHES };
  } finally {
    await bench.drop();
  }
}

/**
 * The hot path's insert into `measurements_recent` (64 rows a statement, 1,500 a commit), its rows
 * looked up in the ordered table first (insertMeasurementsSql) or not, as for rows newer than
 * every moved row of their datastream (insertNewerMeasurementsSql), the ordered table holding ROWS.
 */
async function insertRecent(): Promise<{ checked: number; newer: number }> {
  const bench = await sqliteBenchDatabase();
  try {
    const sqlite = walMeasuringConnection(bench);
    const fill = sqlite.prepare<Row>('insert into measurements_folded (datastream_id, time, value) values (?, ?, ?)');
    const all = batches(Math.ceil(ROWS / BATCH) + 2 * BATCHES);
    sqlite
      .transaction(() => {
        for (let i = 0; i < ROWS; i += BATCH) for (const r of all.next().value as Row[]) fill.run(...r);
      })
      .immediate();
    const lot = (sql: string) => {
      const st = sqlite.prepare(sql);
      return sqlite.transaction((rows: Row[]) => {
        for (let i = 0; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT)
          st.run(rows.slice(i, i + ROWS_PER_INSERT).flat());
      });
    };
    const timedLots = (commit: ReturnType<typeof lot>) => {
      let ms = 0;
      for (let b = 0; b < BATCHES; b++) {
        const rows = all.next().value as Row[];
        const t0 = process.hrtime.bigint();
        commit.immediate(rows);
        ms += Number(process.hrtime.bigint() - t0) / 1e6;
      }
      return ms / BATCHES;
    };
    const checked = timedLots(lot(insertMeasurementsSql(ROWS_PER_INSERT)));
    const newer = timedLots(lot(insertNewerMeasurementsSql(ROWS_PER_INSERT)));
    sqlite.close();
    return { checked, newer };
  } finally {
    await bench.drop();
  }
}

/** The read shapes of measurements, from the ordered table and through the `measurements` view. */
async function readThroughView(): Promise<Record<'day' | 'offsets' | 'latest' | 'count', { table: number; view: number }>> {
  const bench = await sqliteBenchDatabase();
  try {
    if (bench.database.dialect !== 'sqlite') throw new Error('sqlite only');
    const sqlite = bench.database.sqlite;
    // Polder's own view now (migration 20261204-1430-measurements-recent), its recent table empty.
    const insert = sqlite.prepare('insert into measurements_folded values (?, ?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 86_400; i++) insert.run(1, T0 + i * 1000, i);
    })();
    const DAY = `where datastream_id = 1 and time >= ${T0} and time < ${T0 + 86_400_000}`;
    const SHAPES = {
      day: (from: string) => `select time from ${from} ${DAY} order by time`,
      offsets: (from: string) => `select time - ${T0} from ${from} ${DAY} order by time`,
      latest: (from: string) => `select time from ${from} ${DAY} order by time desc limit 1`,
      count: (from: string) => `select count(*) from ${from} ${DAY}`,
    };
    const best = (sql: string) => {
      const st = sqlite.prepare(sql).pluck();
      let min = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        st.all();
        min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return min;
    };
    const both = (shape: (from: string) => string) => ({
      table: best(shape('measurements_folded')),
      view: best(shape('measurements')),
    });
    return { day: both(SHAPES.day), offsets: both(SHAPES.offsets), latest: both(SHAPES.latest), count: both(SHAPES.count) };
  } finally {
    await bench.drop();
  }
}

heading(`sqlite-measurement-layout: ${BATCHES} commits of ${BATCH} rows from ${DATASTREAMS} datastreams, table of ${ROWS} rows`);
for (const layout of ['clustered', 'appended', 'recent'] as const) {
  const r = await run(layout);
  const extra = layout === 'recent' ? `, + ${r.foldMs.toFixed(2)} ms per batch moving them every ${FOLD} batches` : '';
  figure(`${layout}: commit`, r.msPerBatch, 'ms per batch', `${r.walKiB.toFixed(0)} KiB of WAL per batch${extra}`);
}
note('each commit written to the WAL (synchronous=NORMAL), no fdatasync and no checkpoint: its CPU and pages only');
const recent = await insertRecent();
figure('the hot path into measurements_recent, rows looked up in the ordered table', recent.checked, 'ms per batch');
figure('the same rows newer than every moved row of their datastream', recent.newer, 'ms per batch', 'no look-up');
const read = await readThroughView();
const shapes = [
  ['day', 'a day of one datastream (86,400 rows) in time order'],
  ['offsets', 'the same as offsets (`time - ?`, as the column reader asks)'],
  ['latest', 'its latest value (order by time desc limit 1)'],
  ['count', 'count(*) of the day'],
] as const;
for (const [key, what] of shapes)
  figure(`${what}: table / view`, read[key].table, 'ms', `view ${read[key].view.toFixed(2)} ms, best of 5`);
note('SQLite merges the two ordered arms of the view for plain columns (MERGE (UNION ALL)); an expression, an aggregate or');
note('a GROUP BY reads the view as a co-routine instead, sorted or aggregated afterwards');
