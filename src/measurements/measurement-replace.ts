/**
 * `MeasurementStore.replace`, what both dialects share: the rows checked, and the SQL that
 * deletes a range and rebuilds the rollup buckets it touches from the raw rows (written with
 * `?` placeholders; PostgreSQL numbers them, `numbered`). Apart from the insert path on purpose:
 * replacing is rare (derived series recomputed), inserting is the hot path.
 */
import { type Measurement, ROLLUP_SIZES, type RollupSize } from './measurements.js';

/**
 * Deletes the raw rows of one datastream in [from, to) from `table` (SQLite names each table under
 * its `measurements` view). Params: datastream, from, to.
 */
export const deleteRange = (table = 'measurements') => `delete from ${table} where datastream_id = ? and time >= ? and time < ?`;

/** `?` → `$1`, `$2` … (PostgreSQL). */
export const numbered = (text: string): string => {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
};

/** Deletes the rollups of one size whose bucket starts in [from, to). Params: datastream, size, from, to. */
const DELETE_ROLLUPS = 'delete from rollups where datastream_id = ? and size = ? and bucket >= ? and bucket < ?';

/**
 * Rebuilds the rollups of one size from the raw rows of `table` in [from, to) (bucket-aligned),
 * one per bucket holding rows; first/last values read back by the primary key. Params: size,
 * width ms, datastream, from, to.
 */
const rebuildRollups = (table: string) => `insert into rollups
  (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)
  select g.ds, cast(? as integer), g.bucket, g.n, g.s, g.mn, g.mx, g.ft,
    (select f.value from ${table} f where f.datastream_id = g.ds and f.time = g.ft),
    g.lt,
    (select l.value from ${table} l where l.datastream_id = g.ds and l.time = g.lt)
  from (select ds, bucket, count(*) as n, sum(value) as s, min(value) as mn, max(value) as mx,
      min(time) as ft, max(time) as lt
    from (select datastream_id as ds, time - time % cast(? as bigint) as bucket, time, value from ${table}
      where datastream_id = ? and time >= ? and time < ?) r
    group by ds, bucket) g`;

/**
 * The rebuild's two statements in each dialect's placeholders, from the raw rows its stored rollups
 * count: on SQLite those moved out of the recent table (measurement-writer.sqlite.ts moveRecent
 * upserts their rollups; a recent row of the bucket counts when it moves).
 */
const REBUILD = {
  sqlite: { remove: DELETE_ROLLUPS, rebuild: rebuildRollups('measurements_folded') },
  postgres: { remove: numbered(DELETE_ROLLUPS), rebuild: numbered(rebuildRollups('measurements')) },
};

/**
 * What rebuilds a datastream's rollups over [from, to) in the caller's transaction (after a replace,
 * a SensorThings edit or delete): for each size, in the lock order, its buckets over the range
 * deleted, then rebuilt from the raw rows. Statement text and parameters, in the dialect's placeholders.
 */
export function rollupRebuild(
  dialect: 'sqlite' | 'postgres',
  datastreamId: number,
  from: number,
  to: number,
): [string, number[]][] {
  const { remove, rebuild } = REBUILD[dialect];
  return rollupRanges(from, to).flatMap((b): [string, number[]][] => [
    [remove, [datastreamId, b.size, b.from, b.to]],
    [rebuild, [b.size, b.width, datastreamId, b.from, b.to]],
  ]);
}

/** The bucket range of one rollup size covering [from, to): from its bucket start to the next bucket start at or after `to`. */
export function bucketRange(size: RollupSize, from: number, to: number): { from: number; to: number; width: number } {
  const width = size * 1000;
  const end = to % width === 0 ? to : to - (to % width) + width;
  return { from: from - (from % width), to: Math.min(end, Number.MAX_SAFE_INTEGER), width };
}

/** Each rollup size with its bucket range, in the order the statements run (the lock order). */
export const rollupRanges = (from: number, to: number) => ROLLUP_SIZES.map((size) => ({ size, ...bucketRange(size, from, to) }));

/**
 * The rows a replace stores: all of `datastreamId`, in [from, to), finite; one per time (the
 * last given wins), by time. Anything else is a caller's mistake (RangeError).
 */
export function replacementRows(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Measurement[] {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to))
    throw new RangeError(`replace: bad range [${from}, ${to})`);
  const byTime = new Map<number, Measurement>();
  for (const r of rows) {
    if (r.datastreamId !== datastreamId)
      throw new RangeError(`replace: a row of datastream ${r.datastreamId}, not ${datastreamId}`);
    if (!(r.time >= from && r.time < to)) throw new RangeError(`replace: row time ${r.time} outside [${from}, ${to})`);
    if (!Number.isFinite(r.value)) throw new RangeError(`replace: value ${r.value} is not a finite number`);
    byTime.set(r.time, r);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
