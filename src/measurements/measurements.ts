/** Measurements, rollups and their storage port: the measurements domain's types. */
import type { NonNumericValue, ValueKind } from '../shared/values.js';

/** One stored value: the hot table's row. `time` is Unix milliseconds. */
export interface Measurement {
  datastreamId: number;
  time: number;
  value: number;
}

/** A stored non-numeric value (text, boolean, JSON): a row of `measurement_values`. */
export interface ValueRow {
  datastreamId: number;
  time: number;
  value: NonNumericValue;
}

/** What a read answers: numbers, or the values of datastreams of another kind. */
export type Row = Measurement | ValueRow;

/** Aggregates a read may ask of a bucket (query parsing: measurement-query.ts). */
export const AGGS = ['avg', 'min', 'max', 'sum', 'count', 'first', 'last'] as const;
export type Agg = (typeof AGGS)[number];

/** Rows of one range as two columns: `times[i]` (Unix ms) goes with `values[i]`. */
export interface Columns<V = number> {
  times: number[];
  values: V[];
}

/** Consecutive rows of one datastream as columns (a page holds one per datastream it reaches). */
export interface Series extends Columns<Row['value']> {
  datastreamId: number;
}

/** Rollup bucket widths, in seconds: 1 minute, 1 hour, 1 day (UTC). */
export const ROLLUP_SIZES = [60, 3600, 86400] as const;
export type RollupSize = (typeof ROLLUP_SIZES)[number];

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

/** The aggregate of one datastream over one bucket `[bucket, bucket + size s)`. */
export interface Rollup extends Aggregate {
  datastreamId: number;
  size: RollupSize;
  /** Start of the bucket, Unix ms. */
  bucket: number;
}

/** A datastream as the measurements domain sees it (the registry owns the table). */
export interface DatastreamRef {
  id: number;
  orgId: string;
  deviceId: string;
  sensorId: string;
  observedProperty: string;
  unit: string;
  /** number: rows in `measurements` (and rollups); any other kind: rows in `measurement_values`. */
  valueKind: ValueKind;
}

/** How an export names a datastream beside its id: codes and names people read. */
export interface StreamLabels {
  /** The device's code. */
  device: string;
  /** The sensor's code. */
  sensor: string;
  observedProperty: string;
  unit: string;
}

/** Which datastreams of an organisation a query is about; every given field must match. */
export interface DatastreamFilter {
  ids?: number[] | undefined;
  deviceId?: string | undefined;
  sensorId?: string | undefined;
  observedProperty?: string | undefined;
}

export type Order = 'asc' | 'desc';

/** The rows of one datastream with `from <= time < to`. */
export interface Range {
  datastreamId: number;
  from: number;
  to: number;
}

/** Raw rows that fall under one retention class (the same number of days). */
export interface RetentionClass {
  archiveDays: number;
  datastreams: number;
}

/** A PostgreSQL time partition of the measurements table: rows with `from <= time < to`. */
export interface Partition {
  name: string;
  from: number;
  to: number;
}

/** A batch's pipeline traces as rows of the traces table (made by pipelines/traces.store.sqlite.ts). */
export type TraceRows = readonly (readonly (string | number | null)[])[];

/**
 * The measurements domain's storage port. Implementations: SQLite (measurement-store.sqlite.ts)
 * and PostgreSQL (measurement-store.postgres.ts); one contract suite checks both.
 */
export interface MeasurementStore {
  /**
   * Stores a batch in one transaction and answers the rows inserted now: a (datastream, time)
   * stored before, or twice in the batch, is skipped (redelivery is a no-op). Rollups are
   * updated in the same transaction from the inserted rows only: 1-minute buckets, and 1-hour
   * and 1-day ones for rows before the fold mark (see `foldRollups`).
   */
  insert(rows: readonly Measurement[]): Promise<Measurement[]>;
  /**
   * `insert`, with a batch's pipeline traces upserted in the same transaction: one commit (and
   * one sync) makes both durable, and a failed one stores neither. Only where the store writes
   * the traces table itself (SQLite); absent elsewhere.
   */
  insertWithTraces?(rows: readonly Measurement[], traces: TraceRows): Promise<Measurement[]>;
  /** Stores non-numeric values, as `insert` does numbers (no rollups); answers the rows new now. */
  insertValues(rows: readonly ValueRow[]): Promise<ValueRow[]>;

