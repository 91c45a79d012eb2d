import type pg from 'pg';
import type { Measurement, Partition } from './measurements.js';

const DAY_MS = 86_400_000;
export const PARTITION_MS = 7 * DAY_MS;
/** 1970-01-05 was a Monday: partitions are ISO weeks, Monday 00:00 UTC to Monday. */
const MONDAY_MS = 4 * DAY_MS;
const NAME = /^measurements_w(\d{4})(\d{2})(\d{2})$/;
/**
 * Each partition is vacuumed after 100,000 inserted rows, whatever its size (PostgreSQL's default
 * waits for a fifth of the table): the vacuum marks the new pages all-visible, which lets a read
 * of a range take the values from the primary key alone (migration 20261206-0400-measurements-covering).
 */
const PARTITION_VACUUM = 'autovacuum_vacuum_insert_threshold = 100000, autovacuum_vacuum_insert_scale_factor = 0';

export const partitionStart = (time: number): number => Math.floor((time - MONDAY_MS) / PARTITION_MS) * PARTITION_MS + MONDAY_MS;

export const partitionName = (start: number): string =>
  `measurements_w${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`;

function parseName(name: string): Partition | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return { name, from, to: from + PARTITION_MS };
}

/**
 * Weekly range partitions of `measurements`, created on demand. There is no default
 * partition, so retention can drop whole weeks. Known partitions are cached; creation is
 * serialised across processes by an advisory lock and is idempotent (`if not exists`), so
 * two writers meeting a new week both succeed. A partition dropped by another process shows
 * up as "no partition found" (23514) on insert: the store calls `forget()` and retries.
 */
export class PartitionManager {
  private readonly known = new Set<number>();
  private loaded = false;

  constructor(private readonly pool: pg.Pool) {}

  /** Makes sure every week the rows fall in has its partition. */
  async ensure(rows: readonly Measurement[]): Promise<void> {
    const missing = new Set<number>();
    let from = 1;
    let to = 0;
    for (const r of rows) {
      if (r.time >= from && r.time < to) continue;
      from = partitionStart(r.time);
      to = from + PARTITION_MS;
      if (!this.known.has(from)) missing.add(from);
    }
    if (missing.size === 0) return;
    if (!this.loaded) {
      for (const p of await this.list()) this.known.add(p.from);
      this.loaded = true;
    }
    for (const start of missing) if (!this.known.has(start)) await this.create(start);
  }

  forget(): void {
    this.known.clear();
    this.loaded = false;
  }

  async list(): Promise<Partition[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'measurements'::regclass`,
    );
    return rows
      .map((r) => parseName(r.name))
      .filter((p): p is Partition => p !== undefined)
      .sort((a, b) => a.from - b.from);
  }

  private async create(start: number): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('polder:measurements:partitions'))`);
      await client.query(
        `create table if not exists ${partitionName(start)} partition of measurements
         for values from (${start}) to (${start + PARTITION_MS}) with (${PARTITION_VACUUM})`,
      );
    });
    this.known.add(start);
  }

  /**
   * Drops one partition. DROP locks the parent table exclusively; taking that lock first (and
   * not the partition's) keeps the lock order of inserts and so cannot deadlock with them, and
   * the lock timeout keeps a long export from making ingest queue behind us: we retry next run.
   */
  async drop(name: string, onlyIfEmpty: boolean): Promise<boolean> {
    const partition = parseName(name);
    if (!partition) throw new Error(`${name} is not a measurements partition`);
    // Look without the lock first: most partitions are not empty, and the lock stops ingest.
    if (onlyIfEmpty) {
      const look = await this.pool.query(`select 1 from ${name} limit 1`).catch((err: { code?: string }) => {
        if (err.code === '42P01') return { rowCount: 1 }; // dropped meanwhile: nothing to do
        throw err;
      });
      if (look.rowCount !== 0) return false;
    }
    const dropped = await this.inTransaction(async (client) => {
      await client.query(`set local lock_timeout = '2s'`);
      await client.query('lock table measurements in access exclusive mode');
      const exists = await client.query('select 1 from pg_class where relname = $1', [name]);
      if (exists.rowCount === 0) return false;
      if (onlyIfEmpty) {
        const rows = await client.query(`select 1 from ${name} limit 1`);
        if (rows.rowCount !== 0) return false;
      }
      await client.query(`drop table ${name}`);
      return true;
    }).catch((err: { code?: string }) => {
      // 55P03 lock_not_available: busy now, try again on the next run.
      if (err.code === '55P03') return false;
      throw err;
    });
    if (dropped) this.known.delete(partition.from);
    return dropped;
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const out = await work(client);
      await client.query('commit');
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
