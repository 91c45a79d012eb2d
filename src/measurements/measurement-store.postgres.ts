import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CompiledQuery, Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Schema } from '../db/schema.js';
import { readColumnsBinary, readMeasurementsBinary } from './measurement-copy.postgres.js';
import { PartitionManager } from './measurement-partitions.postgres.js';
import { DELETE_RANGE, DELETE_ROLLUPS, numbered, REBUILD_ROLLUPS, replacementRows, rollupRanges } from './measurement-replace.js';
import { BaseMeasurementStore } from './measurement-store.base.js';
import type { Columns, Measurement, Order, Partition, Range, Rollup } from './measurements.js';
import { rollupsOf } from './rollups.js';

const INSERT_IGNORING_DUPLICATES = `insert into measurements (datastream_id, time, value)
  select * from unnest($1::bigint[], $2::bigint[], $3::float8[])
  on conflict do nothing returning datastream_id, time, value`;

/** MeasurementStore.replace's insert: after the range's delete; a row stored meanwhile is overwritten. */
const REPLACE_ROWS = `insert into measurements (datastream_id, time, value)
  select * from unnest($1::bigint[], $2::bigint[], $3::float8[])
  on conflict (datastream_id, time) do update set value = excluded.value`;

/** The merge of a batch's bucket into the stored one; first/last by time (see rollups.ts mergeInto). */
const UPSERT_ROLLUPS = `insert into rollups
  (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)
  select * from unnest($1::bigint[], $2::int[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[],
    $7::float8[], $8::bigint[], $9::float8[], $10::bigint[], $11::float8[])
  on conflict (datastream_id, size, bucket) do update set
    count = rollups.count + excluded.count,
    sum = rollups.sum + excluded.sum,
    min = least(rollups.min, excluded.min),
    max = greatest(rollups.max, excluded.max),
    first_value = case when excluded.first_time < rollups.first_time then excluded.first_value else rollups.first_value end,
    first_time = least(rollups.first_time, excluded.first_time),
    last_value = case when excluded.last_time > rollups.last_time then excluded.last_value else rollups.last_value end,
    last_time = greatest(rollups.last_time, excluded.last_time)`;

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
    for (let attempt = 1; ; attempt++) {
      await this.partitionManager.ensure(rows);
      const client = await this.pool.connect();
      try {
        return await this.insertOnce(client, rows);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= ATTEMPTS) throw err;
        if (code === '23514') this.partitionManager.forget();
      } finally {
        client.release();
      }
    }
  }

  private async insertOnce(client: pg.PoolClient, rows: readonly Measurement[]): Promise<Measurement[]> {
    try {
      await client.query('begin');
      let inserted: Measurement[];
      try {
        await copyRows(client, rows);
        inserted = rows.slice();
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        await client.query('rollback');
        await client.query('begin');
        inserted = await insertIgnoringDuplicates(client, rows);
      }
      await upsertRollups(client, rollupsOf(inserted));
      await client.query('commit');
      return inserted;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    }
  }

  /**
   * MeasurementStore.replace in one transaction: the range deleted, the rows inserted (a row a
   * concurrent insert stored meanwhile is overwritten), each rollup size's buckets over the range
   * deleted and rebuilt from the raw rows (measurement-replace.ts). Retried as `insert` is.
   */
  async replace(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Promise<Measurement[]> {
    const fresh = replacementRows(datastreamId, from, to, rows);
    if (from === to) return [];
    for (let attempt = 1; ; attempt++) {
      await this.partitionManager.ensure(fresh);
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        await client.query(numbered(DELETE_RANGE), [datastreamId, from, to]);
        if (fresh.length > 0)
          await client.query(REPLACE_ROWS, [
            fresh.map((r) => r.datastreamId),
            fresh.map((r) => r.time),
            fresh.map((r) => r.value),
          ]);
        for (const b of rollupRanges(from, to)) {
          await client.query(numbered(DELETE_ROLLUPS), [datastreamId, b.size, b.from, b.to]);
          await client.query(numbered(REBUILD_ROLLUPS), [b.size, b.width, datastreamId, b.from, b.to]);
        }
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
  function* text() {
    for (let i = 0; i < rows.length; i += COPY_CHUNK) {
      let chunk = '';
      const end = Math.min(rows.length, i + COPY_CHUNK);
      for (let j = i; j < end; j++) {
        const r = rows[j] as Measurement;
        chunk += `${r.datastreamId}\t${r.time}\t${r.value}\n`;
      }
      yield chunk;
    }
  }
  await pipeline(Readable.from(text()), client.query(copyFrom('copy measurements (datastream_id, time, value) from stdin')));
}

async function insertIgnoringDuplicates(client: pg.PoolClient, rows: readonly Measurement[]): Promise<Measurement[]> {
  const result = await client.query<[number, number, number]>({
    text: INSERT_IGNORING_DUPLICATES,
    values: [rows.map((r) => r.datastreamId), rows.map((r) => r.time), rows.map((r) => r.value)],
    rowMode: 'array',
  });
  return result.rows.map(([datastreamId, time, value]) => ({ datastreamId, time, value }));
}

async function upsertRollups(client: pg.PoolClient, rollups: Rollup[]): Promise<void> {
  if (rollups.length === 0) return;
  // The same lock order in every batch: two batches touching the same buckets wait, never deadlock.
  rollups.sort((a, b) => a.datastreamId - b.datastreamId || a.size - b.size || a.bucket - b.bucket);
  const col = <K extends keyof Rollup>(k: K) => rollups.map((u) => u[k]);
  await client.query(UPSERT_ROLLUPS, [
    col('datastreamId'),
    col('size'),
    col('bucket'),
    col('count'),
    col('sum'),
    col('min'),
    col('max'),
    col('firstTime'),
    col('firstValue'),
    col('lastTime'),
    col('lastValue'),
  ]);
}
