import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.js';
import { deviceIdByIdOrCode } from '../devices/device-read-models.js';
import type { NonNumericValue, ValueKind } from '../shared/values.js';
import { type Agg, aggValue } from './measurement-query.js';
import type {
  Columns,
  DatastreamFilter,
  DatastreamRef,
  Measurement,
  MeasurementStore,
  Order,
  Partition,
  Range,
  RetentionClass,
  Rollup,
  RollupSize,
  StreamLabels,
  ValueRow,
} from './measurements.js';
import { bucketStart, foldedRollups, foldMarkAt, MINUTE } from './rollups.js';

/** Raw retention of a datastream: its sensor's, else its organisation's, else 30 days. */
const ARCHIVE_DAYS = sql<number>`coalesce(s.archive_days, o.archive_days, 30)`;
/** A rollup's value for each aggregation; every one is a double (the binary read relies on it). */
const ROLLUP_VALUE: Record<Agg, string> = {
  avg: 'sum / count',
  min: 'min',
  max: 'max',
  sum: 'sum',
  count: 'cast(count as double precision)',
  first: 'first_value',
  last: 'last_value',
};
/** A query may name this many ranges; more are read in several statements. */
const MAX_BRANCHES = 200;
/** Non-numeric values per insert statement (3 parameters each). */
const VALUE_INSERT_CHUNK = 500;
type RawTable = 'measurements' | 'measurement_values';
const HOUR = 3600;
const DAY = 86400;
/** No limit, for reads bounded by their range. */
const ALL_ROWS = Number.MAX_SAFE_INTEGER;

/** The columns of rollups `r`, named as the domain's fields (folds read whole rollups). */
export const ROLLUP_COLUMNS = `r.datastream_id as "datastreamId", r.size, r.bucket, r.count, r.sum, r.min, r.max,
  r.first_time as "firstTime", r.first_value as "firstValue", r.last_time as "lastTime", r.last_value as "lastValue"`;
/** Replaces a bucket by a fold of finer ones (the fold recomputes whole buckets: idempotent). */
export const REPLACE_ROLLUP_SET = `count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
    first_time = excluded.first_time, first_value = excluded.first_value,
    last_time = excluded.last_time, last_value = excluded.last_value`;

/** The fold mark where no row says otherwise: every size written on insert, as before folds. */
export const NO_FOLD_MARK = Number.MAX_SAFE_INTEGER;

/**
 * What both dialects share: reads, datastream lookups and retention deletes are the same SQL
 * (compiled by Kysely for each dialect). Hot reads run through the raw driver (`objectsOf`),
 * with columns aliased to the domain's field names so each row is built once; inserts differ
 * per dialect.
 */
export abstract class BaseMeasurementStore implements MeasurementStore {
  constructor(protected readonly db: Kysely<Schema>) {}

