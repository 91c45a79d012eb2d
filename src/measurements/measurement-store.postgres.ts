import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CompiledQuery, Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Schema } from '../db/schema.js';
import { POSTGRES_TRACE_UPSERT } from '../pipelines/trace-rows.js';
import {
  type ArrayElement,
  binaryArray,
  measurementsCopyBinary,
  readColumnsBinary,
  readMeasurementsBinary,
} from './measurement-copy.postgres.js';
import { PartitionManager } from './measurement-partitions.postgres.js';
import { deleteRange, numbered, replacementRows, rollupRebuild } from './measurement-replace.js';
import { BaseMeasurementStore, NO_FOLD_MARK, REPLACE_ROLLUP_SET, ROLLUP_COLUMNS } from './measurement-store.base.js';
import type { Columns, Measurement, Order, Partition, Range, Rollup, TraceRows } from './measurements.js';
import { bucketStart, foldedRollups, foldMarkAt, MINUTE, rollupsToUpsert } from './rollups.js';

const INSERT_IGNORING_DUPLICATES = `insert into measurements (datastream_id, time, value)
  select * from unnest($1::bigint[], $2::bigint[], $3::float8[])
  on conflict do nothing returning datastream_id, time, value`;

/** MeasurementStore.replace's insert: after the range's delete; a row stored meanwhile is overwritten. */
const REPLACE_ROWS = `insert into measurements (datastream_id, time, value)
  select * from unnest($1::bigint[], $2::bigint[], $3::float8[])
  on conflict (datastream_id, time) do update set value = excluded.value`;

const ROLLUP_INTO = `insert into rollups
  (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)`;
