import { invalid } from '../shared/errors.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest, toPage } from '../shared/page.js';
import { aggValue, INTERVALS, type ResolvedQuery, rollupSizeFor } from './measurement-query.js';
import type { Aggregate, Measurement, MeasurementStore, Range, RollupSize, Row, Series } from './measurements.js';
import { aggregateOf, bucketStart, mergeInto } from './rollups.js';

/**
 * Paging over measurements. Rows come ordered by datastream (ascending) and then time (in the
 * query's order); the cursor is the last row's (datastream, time), so a page starts exactly
 * after the previous one, with no gap or repeat even while new rows arrive.
 */

const DAY_MS = 86_400_000;
/** Rows read per statement when folding raw rows into buckets. */
const RAW_CHUNK = 10_000;
/** A page over several datastreams reads them in groups growing 1, 4, 16, 64 per statement. */
const MAX_GROUP = 64;

function cursorOf(cursor: string | undefined): [number, number] | undefined {
  if (!cursor) return undefined;
  const key = decodeCursor(cursor);
  const [ds, time] = key;
  if (key.length !== 2 || !Number.isSafeInteger(ds) || !Number.isSafeInteger(time)) {
    throw invalid('cursor', 'cursor does not belong to a measurements query');
  }
  return [ds as number, time as number];
}

/**
 * The ranges still to read: datastreams from the cursor's on, the cursor's own datastream
 * resumed after its row. `step` is the distance to the next key (1 ms for rows, one interval
 * for buckets).
 */
function rangesAfter(q: ResolvedQuery, from: number, to: number, cursor: string | undefined, step: number): Range[] {
  const after = cursorOf(cursor);
  const ranges: Range[] = [];
  for (const s of q.streams) {
    if (after && s.id < after[0]) continue;
    const r = { datastreamId: s.id, from, to };
    if (after && s.id === after[0]) {
      if (q.order === 'asc') r.from = Math.max(from, after[1] + step);
      else r.to = Math.min(to, after[1]);
    }
    ranges.push(r);
  }
  return ranges;
}

const keyOf = (r: Row) => [r.datastreamId, r.time];

/**
 * Rows of the ranges, datastreams ascending: numbers from the hot table, the datastreams of
 * other kinds from `measurement_values` (a query rarely mixes both; then the two sorted lists merge).
 */
async function readRows(store: MeasurementStore, q: ResolvedQuery, ranges: Range[], limit: number): Promise<Row[]> {
  const numeric = new Set(q.streams.filter((s) => s.valueKind === 'number').map((s) => s.id));
  const numbers = ranges.filter((r) => numeric.has(r.datastreamId));
  const others = ranges.filter((r) => !numeric.has(r.datastreamId));
  if (others.length === 0) return store.readRaw(numbers, q.order, limit);
  const values = await store.readValues(others, q.order, limit);
  if (numbers.length === 0) return values;
  const merged: Row[] = [...(await store.readRaw(numbers, q.order, limit)), ...values];
  // Stable: each datastream's rows keep their time order.
  merged.sort((a, b) => a.datastreamId - b.datastreamId);
  return merged.slice(0, limit);
}

/** A page whose rows are grouped by datastream, as columns (what the HTTP answers are written from). */
export interface SeriesPage {
  series: Series[];
  next: string | null;
  total?: number | undefined;
}

/**
 * A page of raw rows as series. Most pages need one statement: the first datastream is read
 * as columns (no object per row); the sparse ones after it are read in growing groups.
 */
export async function rawSeriesPage(store: MeasurementStore, q: ResolvedQuery, page: PageRequest): Promise<SeriesPage> {
  const remaining = rangesAfter(q, q.start, q.end, page.cursor, 1);
  const numeric = new Set(q.streams.filter((s) => s.valueKind === 'number').map((s) => s.id));
  const want = page.limit + 1;
  const series: Series[] = [];
  let n = 0;
  for (let group = 1; n < want && remaining.length > 0; group = Math.min(group * 4, MAX_GROUP)) {
    const part = remaining.splice(0, group);
    const first = part[0] as Range;
    if (part.length === 1 && numeric.has(first.datastreamId)) {
      const { times, values } = await store.readColumns(first, q.order, want - n);
      if (times.length > 0) series.push({ datastreamId: first.datastreamId, times, values });
      n += times.length;
    } else {
      const rows = await readRows(store, q, part, want - n);
      appendRows(series, rows);
      n += rows.length;
    }
  }
  const result = seriesPage(series, n, page.limit);
  if (page.count) {
    result.total = await store.countRaw(q.streams.map((s) => ({ datastreamId: s.id, from: q.start, to: q.end })));
  }
  return result;
}

/** A page of raw rows. */
export async function rawPage(store: MeasurementStore, q: ResolvedQuery, page: PageRequest): Promise<Page<Row>> {
  const { series, ...rest } = await rawSeriesPage(store, q, page);
  return { items: rowsOf(series), ...rest };
}

/** Rows (ordered by datastream) appended to series: consecutive rows of a datastream share one. */
export function appendRows(series: Series[], rows: readonly Row[]): void {
  let s = series[series.length - 1];
  for (const r of rows) {
    if (s?.datastreamId !== r.datastreamId) {
      s = { datastreamId: r.datastreamId, times: [], values: [] };
      series.push(s);
    }
    s.times.push(r.time);
    s.values.push(r.value);
  }
}

/** The series of a page of rows. */
export function seriesOf(rows: readonly Row[]): Series[] {
  const series: Series[] = [];
  appendRows(series, rows);
  return series;
}

