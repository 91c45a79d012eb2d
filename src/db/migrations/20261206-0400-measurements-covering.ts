import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * PostgreSQL: the measurements' primary key carries the value (`include (value)`), so a range of
 * one datastream is read from the index alone (an index-only scan) instead of a heap page per row:
 * the heap holds the rows in arrival order, datastreams interleaved, and a day of one of 40 such
 * datastreams read 22,000 heap pages (110–190 ms against 19 ms from the index; docs/benchmarks.md).
 * The index grows by the value's 8 bytes an entry (104 → 134 MB for 3.5 million rows). Every
 * partition's index is rebuilt (a lock on the table while it runs). The partitions are also
 * vacuumed after each 100,000 inserted rows (as new ones are: PARTITION_VACUUM in
 * measurements/measurement-partitions.postgres.ts), which keeps the visibility map of
 * the recent pages set: an index-only scan still reads the heap for a page not marked all-visible.
 * SQLite: nothing (its table is clustered by the key, WITHOUT ROWID).
 */
export const measurementsCovering = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'postgres') return;
    await sql`alter table measurements drop constraint measurements_pkey`.execute(db);
    await sql`alter table measurements add constraint measurements_pkey primary key (datastream_id, time) include (value)`.execute(
      db,
    );
    const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid where i.inhparent = 'measurements'::regclass`.execute(db);
    for (const { name } of rows)
      await sql`alter table ${sql.id(name)} set (autovacuum_vacuum_insert_threshold = 100000, autovacuum_vacuum_insert_scale_factor = 0)`.execute(
        db,
      );
  },
});
