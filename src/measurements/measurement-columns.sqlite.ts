import type BetterSqlite3 from 'better-sqlite3';
import type { Columns, Order, Range } from './measurements.js';

type Pluck = BetterSqlite3.Statement<[number, number, number, number, number]>;
type PluckValues = BetterSqlite3.Statement<[number, number, number, number]>;

/**
 * Large reads of one range as two plucked columns (one statement for the times, one for the
 * values, in one read transaction so both see the same rows). better-sqlite3 costs about 0.1 µs
 * per row and per number it creates, and a row object or array costs several times that
 * (measured on 86,400 rows: objects 53 ms, row arrays 62 ms, two plucked columns 19 ms).
 * Times are read as offsets from the range's start: offsets below 2^31 ms (24 days) are small
 * integers, which V8 creates without allocating; the start is added back in JavaScript.
 */
export function sqliteColumnReader(sqlite: BetterSqlite3.Database): (range: Range, order: Order, limit: number) => Columns {
  // The two tables under the `measurements` view (migration 20261204-1430-measurements-recent),
  // each read alone: through the view, an expression such as `time - ?` makes SQLite sort the
  // union instead of merging two index ranges. The recent rows are merged in here.
  // The recent table is in time order: its guard (a constant, tested once) keeps an idle
  // datastream from scanning it (migration 20261205-0900-recent-by-time).
  const guards: Record<string, string> = {
    measurements_folded: '',
    measurements_recent: ' and exists (select 1 from recent_streams s where s.datastream_id = measurements_recent.datastream_id)',
  };
  const prepare = (table: string, order: Order) => {
    const where = `from ${table} where datastream_id = ? and time >= ? and time < ?${guards[table]}`;
    return {
      times: sqlite.prepare(`select time - ? ${where} order by time ${order} limit ?`).pluck() as Pluck,
      values: sqlite.prepare(`select value ${where} order by time ${order} limit ?`).pluck() as PluckValues,
    };
  };
  const tables = ['measurements_folded', 'measurements_recent'].map((t) => ({
    asc: prepare(t, 'asc'),
    desc: prepare(t, 'desc'),
  }));
  const read = sqlite.transaction((range: Range, order: Order, limit: number): Columns => {
    const { datastreamId: id, from, to } = range;
    const [folded, recent] = tables.map((st) => ({
      times: st[order].times.all(from, id, from, to, limit) as number[],
      values: st[order].values.all(id, from, to, limit) as number[],
    })) as [Columns, Columns];
    const out = recent.times.length === 0 ? folded : merged(folded, recent, order, limit);
    const times = out.times as number[];
    if (from !== 0) for (let i = 0; i < times.length; i++) times[i] = (times[i] as number) + from;
    return out;
  });
  return (range, order, limit) => (range.from < range.to && limit > 0 ? read(range, order, limit) : { times: [], values: [] });
}

/** Two columns pairs each in `order` (no time in both), merged, the first `limit`. */
function merged(a: Columns, b: Columns, order: Order, limit: number): Columns {
  const sign = order === 'asc' ? 1 : -1;
  const n = Math.min(limit, a.times.length + b.times.length);
  const times: number[] = new Array(n);
  const values: number[] = new Array(n);
  for (let i = 0, j = 0, k = 0; k < n; k++) {
    const fromA = j >= b.times.length || (i < a.times.length && sign * ((a.times[i] as number) - (b.times[j] as number)) < 0);
    if (fromA) {
      times[k] = a.times[i] as number;
      values[k] = a.values[i++] as number;
    } else {
      times[k] = b.times[j] as number;
      values[k] = b.values[j++] as number;
    }
  }
  return { times, values };
}