/** The rows of series, in order. */
export function rowsOf(series: readonly Series[]): Row[] {
  const rows: Row[] = [];
  for (const { datastreamId, times, values } of series) {
    for (let i = 0; i < times.length; i++) rows.push({ datastreamId, time: times[i], value: values[i] } as Row);
  }
  return rows;
}

/**
 * `n` fetched rows (at most `limit + 1`) as a page, as toPage does for rows: the extra row only
 * tells that more exist, and the cursor is the last kept row's (datastream, time).
 */
function seriesPage(series: Series[], n: number, limit: number): SeriesPage {
  if (n <= limit) return { series, next: null };
  const last = series[series.length - 1] as Series;
  last.times.length -= 1;
  last.values.length -= 1;
  if (last.times.length === 0) series.pop();
  const kept = series[series.length - 1];
  const time = kept?.times[kept.times.length - 1];
  return {
    series,
    next: kept && time !== undefined ? encodeCursor(keyOf({ datastreamId: kept.datastreamId, time, value: 0 })) : null,
  };
}

export interface AggregationSettings {
  now: number;
  /** Days rollups of each size are kept; 0 keeps them forever. */
  rollupRetentionDays: Record<RollupSize, number>;
  /** Rows read per statement (tests make it small to exercise the continuation). */
  chunk?: number;
}

interface Segment {
  source: 'raw' | 'rollups';
  from: number;
  to: number;
}

/**
 * A page of buckets `[t, t + interval)` aligned to the epoch, each whole (the range is widened
 * to bucket boundaries). Buckets come from rollups of the largest size dividing the interval
 * (5 and 15 minutes fold 1-minute rollups); where rollups of that size have been deleted by
 * their retention, raw rows are folded instead. Rows arrive ordered, so a bucket is complete
 * as soon as a row of the next one shows up: reading stops once the page is full.
 */
export async function aggregatedPage(
  store: MeasurementStore,
  q: ResolvedQuery,
  page: PageRequest,
  settings: AggregationSettings,
): Promise<Page<Measurement>> {
  const interval = q.interval;
  if (!interval) throw new Error('aggregatedPage needs an interval');
  const width = INTERVALS[interval] * 1000;
  const size = rollupSizeFor(INTERVALS[interval]);
  const perBucket = width / (size * 1000);
  const from = bucketStart(q.start, width);
  const to = q.end >= Number.MAX_SAFE_INTEGER - width ? Number.MAX_SAFE_INTEGER : Math.ceil(q.end / width) * width;
  const days = settings.rollupRetentionDays[size];
  // Rollups from `cut` on are intact (retention deletes whole buckets before its own, older, cut-off).
  const cut = days > 0 ? Math.ceil((settings.now - days * DAY_MS) / width) * width : 0;
  const want = page.limit + 1;
  const out: Measurement[] = [];
  const chunkSize = settings.chunk ?? RAW_CHUNK;
  // Text, booleans and JSON have no rollups: aggregates are over numbers only.
  const numeric = new Set(q.streams.filter((s) => s.valueKind === 'number').map((s) => s.id));

  for (const range of rangesAfter(q, from, to, page.cursor, width)) {
    const id = range.datastreamId;
    if (!numeric.has(id)) continue;
    // The bucket being folded; it is complete once a row of another bucket arrives.
    const state: { open?: { bucket: number; agg: Aggregate } | undefined } = {};
    const flush = () => {
      if (state.open) out.push({ datastreamId: id, time: state.open.bucket, value: aggValue(q.agg, state.open.agg) });
      state.open = undefined;
    };
    const feed = (time: number, a: Aggregate) => {
      const bucket = bucketStart(time, width);
      if (state.open?.bucket === bucket) return mergeInto(state.open.agg, a);
      flush();
      state.open = { bucket, agg: { ...a } };
    };
    const segments: Segment[] = [
      { source: 'raw', from: range.from, to: Math.min(range.to, cut) },
      { source: 'rollups', from: Math.max(range.from, cut), to: range.to },
    ];
    if (q.order === 'desc') segments.reverse();
    for (const seg of segments) {
      let { from: lo, to: hi } = seg;
      while (lo < hi && out.length < want) {
        let last: number | undefined;
        let full: boolean;
        if (seg.source === 'rollups' && perBucket === 1) {
          // Each rollup is a whole bucket: its value is computed in SQL and read as a row.
          flush();
          const chunk = Math.min(chunkSize, want - out.length);
          const rows = await store.readRollupValues({ datastreamId: id, from: lo, to: hi }, size, q.agg, q.order, chunk);
          for (const r of rows) out.push(r);
          last = rows[rows.length - 1]?.time;
          full = rows.length === chunk;
        } else if (seg.source === 'rollups') {
          const chunk = Math.min(chunkSize, (want - out.length + 1) * perBucket);
          const rows = await store.readRollups({ datastreamId: id, from: lo, to: hi }, size, q.order, chunk);
          for (const r of rows) feed(r.bucket, r);
          last = rows[rows.length - 1]?.bucket;
          full = rows.length === chunk;
        } else {
          const rows = await store.readRaw([{ datastreamId: id, from: lo, to: hi }], q.order, chunkSize);
          for (const r of rows) feed(r.time, aggregateOf(r.time, r.value));
          last = rows[rows.length - 1]?.time;
          full = rows.length === chunkSize;
        }
        if (!full || last === undefined) break;
        if (q.order === 'asc') lo = last + 1;
        else hi = last;
      }
    }
    if (out.length < want) flush();
    if (out.length >= want) break;
  }
  return toPage(out, page.limit, keyOf, (r) => r);
}