/** The column types of ROLLUP_INTO, in order (Rollup's fields in ROLLUP_FIELDS). */
const ROLLUP_TYPES: readonly ArrayElement[] = [
  'bigint',
  'int',
  'bigint',
  'bigint',
  'float8',
  'float8',
  'float8',
  'bigint',
  'float8',
  'bigint',
  'float8',
];
const ROLLUP_FIELDS = [
  'datastreamId',
  'size',
  'bucket',
  'count',
  'sum',
  'min',
  'max',
  'firstTime',
  'firstValue',
  'lastTime',
  'lastValue',
] as const satisfies readonly (keyof Rollup)[];
const ROLLUP_ROWS = `${ROLLUP_INTO}
  select * from unnest(${ROLLUP_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
/** A fold's buckets replace the stored ones (measurement-store.base.ts foldRollups). */
const REPLACE_ROLLUPS = {
  name: 'polder_replace_rollups',
  text: `${ROLLUP_ROWS} on conflict (datastream_id, size, bucket) do update set ${REPLACE_ROLLUP_SET}`,
};
/**
 * Inserts read the fold mark under a shared lock held to their commit; a fold step holds it
 * exclusively, so no insert reads the old mark and commits 1-minute rows the step did not see.
 * With `begin`, three statements in one round trip: the read gets its snapshot after the lock is granted.
 */
const FOLD_LOCK = `hashtext('polder:rollups:fold')`;
const BEGIN_READ_MARK = `begin; select pg_advisory_xact_lock_shared(${FOLD_LOCK}); select folded_until from rollup_folds where id = 1`;
/** The first 1-minute bucket in [$1, $2) of any datastream: one primary-key probe per datastream. */
const NEXT_MINUTE = `select min(b) as next from (select (select r.bucket from rollups r where r.datastream_id = d.id
  and r.size = 60 and r.bucket >= $1 and r.bucket < $2 order by r.bucket limit 1) as b from datastreams d) x`;
const ROLLUPS_OF_ALL = `select ${ROLLUP_COLUMNS} from datastreams d
  cross join lateral (select * from rollups r where r.datastream_id = d.id and r.size = $1 and r.bucket >= $2 and r.bucket < $3) r`;
const ROLLUPS_OF_SOME = `select ${ROLLUP_COLUMNS} from rollups r
  where r.datastream_id = any($1::bigint[]) and r.size = $2 and r.bucket >= $3 and r.bucket < $4`;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The merge of a batch's buckets into the stored ones; first/last by time (see rollups.ts mergeInto). */
const MERGE_ROLLUPS = {
  name: 'polder_merge_rollups',
  text: `${ROLLUP_ROWS}
  on conflict (datastream_id, size, bucket) do update set
    count = rollups.count + excluded.count,
    sum = rollups.sum + excluded.sum,
    min = least(rollups.min, excluded.min),
    max = greatest(rollups.max, excluded.max),
    first_value = case when excluded.first_time < rollups.first_time then excluded.first_value else rollups.first_value end,
    first_time = least(rollups.first_time, excluded.first_time),
    last_value = case when excluded.last_time > rollups.last_time then excluded.last_value else rollups.last_value end,
    last_time = greatest(rollups.last_time, excluded.last_time)`,
};

/** 23514: no partition for a row (one was dropped meanwhile); 40P01: deadlock between batches. */
const RETRYABLE = new Set(['23514', '40P01']);
const ATTEMPTS = 3;
const COPY_CHUNK = 10_000;
/** Reads that may answer this many rows or more use binary COPY. */
const BINARY_READ_FROM = 2000;

/**
 * PostgreSQL. Inserts are optimistic: COPY straight into the partitioned table, the fastest
 * path there is. Redelivered or repeated rows make COPY fail on the primary key (23505);
 * then the batch is inserted again with `insert … on conflict do nothing returning`, which
 * answers exactly the rows that were new. Measured (docs/benchmarks.md): COPY runs at the
 * raw-driver ceiling, the conflict-tolerant insert at about a third of it, and duplicates are
 * rare. Rollups of the inserted rows are upserted in the same transaction, once per bucket.
 */
export class PostgresMeasurementStore extends BaseMeasurementStore {
  private readonly partitionManager: PartitionManager;

  constructor(
    private readonly pool: pg.Pool,
    db: Kysely<Schema>,
  ) {
    super(db);
    this.partitionManager = new PartitionManager(pool);
  }

  async insert(rows: readonly Measurement[]): Promise<Measurement[]> {
    if (rows.length === 0) return [];
    return this.insertWithTraces(rows);
  }

  async insertWithTraces(rows: readonly Measurement[], traces?: TraceRows): Promise<Measurement[]> {
    for (let attempt = 1; ; attempt++) {
      await this.partitionManager.ensure(rows);
      const client = await this.pool.connect();
      try {
        return await this.insertOnce(client, rows, traces);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= ATTEMPTS) throw err;
        if (code === '23514') this.partitionManager.forget();
      } finally {
        client.release();
      }
    }
  }

  /**
   * One transaction in four round trips: `begin` with the fold lock and mark, the binary COPY, the
   * rollup merge (a prepared statement taking each column as one binary array), `commit`. The lock
   * is taken before the rows go in, as the mark must hold until commit. `traces` add one round trip
   * before the commit (their upsert, trace-rows.ts).
   */
  private async insertOnce(client: pg.PoolClient, rows: readonly Measurement[], traces?: TraceRows): Promise<Measurement[]> {
    try {
      let mark = await beginWithMark(client);
      let inserted: Measurement[];
      try {
        await copyRows(client, rows);
        inserted = rows.slice();
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        await client.query('rollback');
        mark = await beginWithMark(client);
        inserted = await insertIgnoringDuplicates(client, rows);
      }
      // 1-minute buckets only, unless rows come before the fold mark (rollups.ts rollupsToUpsert).
      const rollups = inserted.length > 0 ? rollupsToUpsert(inserted, mark) : [];
      if (traces && traces.length > 0) await client.query(POSTGRES_TRACE_UPSERT, [JSON.stringify(traces)]);
      if (rollups.length > 0) await upsertRollups(client, rollups, MERGE_ROLLUPS);
      await client.query('commit');
      return inserted;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    }
  }

  protected async foldStep(expected: number, target: number): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(${FOLD_LOCK})`);
      const marks = await client.query<{ folded_until: number }>('select folded_until from rollup_folds where id = 1');
      const mark = Number(marks.rows[0]?.folded_until ?? NO_FOLD_MARK);
      let moved = mark;
      if (mark === expected && mark < target) {
        const next = (await client.query<{ next: number | null }>(NEXT_MINUTE, [mark, target])).rows[0]?.next ?? null;
        const from = next === null ? target : foldMarkAt(Number(next));
        moved = next === null ? target : Math.min(target, from + HOUR_MS);
        if (next !== null) {
          const minutes = (await client.query<Rollup>(ROLLUPS_OF_ALL, [MINUTE, from, moved])).rows;
          const hours = foldedRollups(minutes, 3600);
          await replaceRollups(client, hours);
          // The 1-day bucket of each datastream touched, from its whole hours up to the new mark.
          const ids = hours.map((h) => h.datastreamId);
          const ofDay = await client.query<Rollup>(ROLLUPS_OF_SOME, [ids, 3600, bucketStart(from, DAY_MS), moved]);
          await replaceRollups(client, foldedRollups(ofDay.rows, 86400));
        }
        await client.query('update rollup_folds set folded_until = $1 where id = 1', [moved]);
      }
      await client.query('commit');
      return moved;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * MeasurementStore.replace in one transaction: the range deleted, the rows inserted (a row a
   * concurrent insert stored meanwhile is overwritten), each rollup size's buckets over the range
   * deleted and rebuilt from the raw rows (measurement-replace.ts). Like an insert it holds the
   * fold lock shared, so a fold step never folds minutes this transaction is rewriting. Retried as
   * `insert` is.
   */
  async replace(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Promise<Measurement[]> {
    const fresh = replacementRows(datastreamId, from, to, rows);
    if (from === to) return [];
    for (let attempt = 1; ; attempt++) {
      await this.partitionManager.ensure(fresh);
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        await client.query(`select pg_advisory_xact_lock_shared(${FOLD_LOCK})`);
        await client.query(numbered(deleteRange()), [datastreamId, from, to]);
        if (fresh.length > 0)
          await client.query(REPLACE_ROWS, [
            fresh.map((r) => r.datastreamId),
            fresh.map((r) => r.time),
            fresh.map((r) => r.value),
          ]);
        for (const [text, params] of rollupRebuild('postgres', datastreamId, from, to)) await client.query(text, params);
        await client.query('commit');
        return fresh;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        const code = (err as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= ATTEMPTS) throw err;
        if (code === '23514') this.partitionManager.forget();
      } finally {
        client.release();
      }
    }
  }

  protected async objectsOf<T>(query: CompiledQuery): Promise<T[]> {
    const result = await this.pool.query({ text: query.sql, values: query.parameters as unknown[] });
    return result.rows as T[];
  }

  readColumns(range: Range, order: Order, limit: number): Promise<Columns> {
    return readColumnsBinary(this.pool, range, order, limit);
  }

  /** Large reads go through binary COPY: several times cheaper to decode than rows of text. */
  protected override measurementsOf(query: CompiledQuery, expected: number): Promise<Measurement[]> {
    if (expected < BINARY_READ_FROM) return super.measurementsOf(query, expected);
    return readMeasurementsBinary(this.pool, query);
  }

  /**
   * The retention deletes (`… where (datastream_id, time) in (select … limit n)`): left to
   * itself the planner hash-joins the chunk's keys against a sequential scan of every old
   * partition, so each 10k chunk re-reads the whole backlog (measured: 0.8 s a chunk on 1.3M
   * rows, quadratic). Without hash/merge joins and sequential scans it probes the primary key
   * of the one partition each key falls in (run-time pruning): 56 ms a chunk, linear.
   */
  protected async changesOf(query: CompiledQuery): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('set local enable_hashjoin = off; set local enable_mergejoin = off; set local enable_seqscan = off');
      const result = await client.query({ text: query.sql, values: query.parameters as unknown[] });
      await client.query('commit');
      return result.rowCount ?? 0;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  partitions(): Promise<Partition[]> {
    return this.partitionManager.list();
  }

  dropPartition(name: string, onlyIfEmpty: boolean): Promise<boolean> {
    return this.partitionManager.drop(name, onlyIfEmpty);
  }
}

