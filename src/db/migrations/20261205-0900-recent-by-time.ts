import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite: `measurements_recent` keyed by (time, datastream_id) instead of (datastream_id, time).
 * New values arrive in time order, so a batch appends to the last leaf pages: a commit of 180
 * uplinks wrote 353 KiB of WAL for their measurements with devices in order and 884 KiB in a
 * random order (a leaf page per run of neighbouring datastreams), against 30 / 50 KiB by time
 * (`npm run bench sqlite-wal-per-uplink`). Reads of one datastream still seek:
 * `recent_streams` lists the datastreams with rows in the recent table (a trigger keeps it, the
 * move empties both), and the view's recent arm is guarded by it; for `datastream_id = ?` SQLite
 * propagates the constant into the guard and tests it once, so an idle datastream never scans
 * the recent rows, and an active one scans only the recent rows of the range it asks for
 * (at most the 60,000 rows of a move). PostgreSQL: nothing.
 */
export const recentByTime = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'sqlite') return;
    await sql`drop view measurements`.execute(db);
    await sql`alter table measurements_recent rename to measurements_recent_old`.execute(db);
    await sql`create table measurements_recent (
      datastream_id integer not null, time integer not null, value real not null,
      primary key (time, datastream_id)) without rowid`.execute(db);
    await sql`create table recent_streams (datastream_id integer primary key)`.execute(db);
    await sql`create trigger measurements_recent_stream after insert on measurements_recent begin
        insert or ignore into recent_streams (datastream_id) values (new.datastream_id);
      end`.execute(db);
    await sql`insert into measurements_recent (datastream_id, time, value)
      select datastream_id, time, value from measurements_recent_old`.execute(db);
    await sql`drop table measurements_recent_old`.execute(db);
    await sql`create view measurements as
      select datastream_id, time, value from measurements_folded
      union all select r.datastream_id, r.time, r.value from measurements_recent r
        where exists (select 1 from recent_streams s where s.datastream_id = r.datastream_id)`.execute(db);
    // The view's triggers went with it: the same as migration 20261204-1430-measurements-recent's.
    await sql`create trigger measurements_insert instead of insert on measurements begin
        insert or ignore into measurements_recent (datastream_id, time, value)
          select new.datastream_id, new.time, new.value
          where not exists (select 1 from measurements_folded where datastream_id = new.datastream_id and time = new.time);
      end`.execute(db);
    await sql`create trigger measurements_update instead of update of value on measurements begin
        update measurements_folded set value = new.value where datastream_id = old.datastream_id and time = old.time;
        update measurements_recent set value = new.value where datastream_id = old.datastream_id and time = old.time;
      end`.execute(db);
    await sql`create trigger measurements_delete instead of delete on measurements begin
        delete from measurements_folded where datastream_id = old.datastream_id and time = old.time;
        delete from measurements_recent where datastream_id = old.datastream_id and time = old.time;
      end`.execute(db);
  },
});