  abstract insert(rows: readonly Measurement[]): Promise<Measurement[]>;
  abstract replace(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Promise<Measurement[]>;
  /**
   * One step of `foldRollups`, in one transaction that excludes inserts' reading of the mark:
   * when the mark is still `expected`, folds the first hour before `target` holding 1-minute
   * rollups (or none: the mark goes to `target`) and moves the mark past it. Answers the mark.
   */
  protected abstract foldStep(expected: number, target: number): Promise<number>;
  abstract readColumns(range: Range, order: Order, limit: number): Promise<Columns>;
  abstract partitions(): Promise<Partition[]>;
  abstract dropPartition(name: string, onlyIfEmpty: boolean): Promise<boolean>;
  /** Runs a compiled statement and answers its rows as objects named by the column aliases. */
  protected abstract objectsOf<T>(query: CompiledQuery): Promise<T[]>;

  /**
   * Runs a `rawQuery` (columns datastreamId, time, value). Dialects may read large results a
   * faster way (PostgreSQL: binary COPY); `expected` is the most rows it can answer.
   */
  protected measurementsOf(query: CompiledQuery, _expected: number): Promise<Measurement[]> {
    return this.objectsOf<Measurement>(query);
  }
  /** Runs a compiled statement that changes rows; answers how many. */
  protected abstract changesOf(query: CompiledQuery): Promise<number>;

  async readRaw(ranges: readonly Range[], order: Order, limit: number, limitEach = limit): Promise<Measurement[]> {
    const live = ranges.filter((r) => r.from < r.to);
    const out: Measurement[] = [];
    for (let i = 0; i < live.length && out.length < limit; i += MAX_BRANCHES) {
      const part = live.slice(i, i + MAX_BRANCHES);
      const want = Math.min(limit - out.length, part.length * limitEach);
      const query = this.rawQuery('measurements', part, order, limit - out.length, limitEach).compile(this.db);
      const rows = await this.measurementsOf(query, want);
      if (out.length === 0 && i + MAX_BRANCHES >= live.length) return rows;
      for (const r of rows) out.push(r);
    }
    return out;
  }

  async readValues(ranges: readonly Range[], order: Order, limit: number, limitEach = limit): Promise<ValueRow[]> {
    const live = ranges.filter((r) => r.from < r.to);
    const out: ValueRow[] = [];
    for (let i = 0; i < live.length && out.length < limit; i += MAX_BRANCHES) {
      const part = live.slice(i, i + MAX_BRANCHES);
      const query = this.rawQuery('measurement_values', part, order, limit - out.length, limitEach).compile(this.db);
      for (const r of await this.objectsOf<{ datastreamId: number; time: number; value: unknown }>(query)) {
        out.push({
          datastreamId: Number(r.datastreamId),
          time: Number(r.time),
          value: JSON.parse(String(r.value)) as NonNumericValue,
        });
      }
    }
    return out;
  }

  /**
   * Non-numeric values (the store step's rare path; numbers keep their own fast insert): one
   * `insert … on conflict do nothing returning` per chunk; a row stored before is skipped.
   */
  async insertValues(rows: readonly ValueRow[]): Promise<ValueRow[]> {
    const unique = [...new Map(rows.map((r) => [`${r.datastreamId}:${r.time}`, r])).values()];
    const inserted: ValueRow[] = [];
    for (let i = 0; i < unique.length; i += VALUE_INSERT_CHUNK) {
      const chunk = unique.slice(i, i + VALUE_INSERT_CHUNK);
      const res = await this.db
        .insertInto('measurement_values')
        .values(chunk.map((r) => ({ datastream_id: r.datastreamId, time: r.time, value: JSON.stringify(r.value) })))
        .onConflict((oc) => oc.doNothing())
        .returning(['datastream_id', 'time'])
        .execute();
      const fresh = new Set(res.map((r) => `${Number(r.datastream_id)}:${Number(r.time)}`));
      for (const r of chunk) if (fresh.has(`${r.datastreamId}:${r.time}`)) inserted.push(r);
    }
    return inserted;
  }

  /**
   * One index range scan per range, glued with UNION ALL: a single round trip that reads no
   * more than it answers, where `datastream_id in (…) order by …` would sort whole ranges.
   */
  private rawQuery(
    table: RawTable,
    ranges: readonly Range[],
    order: Order,
    limit: number,
    limitEach: number,
  ): RawBuilder<unknown> {
    const dir = sql.raw(order);
    // JSON values are read as their text on both dialects (pg would parse jsonb: "on" and on alike).
    const valueColumn = sql.raw(table === 'measurements' ? 'value' : 'cast(value as text)');
    const branch = (r: Range, i: number) =>
      sql`select * from (select datastream_id as "datastreamId", time, ${valueColumn} as value from ${sql.table(table)}
        where datastream_id = ${r.datastreamId} and time >= ${r.from} and time < ${r.to}
        order by time ${dir} limit ${Math.min(limitEach, limit)}) as b${sql.raw(String(i))}`;
    const first = ranges[0];
    if (ranges.length === 1 && first) return branch(first, 0);
    return sql`${sql.join(ranges.map(branch), sql` union all `)} order by "datastreamId", time ${dir} limit ${limit}`;
  }

  /** The fold mark: 1-hour and 1-day buckets wholly before it are whole in the table. */
  protected async foldMark(): Promise<number> {
    const rows = await this.objectsOf<{ until: number }>(
      sql`select folded_until as "until" from rollup_folds where id = 1`.compile(this.db),
    );
    return rows[0] ? Number(rows[0].until) : NO_FOLD_MARK;
  }

  async foldRollups(until: number): Promise<number> {
    const target = foldMarkAt(until);
    let mark = await this.foldMark();
    while (mark < target) {
      mark = await this.foldStep(mark, target);
      // Each step is its own short transaction; let ingest and reads run between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return mark;
  }

  async readRollups(range: Range, size: RollupSize, order: Order, limit: number): Promise<Rollup[]> {
    if (range.from >= range.to) return [];
    if (size === MINUTE) return this.storedRollups(range, size, order, limit);
    const mark = await this.foldMark();
    const out: Rollup[] = [];
    for (const part of this.splitAtMark(range, size, mark, order)) {
      if (out.length >= limit) break;
      const rows = part.folded
        ? await this.storedRollups(part.range, size, order, limit - out.length)
        : await this.unfoldedRollups(part.range, size, mark, order, limit - out.length);
      for (const r of rows) out.push(r);
    }
    return out;
  }

  /**
   * A range of `size` buckets in two parts, in read order: buckets wholly before the fold mark
   * (read from the table) and the others (folded on read from finer rollups).
   */
  private splitAtMark(range: Range, size: RollupSize, mark: number, order: Order) {
    if (mark >= NO_FOLD_MARK) return [{ folded: true, range }];
    const cut = bucketStart(mark, size * 1000);
    const parts = [
      { folded: true, range: { ...range, to: Math.min(range.to, cut) } },
      { folded: false, range: { ...range, from: Math.max(range.from, cut) } },
    ].filter((p) => p.range.from < p.range.to);
    return order === 'asc' ? parts : parts.reverse();
  }

  /**
   * Buckets of `size` starting in the range, all at or after the bucket holding the fold mark:
   * 1-minute rollups from the mark on, plus (for 1-day buckets) the whole 1-hour ones before it.
   */
  private async unfoldedRollups(range: Range, size: RollupSize, mark: number, order: Order, limit: number) {
    const width = size * 1000;
    const lo = Math.ceil(range.from / width) * width;
    const hi = range.to >= NO_FOLD_MARK - width ? NO_FOLD_MARK : Math.ceil(range.to / width) * width;
    if (lo >= hi) return [];
    const hours =
      size === DAY && lo < mark
        ? await this.storedRollups({ ...range, from: lo, to: Math.min(hi, mark) }, HOUR, 'asc', ALL_ROWS)
        : [];
    const minutes = await this.storedRollups({ ...range, from: Math.max(lo, mark), to: hi }, MINUTE, 'asc', ALL_ROWS);
    // concat, not push(...): the minutes after a mark left behind may be many.
    const folded = foldedRollups(hours.length > 0 ? hours.concat(minutes) : minutes, size);
    if (order === 'desc') folded.reverse();
    return folded.length > limit ? folded.slice(0, limit) : folded;
  }

  private async storedRollups(range: Range, size: RollupSize, order: Order, limit: number): Promise<Rollup[]> {
    if (range.from >= range.to) return [];
    const query = sql`select bucket, count, sum, min, max,
      first_time as "firstTime", first_value as "firstValue", last_time as "lastTime", last_value as "lastValue"
      from rollups where datastream_id = ${range.datastreamId} and size = ${size}
      and bucket >= ${range.from} and bucket < ${range.to} order by bucket ${sql.raw(order)} limit ${limit}`;
    const rows = await this.objectsOf<Rollup>(query.compile(this.db));
    for (const r of rows) {
      r.datastreamId = range.datastreamId;
      r.size = size;
    }
    return rows;
  }

  async readRollupValues(range: Range, size: RollupSize, agg: Agg, order: Order, limit: number): Promise<Measurement[]> {
    if (range.from >= range.to) return [];
    if (size === MINUTE) return this.storedRollupValues(range, size, agg, order, limit);
    const mark = await this.foldMark();
    const parts = this.splitAtMark(range, size, mark, order);
    const out: Measurement[] = [];
    for (const part of parts) {
      if (out.length >= limit) break;
      if (part.folded) {
        const rows = await this.storedRollupValues(part.range, size, agg, order, limit - out.length);
        if (parts.length === 1) return rows;
        for (const r of rows) out.push(r);
      } else {
        const rows = await this.unfoldedRollups(part.range, size, mark, order, limit - out.length);
        for (const r of rows) out.push({ datastreamId: range.datastreamId, time: r.bucket, value: aggValue(agg, r) });
      }
    }
    return out;
  }

  private async storedRollupValues(range: Range, size: RollupSize, agg: Agg, order: Order, limit: number) {
    if (range.from >= range.to) return [];
    const query = sql`select datastream_id as "datastreamId", bucket as time, ${sql.raw(ROLLUP_VALUE[agg])} as value
      from rollups where datastream_id = ${range.datastreamId} and size = ${size}
      and bucket >= ${range.from} and bucket < ${range.to} order by bucket ${sql.raw(order)} limit ${limit}`;
    return this.measurementsOf(query.compile(this.db), limit);
  }

  async countRaw(ranges: readonly Range[]): Promise<number> {
    // One statement per distinct time range (a query's ranges usually share theirs).
    const groups = new Map<string, { from: number; to: number; ids: number[] }>();
    for (const r of ranges) {
      if (r.from >= r.to) continue;
      const key = `${r.from}:${r.to}`;
      const g = groups.get(key) ?? { from: r.from, to: r.to, ids: [] };
      g.ids.push(r.datastreamId);
      groups.set(key, g);
    }
    let total = 0;
    for (const g of groups.values()) {
      for (const table of ['measurements', 'measurement_values'] as const) {
        const row = await this.db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .where('datastream_id', 'in', g.ids)
          .where('time', '>=', g.from)
          .where('time', '<', g.to)
          .executeTakeFirst();
        total += Number(row?.n ?? 0);
      }
    }
    return total;
  }

  async findDatastreams(orgId: string, filter: DatastreamFilter): Promise<DatastreamRef[]> {
    if (filter.ids?.length === 0) return [];
    let q = this.db
      .selectFrom('datastreams')
      .select(['id', 'org_id', 'device_id', 'sensor_id', 'observed_property', 'unit', 'value_kind'])
      .where('org_id', '=', orgId);
    if (filter.ids) q = q.where('id', 'in', filter.ids);
    if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
    if (filter.sensorId !== undefined) q = q.where('sensor_id', '=', filter.sensorId);
    if (filter.observedProperty !== undefined) q = q.where('observed_property', '=', filter.observedProperty);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      orgId: r.org_id,
      deviceId: r.device_id,
      sensorId: r.sensor_id,
      observedProperty: r.observed_property,
      unit: r.unit,
      valueKind: r.value_kind as ValueKind,
    }));
  }

  async labelsOf(orgId: string, ids: readonly number[]): Promise<Map<number, StreamLabels>> {
    const out = new Map<number, StreamLabels>();
    for (let i = 0; i < ids.length; i += VALUE_INSERT_CHUNK) {
      const rows = await this.db
        .selectFrom('datastreams as d')
        .innerJoin('devices as v', 'v.id', 'd.device_id')
        .innerJoin('sensors as s', 's.id', 'd.sensor_id')
        .select(['d.id', 'v.code as device', 's.code as sensor', 'd.observed_property', 'd.unit'])
        .where('d.org_id', '=', orgId)
        .where('d.id', 'in', ids.slice(i, i + VALUE_INSERT_CHUNK))
        .execute();
      for (const r of rows) {
        out.set(Number(r.id), { device: r.device, sensor: r.sensor, observedProperty: r.observed_property, unit: r.unit });
      }
    }
    return out;
  }

  async findDeviceId(orgId: string, idOrCode: string): Promise<string | undefined> {
    return deviceIdByIdOrCode(this.db, orgId, idOrCode);
  }

  async findSensorId(orgId: string, id: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sensors')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.id;
  }

  async retentionClasses(): Promise<RetentionClass[]> {
    const rows = await this.db
      .selectFrom('datastreams as d')
      .innerJoin('sensors as s', 's.id', 'd.sensor_id')
      .innerJoin('organisations as o', 'o.id', 'd.org_id')
      .select([ARCHIVE_DAYS.as('days'), sql<number>`count(*)`.as('n')])
      .groupBy(ARCHIVE_DAYS)
      .orderBy(ARCHIVE_DAYS)
      .execute();
    return rows.map((r) => ({ archiveDays: Number(r.days), datastreams: Number(r.n) }));
  }

  /** Datastreams of one retention class, as a subquery (the planner drives index scans from it). */
  private classIds(archiveDays: number) {
    return this.db
      .selectFrom('datastreams as d')
      .innerJoin('sensors as s', 's.id', 'd.sensor_id')
      .innerJoin('organisations as o', 'o.id', 'd.org_id')
      .select('d.id')
      .where(ARCHIVE_DAYS, '=', archiveDays);
  }

  async countExpired(archiveDays: number, cutoff: number): Promise<number> {
    let total = 0;
    for (const table of ['measurements', 'measurement_values'] as const) {
      const row = await this.db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .where('datastream_id', 'in', this.classIds(archiveDays))
        .where('time', '<', cutoff)
        .executeTakeFirst();
      total += Number(row?.n ?? 0);
    }
    return total;
  }

  /**
   * The tables a chunked delete of numbers goes through, in order: `measurements` here; SQLite's
   * is a view of two tables (its delete would run per row through a trigger and count nothing).
   */
  protected numberTables(): readonly string[] {
    return ['measurements'];
  }

  /**
   * At most `chunk` rows per statement (one short transaction), so a large backlog never
   * holds the write lock for long; the caller yields between chunks. SQLite has no
   * `delete … limit`, hence the key subquery, which both dialects read through the primary key.
   */
  async deleteExpired(archiveDays: number, cutoff: number, chunk: number): Promise<number> {
    const statement = (table: string, n: number) =>
      sql`delete from ${sql.table(table)} where time < ${cutoff} and (datastream_id, time) in (
      select m.datastream_id, m.time from ${sql.table(table)} m
      where m.datastream_id in (${this.classIds(archiveDays)}) and m.time < ${cutoff} limit ${n})`.compile(this.db);
    // Numbers first, then non-numeric values fill what is left of the chunk (the caller stops on a short chunk).
    let deleted = 0;
    for (const table of [...this.numberTables(), 'measurement_values']) {
      if (deleted >= chunk) break;
      deleted += await this.changesOf(statement(table, chunk - deleted));
    }
    return deleted;
  }

  async countExpiredRollups(size: RollupSize, cutoff: number): Promise<number> {
    const row = await this.db
      .selectFrom('rollups')
      .select(sql<number>`count(*)`.as('n'))
      .where('datastream_id', 'in', this.db.selectFrom('datastreams').select('id'))
      .where('size', '=', size)
      .where('bucket', '<', cutoff)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async deleteExpiredRollups(size: RollupSize, cutoff: number, chunk: number): Promise<number> {
    const query = sql`delete from rollups where size = ${size} and bucket < ${cutoff}
      and (datastream_id, size, bucket) in (
        select r.datastream_id, r.size, r.bucket from rollups r
        where r.datastream_id in (select id from datastreams) and r.size = ${size} and r.bucket < ${cutoff}
        limit ${chunk})`;
    return this.changesOf(query.compile(this.db));
  }

  async deleteDatastreamData(datastreamIds: readonly number[]): Promise<void> {
    if (datastreamIds.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const table of this.numberTables())
        await tx
          .deleteFrom(table as 'measurements')
          .where('datastream_id', 'in', datastreamIds)
          .execute();
      await tx.deleteFrom('measurement_values').where('datastream_id', 'in', datastreamIds).execute();
      await tx.deleteFrom('rollups').where('datastream_id', 'in', datastreamIds).execute();
    });
  }
}
