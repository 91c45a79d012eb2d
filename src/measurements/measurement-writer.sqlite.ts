import type BetterSqlite3 from 'better-sqlite3';
import { NO_FOLD_MARK } from './measurement-store.base.js';
import type { Measurement } from './measurements.js';
import { FOLDED_SIZES, MINUTE } from './rollups.js';

/**
 * The recent rows' buckets of one size (before a time), merged into the stored ones: first/last
 * by time (see rollups.ts mergeInto); first and last values read back by the recent table's key.
 * In (datastream, bucket) order, the rollups' key order. Parameter: the time before which rows count.
 */
const moveRollupsSql = (size: number) => `insert into rollups
  (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)
  select g.ds, ${size}, g.bucket, g.n, g.s, g.mn, g.mx, g.ft,
    (select f.value from measurements_recent f where f.time = g.ft and f.datastream_id = g.ds),
    g.lt,
    (select l.value from measurements_recent l where l.time = g.lt and l.datastream_id = g.ds)
  from (select datastream_id as ds, time - time % ${size * 1000} as bucket, count(*) as n, sum(value) as s,
      min(value) as mn, max(value) as mx, min(time) as ft, max(time) as lt
    from measurements_recent where time < ? group by ds, bucket) g
  where true
  on conflict (datastream_id, size, bucket) do update set
    count = count + excluded.count,
    sum = sum + excluded.sum,
    min = min(min, excluded.min),
    max = max(max, excluded.max),
    first_value = iif(excluded.first_time < first_time, excluded.first_value, first_value),
    first_time = min(first_time, excluded.first_time),
    last_value = iif(excluded.last_time > last_time, excluded.last_value, last_value),
    last_time = max(last_time, excluded.last_time)`;

/** `rows` placeholders of (datastream, time, value). */
function valuesOf(rows: number): string {
  return Array.from({ length: rows }, () => '(?, ?, ?)').join(', ');
}

/**
 * Rows into `measurements_recent` (migration 20261204-1430-measurements-recent) unless stored
 * already, there or folded: parameters datastream, time, value of each row in turn.
 */
export function insertMeasurementsSql(rows: number): string {
  return `insert or ignore into measurements_recent (datastream_id, time, value)
  select v.column1, v.column2, v.column3 from (values ${valuesOf(rows)}) as v
  where not exists (select 1 from measurements_folded f where f.datastream_id = v.column1 and f.time = v.column2)`;
}
/** One row: parameters datastream, time, value. */
export const INSERT_MEASUREMENT = insertMeasurementsSql(1);
/**
 * Rows newer than every row of their datastream in `measurements_folded`, which therefore cannot
 * be there: the same insert without its look-up in the ordered table (a commit of 1,500 rows
 * 3.3 → 2.0 ms: `npm run bench sqlite-measurement-layout`).
 */
export function insertNewerMeasurementsSql(rows: number): string {
  return `insert or ignore into measurements_recent (datastream_id, time, value) values ${valuesOf(rows)}`;
}
const NEWEST_FOLDED = 'select max(time) from measurements_folded where datastream_id = ?';
/**
 * Rows per statement on the hot path: one statement of 64 rows costs about a third of 64
 * single-row ones (each execution opens its cursors again; docs/benchmarks.md).
 */
export const ROWS_PER_INSERT = 64;
/**
 * The recent rows (kept in time order: migration 20261205-0900-recent-by-time) into the table
 * ordered by (datastream, time), sorted into its order; then the recent table and its list of
 * datastreams emptied. Their rollups go first (migration 20261205-1900-rollups-at-move).
 */
const MOVE_RECENT = `insert or ignore into measurements_folded (datastream_id, time, value)
  select datastream_id, time, value from measurements_recent order by datastream_id, time`;
const CLEAR_RECENT = 'delete from measurements_recent';
const CLEAR_RECENT_STREAMS = 'delete from recent_streams';
/**
 * Rows the hot path appends before they are moved: one move a second or two at full speed, about
 * 50 ms of the writer's time, each leaf page of the ordered table written once per move instead of
 * once per batch (`npm run bench sqlite-measurement-layout`).
 */
export const MOVE_RECENT_ROWS = 60_000;

/** The hot path's statements on one connection (sqliteMeasurementWriter). */
export interface SqliteMeasurementWriter {
  /** MeasurementStore.insert's body, inside the caller's IMMEDIATE transaction: one flag per row, 1 if inserted now. */
  insert(rows: readonly Measurement[]): Uint8Array;
  /** Whether MOVE_RECENT_ROWS rows went in since the last move (true before the first: the table may hold a previous run's). */
  readonly moveDue: boolean;
  /**
   * Moves every recent row into the ordered table, inside the caller's IMMEDIATE transaction, its
   * 1-minute rollups (and 1-hour and 1-day ones for rows before the fold mark) merged into the
   * stored ones; answers how many.
   */
  moveRecent(): number;
}
export const READ_FOLD_MARK = 'select folded_until from rollup_folds where id = 1';

/**
 * The hot path's inserts on SQLite, to run inside one IMMEDIATE transaction (the caller's): the
 * rows into `measurements_recent` ROWS_PER_INSERT to a statement (a lot with a row stored before
 * goes again one row at a time; a lot newer than every moved row of its datastreams is not looked
 * up in the ordered table), `changes` telling which rows were new. And the move of the
 * recent rows, which the caller runs in a transaction of its own when due (or when a reader of
 * rollups asks for it: measurement-store.sqlite.ts): their rollups then, 1-minute buckets, and
 * 1-hour and 1-day ones for rows before the fold mark, read in the same transaction (as
 * rollups.ts rollupsToUpsert). Each rollup is upserted once per move, in key order, where it was
 * once per batch. Shared by the store (`:memory:`) and the writer thread
 * (db/sqlite-writer-thread.ts), so both paths run the same statements.
 */