async function copyRows(client: pg.PoolClient, rows: readonly Measurement[]): Promise<void> {
  const copy = client.query(copyFrom('copy measurements (datastream_id, time, value) from stdin (format binary)'));
  await pipeline(Readable.from(measurementsCopyBinary(rows, COPY_CHUNK)), copy);
}

async function insertIgnoringDuplicates(client: pg.PoolClient, rows: readonly Measurement[]): Promise<Measurement[]> {
  const result = await client.query<[number, number, number]>({
    text: INSERT_IGNORING_DUPLICATES,
    values: [rows.map((r) => r.datastreamId), rows.map((r) => r.time), rows.map((r) => r.value)],
    rowMode: 'array',
  });
  return result.rows.map(([datastreamId, time, value]) => ({ datastreamId, time, value }));
}

/** The same lock order in every batch: two batches touching the same buckets wait, never deadlock. */
const inLockOrder = (rollups: Rollup[]) =>
  rollups.sort((a, b) => a.datastreamId - b.datastreamId || a.size - b.size || a.bucket - b.bucket);

/** Reads the fold mark under the shared fold lock, in a transaction begun by the same round trip. */
async function beginWithMark(client: pg.PoolClient): Promise<number> {
  const results = (await client.query(BEGIN_READ_MARK)) as unknown as pg.QueryResult<{ folded_until: number }>[];
  return Number(results[2]?.rows[0]?.folded_until ?? NO_FOLD_MARK);
}

/**
 * Rollups in through a named statement (prepared once per connection) taking each column as one
 * binary array (binaryArray), rows in lock order.
 */
async function upsertRollups(client: pg.PoolClient, rollups: Rollup[], statement: { name: string; text: string }): Promise<void> {
  if (rollups.length === 0) return;
  inLockOrder(rollups);
  await client.query({
    ...statement,
    values: ROLLUP_FIELDS.map((field, i) =>
      binaryArray(rollups.length, ROLLUP_TYPES[i] as ArrayElement, (j) => rollups[j]?.[field]),
    ),
  });
}

function replaceRollups(client: pg.PoolClient, rollups: Rollup[]): Promise<void> {
  return upsertRollups(client, rollups, REPLACE_ROLLUPS);
}
