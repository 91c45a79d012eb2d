import { type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * The hot table is narrow on purpose: (datastream, time) is the primary key, which makes a
 * redelivered measurement a no-op. SQLite stores it WITHOUT ROWID (clustered by the key, so a
 * range of one datastream is one contiguous scan); PostgreSQL partitions it by time
 * (partitions are created on demand by the store; see measurement-store.postgres.ts), so
 * retention can drop whole partitions.
 */
export const measurements = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    if (dialect === 'postgres') {
      await sql`create table measurements (
        datastream_id bigint not null,
        time bigint not null,
        value double precision not null,
        primary key (datastream_id, time)
      ) partition by range (time)`.execute(db);
    } else {
      await sql`create table measurements (
        datastream_id integer not null,
        time integer not null,
        value real not null,
        primary key (datastream_id, time)
      ) without rowid`.execute(db);
    }
    // size: bucket width in seconds (60, 3600, 86400); bucket: its start in Unix ms.
    await db.schema
      .createTable('rollups')
      .addColumn('datastream_id', t.bigint, (c) => c.notNull())
      .addColumn('size', t.int, (c) => c.notNull())
      .addColumn('bucket', t.bigint, (c) => c.notNull())
      .addColumn('count', t.bigint, (c) => c.notNull())
      .addColumn('sum', t.double, (c) => c.notNull())
      .addColumn('min', t.double, (c) => c.notNull())
      .addColumn('max', t.double, (c) => c.notNull())
      .addColumn('first_time', t.bigint, (c) => c.notNull())
      .addColumn('first_value', t.double, (c) => c.notNull())
      .addColumn('last_time', t.bigint, (c) => c.notNull())
      .addColumn('last_value', t.double, (c) => c.notNull())
      .addPrimaryKeyConstraint('rollups_pk', ['datastream_id', 'size', 'bucket'])
      .execute();
  },
});