export function sqliteMeasurementWriter(sqlite: BetterSqlite3.Database): SqliteMeasurementWriter {
  const insertRow = sqlite.prepare<[number, number, number]>(INSERT_MEASUREMENT);
  const insertRows = sqlite.prepare(insertMeasurementsSql(ROWS_PER_INSERT));
  const insertNewerRows = sqlite.prepare(insertNewerMeasurementsSql(ROWS_PER_INSERT));
  const newestFolded = sqlite.prepare<[number], number | null>(NEWEST_FOLDED).pluck();
  const dataVersion = sqlite.prepare<[], number>('pragma data_version').pluck();
  const known = newestFoldedOf(sqlite);
  const newerThanFolded = (r: Measurement): boolean => {
    let until = known.times.get(r.datastreamId);
    if (until === undefined) {
      until = newestFolded.get(r.datastreamId) ?? Number.NEGATIVE_INFINITY;
      known.times.set(r.datastreamId, until);
    }
    return r.time > until;
  };
  const params: number[] = new Array(ROWS_PER_INSERT * 3);
  // A savepoint (a nested transaction): rolled back when a row of the lot was stored already, so
  // that the lot goes again row by row and tells which rows are new.
  const insertLot = sqlite.transaction((rows: readonly Measurement[], from: number) => {
    let newer = true;
    for (let i = 0, j = 0; i < ROWS_PER_INSERT; i++) {
      const r = rows[from + i] as Measurement;
      params[j++] = r.datastreamId;
      params[j++] = r.time;
      params[j++] = r.value;
      if (newer) newer = newerThanFolded(r);
    }
    if ((newer ? insertNewerRows : insertRows).run(params).changes !== ROWS_PER_INSERT) throw STORED_BEFORE;
  });
  const readMark = sqlite.prepare<[], number>(READ_FOLD_MARK).pluck();
  const minuteRollups = sqlite.prepare<[number]>(moveRollupsSql(MINUTE));
  const lateRollups = FOLDED_SIZES.map((size) => sqlite.prepare<[number]>(moveRollupsSql(size)));
  const move = sqlite.prepare(MOVE_RECENT);
  const clear = sqlite.prepare(CLEAR_RECENT);
  const clearStreams = sqlite.prepare(CLEAR_RECENT_STREAMS);
  let sinceMove = MOVE_RECENT_ROWS;
  const insertOne = (r: Measurement): number => insertRow.run(r.datastreamId, r.time, r.value).changes;
  return {
    get moveDue() {
      return sinceMove >= MOVE_RECENT_ROWS;
    },
    moveRecent() {
      minuteRollups.run(NO_FOLD_MARK);
      const mark = readMark.get() ?? NO_FOLD_MARK;
      if (mark < NO_FOLD_MARK) for (const late of lateRollups) late.run(mark);
      move.run();
      const moved = clear.run().changes;
      clearStreams.run();
      known.times.clear();
      sinceMove = 0;
      return moved;
    },
    insert(rows) {
      // Inside the caller's IMMEDIATE transaction: no other connection commits until it ends.
      const version = dataVersion.get() as number;
      if (version !== known.version) known.times.clear();
      known.version = version;
      const fresh = new Uint8Array(rows.length);
      let i = 0;
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        try {
          insertLot(rows, i);
          fresh.fill(1, i, i + ROWS_PER_INSERT);
        } catch (err) {
          if (err !== STORED_BEFORE) throw err;
          for (let k = i; k < i + ROWS_PER_INSERT; k++) fresh[k] = insertOne(rows[k] as Measurement);
        }
      }
      for (; i < rows.length; i++) fresh[i] = insertOne(rows[i] as Measurement);
      for (const f of fresh) sinceMove += f;
      return fresh;
    },
  };
}

/**
 * Per connection, per datastream, the newest time in the ordered table (or -Infinity): read at a
 * datastream's first row, forgotten when rows move there, from this connection (moveRecent, by
 * any writer on it) or, as SQLite's data_version tells, from another one.
 */
interface NewestFolded {
  times: Map<number, number>;
  /** The connection's data_version when `times` was last checked. */
  version: number;
}
const newestFoldedByConnection = new WeakMap<BetterSqlite3.Database, NewestFolded>();
function newestFoldedOf(sqlite: BetterSqlite3.Database): NewestFolded {
  let known = newestFoldedByConnection.get(sqlite);
  if (!known) {
    known = { times: new Map(), version: -1 };
    newestFoldedByConnection.set(sqlite, known);
  }
  return known;
}

/** Thrown inside a lot's savepoint to roll it back (sqliteMeasurementWriter). */
const STORED_BEFORE = new Error('a row of the lot was stored before');

/** A batch as (datastream, time, value) triples: one buffer to transfer to the writer thread. */
export function packMeasurements(rows: readonly Measurement[]): Float64Array {
  const out = new Float64Array(rows.length * 3);
  let j = 0;
  for (const r of rows) {
    out[j++] = r.datastreamId;
    out[j++] = r.time;
    out[j++] = r.value;
  }
  return out;
}

export function unpackMeasurements(triples: Float64Array): Measurement[] {
  const rows: Measurement[] = new Array(triples.length / 3);
  for (let i = 0, j = 0; j < triples.length; i++, j += 3) {
    rows[i] = { datastreamId: triples[j] as number, time: triples[j + 1] as number, value: triples[j + 2] as number };
  }
  return rows;
}
