import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { type SqliteCommitter, sqliteCommitter } from '../db/sqlite-commit.js';
import { sqliteColumnReader } from './measurement-columns.sqlite.js';
import { DELETE_RANGE, DELETE_ROLLUPS, REBUILD_ROLLUPS, replacementRows, rollupRanges } from './measurement-replace.js';
import { BaseMeasurementStore } from './measurement-store.base.js';
import type { Columns, Measurement, Order, Partition, Range } from './measurements.js';
import { rollupsOf } from './rollups.js';

/** The merge of a batch's bucket into the stored one; first/last by time (see rollups.ts mergeInto). */
const UPSERT_ROLLUP = `insert into rollups
  (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (datastream_id, size, bucket) do update set
    count = count + excluded.count,
    sum = sum + excluded.sum,
    min = min(min, excluded.min),
    max = max(max, excluded.max),
    first_value = iif(excluded.first_time < first_time, excluded.first_value, first_value),
    first_time = min(first_time, excluded.first_time),
    last_value = iif(excluded.last_time > last_time, excluded.last_value, last_value),
    last_time = max(last_time, excluded.last_time)`;

const STATEMENT_CACHE = 256;

/**
 * SQLite: one prepared `insert or ignore` per row inside one transaction per batch; `changes`
 * tells which rows were new, and only those feed the rollups, upserted once per bucket in the
 * same transaction. better-sqlite3 is synchronous, so a batch never interleaves with another.
 */
export class SqliteMeasurementStore extends BaseMeasurementStore {
  private readonly insertRow: BetterSqlite3.Statement<[number, number, number]>;
  private readonly upsertRollup: BetterSqlite3.Statement;
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  private readonly insertBatch: (rows: readonly Measurement[]) => Measurement[];
  private readonly commits: SqliteCommitter;
  private readonly columns: ReturnType<typeof sqliteColumnReader>;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    db: Kysely<Schema>,
  ) {
    super(db);
    this.insertRow = sqlite.prepare('insert or ignore into measurements (datastream_id, time, value) values (?, ?, ?)');
    this.upsertRollup = sqlite.prepare(UPSERT_ROLLUP);
    this.columns = sqliteColumnReader(sqlite);
    this.commits = sqliteCommitter(sqlite);
    this.insertBatch = (rows: readonly Measurement[]) => {
      const inserted: Measurement[] = [];
      const insert = this.insertRow;
      for (const r of rows) {
        if (insert.run(r.datastreamId, r.time, r.value).changes === 1) inserted.push(r);
      }
      for (const u of rollupsOf(inserted)) {
        this.upsertRollup.run(
          u.datastreamId,
          u.size,
          u.bucket,
          u.count,
          u.sum,
          u.min,
          u.max,
          u.firstTime,
          u.firstValue,
          u.lastTime,
          u.lastValue,
        );
      }
      return inserted;
    };
  }

  async insert(rows: readonly Measurement[]): Promise<Measurement[]> {
    if (rows.length === 0) return [];
    // One IMMEDIATE transaction (the write lock at BEGIN, so a concurrent writer waits on
    // busy_timeout instead of failing to upgrade a read transaction), durable when it resolves;
    // the fsync runs off the event loop (db/sqlite-commit.ts).
    return this.commits.write(() => this.insertBatch(rows));
  }

  /**
   * MeasurementStore.replace: one IMMEDIATE transaction (synchronous, so nothing interleaves):
   * the range deleted, the rows inserted, each rollup size's buckets over the range deleted and
   * rebuilt from the raw rows (measurement-replace.ts).
   */
  async replace(datastreamId: number, from: number, to: number, rows: readonly Measurement[]): Promise<Measurement[]> {
    const fresh = replacementRows(datastreamId, from, to, rows);
    if (from === to) return [];
    return this.commits.write(() => {
      this.statement(DELETE_RANGE).run(datastreamId, from, to);
      for (const r of fresh) this.insertRow.run(r.datastreamId, r.time, r.value);
      for (const b of rollupRanges(from, to)) {
        this.statement(DELETE_ROLLUPS).run(datastreamId, b.size, b.from, b.to);
        this.statement(REBUILD_ROLLUPS).run(b.size, b.width, datastreamId, b.from, b.to);
      }
      return fresh;
    });
  }

  /**
   * Kysely shares this connection and may have a transaction open across an await; a batch
   * started then would silently join it. Wait for it to end (it is short).
   */
  private async idle(): Promise<void> {
    while (this.sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      if (this.cache.size >= STATEMENT_CACHE) this.cache.clear();
      st = this.sqlite.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  async readColumns(range: Range, order: Order, limit: number): Promise<Columns> {
    return this.columns(range, order, limit);
  }

  protected async objectsOf<T>(query: CompiledQuery): Promise<T[]> {
    return this.statement(query.sql).all(...(query.parameters as unknown[])) as T[];
  }

  protected async changesOf(query: CompiledQuery): Promise<number> {
    await this.idle();
    return this.statement(query.sql).run(...(query.parameters as unknown[])).changes;
  }

  async partitions(): Promise<Partition[]> {
    return [];
  }

  async dropPartition(): Promise<boolean> {
    return false;
  }
}
