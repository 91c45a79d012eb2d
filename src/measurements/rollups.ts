import { type Measurement, ROLLUP_SIZES, type Rollup, type RollupSize } from './measurements.js';

/** What a bucket knows about its values; rollups, re-aggregated buckets and raw folds share it. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  firstTime: number;
  firstValue: number;
  lastTime: number;
  lastValue: number;
}

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
export function rollupsOf(rows: readonly Measurement[]): Rollup[] {
  const out: Rollup[] = [];
  for (const size of ROLLUP_SIZES) rollupsOfSize(rows, size, out);
  return out;
}

function rollupsOfSize(rows: readonly Measurement[], size: RollupSize, out: Rollup[]): void {
  const width = size * 1000;
  const seen = new Map<string, Rollup>();
  let current: Rollup | undefined;
  for (const r of rows) {
    const bucket = bucketStart(r.time, width);
    if (current !== undefined && current.datastreamId === r.datastreamId && current.bucket === bucket) {
      addValue(current, r.time, r.value);
      continue;
    }
    const key = `${r.datastreamId}:${bucket}`;
    current = seen.get(key);
    if (current !== undefined) {
      addValue(current, r.time, r.value);
      continue;
    }
    current = { datastreamId: r.datastreamId, size, bucket, ...aggregateOf(r.time, r.value) };
    seen.set(key, current);
    out.push(current);
  }
}
