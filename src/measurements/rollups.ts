import { type Aggregate, type Measurement, ROLLUP_SIZES, type Rollup, type RollupSize } from './measurements.js';

/** Start of the bucket of width `widthMs` holding `time` (times are ≥ 0, so % is a floor). */
export const bucketStart = (time: number, widthMs: number): number => time - (time % widthMs);

export const aggregateOf = (time: number, value: number): Aggregate => ({
  count: 1,
  sum: value,
  min: value,
  max: value,
  firstTime: time,
  firstValue: value,
  lastTime: time,
  lastValue: value,
});

/**
 * Folds `b` into `a`. first/last go by time, not by arrival, so late data lands where it
 * belongs; the SQL upserts (measurement-store.*.ts) apply the same rule.
 */
export function mergeInto(a: Aggregate, b: Aggregate): void {
  a.count += b.count;
  a.sum += b.sum;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
  if (b.firstTime < a.firstTime) {
    a.firstTime = b.firstTime;
    a.firstValue = b.firstValue;
  }
  if (b.lastTime > a.lastTime) {
    a.lastTime = b.lastTime;
    a.lastValue = b.lastValue;
  }
}

function addValue(a: Aggregate, time: number, value: number): void {
  a.count += 1;
  a.sum += value;
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
  if (time < a.firstTime) {
    a.firstTime = time;
    a.firstValue = value;
  }
  if (time > a.lastTime) {
    a.lastTime = time;
    a.lastValue = value;
  }
}

/**
 * The rollups of a batch: one per (datastream, size, bucket) it touches, so the store upserts
 * each bucket once per batch. Batches usually arrive ordered by datastream and time, so the
 * bucket of the previous row is tried before the map (most rows never hash a key).
 */
export function rollupsOf(rows: readonly Measurement[], sizes: readonly RollupSize[] = ROLLUP_SIZES): Rollup[] {
  const out: Rollup[] = [];
  for (const size of sizes) rollupsOfSize(rows, size, out);
  return out;
}

/** The finest rollup size: the only one the hot path upserts for values after the fold mark. */
export const MINUTE: RollupSize = 60;
/** Sizes folded from the finer ones (by `foldedRollups`), never upserted for recent values. */
export const FOLDED_SIZES: readonly RollupSize[] = ROLLUP_SIZES.filter((s) => s !== MINUTE);
const HOUR_MS = 3_600_000;

/** The fold mark is always an hour boundary (so every 1-day bucket is whole hours). */
export const foldMarkAt = (time: number): number => bucketStart(time, HOUR_MS);

/**
 * The rollups an insert upserts for the rows it stored: the 1-minute bucket of each row, and
 * 1-hour and 1-day buckets only for rows before `foldedUntil` (late data, whose coarser buckets
 * have been folded already); the scheduler folds every later minute into hours and days.
 */
export function rollupsToUpsert(inserted: readonly Measurement[], foldedUntil: number): Rollup[] {
  const out = rollupsOf(inserted, [MINUTE]);
  const late = inserted.filter((r) => r.time < foldedUntil);
  if (late.length > 0) for (const size of FOLDED_SIZES) rollupsOfSize(late, size, out);
  return out;
}

/**
 * Finer rollups (any mix of datastreams and sizes) folded into buckets of `size`: one per
 * (datastream, bucket), ordered by datastream then bucket.
 */
export function foldedRollups(rows: readonly Rollup[], size: RollupSize): Rollup[] {
  const width = size * 1000;
  const seen = new Map<string, Rollup>();
  const out: Rollup[] = [];
  for (const r of rows) {
    const bucket = bucketStart(r.bucket, width);
    const key = `${r.datastreamId}:${bucket}`;
    const into = seen.get(key);
    if (into) {
      mergeInto(into, r);
      continue;
    }
    const fresh: Rollup = {
      datastreamId: r.datastreamId,
      size,
      bucket,
      count: r.count,
      sum: r.sum,
      min: r.min,
      max: r.max,
      firstTime: r.firstTime,
      firstValue: r.firstValue,
      lastTime: r.lastTime,
      lastValue: r.lastValue,
    };
    seen.set(key, fresh);
    out.push(fresh);
  }
  return out.sort((a, b) => a.datastreamId - b.datastreamId || a.bucket - b.bucket);
}

/** Buckets a (datastream, bucket) number key can tell apart: 2^26 minutes reach the year 2097. */
const SLOTS = 2 ** 26;
/** Datastream ids below this make number keys under 2^53; larger ones get a string key. */
const NUMBER_KEYED_IDS = 2 ** 27;

function rollupsOfSize(rows: readonly Measurement[], size: RollupSize, out: Rollup[]): void {
  const width = size * 1000;
  // Keyed by a number where one is exact (no string made per bucket); both kinds never collide.
  const seen = new Map<number | string, Rollup>();
  let current: Rollup | undefined;
  for (const r of rows) {
    const { datastreamId, time, value } = r;
    const bucket = bucketStart(time, width);
    if (current !== undefined && current.datastreamId === datastreamId && current.bucket === bucket) {
      addValue(current, time, value);
      continue;
    }
    const slot = bucket / width;
    const key = datastreamId < NUMBER_KEYED_IDS && slot < SLOTS ? datastreamId * SLOTS + slot : `${datastreamId}:${bucket}`;
    current = seen.get(key);
    if (current !== undefined) {
      addValue(current, time, value);
      continue;
    }
    current = {
      datastreamId,
      size,
      bucket,
      count: 1,
      sum: value,
      min: value,
      max: value,
      firstTime: time,
      firstValue: value,
      lastTime: time,
      lastValue: value,
    };
    seen.set(key, current);
    out.push(current);
  }
}