  /**
   * Raw rows of the given ranges (datastreams ascending, each range's rows by time in
   * `order`): at most `limitEach` rows of each range and `limit` rows in all. One query
   * whatever the number of ranges (each range is an index range scan).
   */
  readRaw(ranges: readonly Range[], order: Order, limit: number, limitEach?: number): Promise<Measurement[]>;
  /**
   * The numbers of one range as columns, by time in `order`, at most `limit`: the large-page
   * read, which builds no object per row (the drivers hand over plain arrays of numbers).
   */
  readColumns(range: Range, order: Order, limit: number): Promise<Columns>;
  /** As readRaw, over the non-numeric values of the ranges' datastreams. */
  readValues(ranges: readonly Range[], order: Order, limit: number, limitEach?: number): Promise<ValueRow[]>;
  /**
   * Rollups of one size whose bucket starts in the range, by bucket in `order`. 1-hour and 1-day
   * buckets after the fold mark (`foldRollups`) are folded from the finer rollups on read.
   */
  readRollups(range: Range, size: RollupSize, order: Order, limit: number): Promise<Rollup[]>;
  /**
   * One row per rollup of the range (time = bucket start) whose value is the rollup's `agg`
   * (avg = sum / count), by bucket in `order`: buckets of exactly the rollup size need no folding.
   */
  readRollupValues(range: Range, size: RollupSize, agg: Agg, order: Order, limit: number): Promise<Measurement[]>;
  /**
   * Folds the 1-minute rollups before `until` (rounded down to an hour) into 1-hour and 1-day
   * rollups, in one short transaction per hour that holds data, and moves the fold mark there
   * (it never moves back). Inserts upsert only 1-minute rollups for values from the mark on.
   * Answers the fold mark after the call.
   */
  foldRollups(until: number): Promise<number>;
  /** How many raw rows (numbers and other values) the ranges hold. */
  countRaw(ranges: readonly Range[]): Promise<number>;

  /** The organisation's datastreams matching the filter, ascending by id. */
  findDatastreams(orgId: string, filter: DatastreamFilter): Promise<DatastreamRef[]>;
  /** Device and sensor codes, property and unit of these datastreams of the organisation (one query). */
  labelsOf(orgId: string, ids: readonly number[]): Promise<Map<number, StreamLabels>>;
  /** A device of the organisation by id or code. */
  findDeviceId(orgId: string, idOrCode: string): Promise<string | undefined>;
  /** A sensor of the organisation by id. */
  findSensorId(orgId: string, id: string): Promise<string | undefined>;

  /** Datastreams grouped by their raw retention: sensor's days, else organisation's, else 30. */
  retentionClasses(): Promise<RetentionClass[]>;
  /** Rows of datastreams with `archiveDays` retention older than `cutoff`. */
  countExpired(archiveDays: number, cutoff: number): Promise<number>;
  /** Deletes at most `chunk` such rows in one transaction; answers how many went. */
  deleteExpired(archiveDays: number, cutoff: number, chunk: number): Promise<number>;
  /** Rollups of one size with a bucket before `cutoff` (1-minute ones: keep those not folded yet). */
  countExpiredRollups(size: RollupSize, cutoff: number): Promise<number>;
  deleteExpiredRollups(size: RollupSize, cutoff: number, chunk: number): Promise<number>;
  /** Time partitions of the measurements table, oldest first (PostgreSQL; SQLite has none). */
  partitions(): Promise<Partition[]>;
  /**
   * Drops a partition (its rows go with it); with `onlyIfEmpty`, only when it holds no row at
   * that moment (checked under a lock, so a concurrent insert is not lost). Answers whether it went.
   */
  dropPartition(name: string, onlyIfEmpty: boolean): Promise<boolean>;
  /**
   * Replaces the numbers of one datastream with `from <= time < to` by `rows` (all of that
   * datastream and in that range, else RangeError; one per time, the last given wins): the
   * stored rows of the range go, the given ones are stored, and the 1-minute, 1-hour and 1-day
   * rollups of the buckets the range touches are rebuilt from the raw rows; one transaction.
   * Answers the rows stored. Nothing is announced (the caller decides what to tell). Rare and
   * apart from `insert` (derived series recomputed); a bucket partly outside the range is
   * re-aggregated from its stored rows.
   */
  replace(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Promise<Measurement[]>;
  /** Removes every measurement and rollup of these datastreams (the registry deletes a datastream). */
  deleteDatastreamData(datastreamIds: readonly number[]): Promise<void>;
}
