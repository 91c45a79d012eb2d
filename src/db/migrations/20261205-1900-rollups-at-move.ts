import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite: the 1-minute rollups of the recent measurements are upserted when the rows move into
 * the ordered table (measurements/measurement-writer.sqlite.ts), no longer with each batch: a
 * batch upserted one rollup row per value, spread over the rows of the current minute of every
 * datastream, and its commit wrote most of those pages again. From now on the stored rollups
 * count the moved rows only. The recent rows already counted by the earlier code move here, so
 * that no move counts them twice. PostgreSQL: nothing.
 */
export const rollupsAtMove = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'sqlite') return;
    await sql`insert or ignore into measurements_folded (datastream_id, time, value)
      select datastream_id, time, value from measurements_recent order by datastream_id, time`.execute(db);
    await sql`delete from measurements_recent`.execute(db);
    await sql`delete from recent_streams`.execute(db);
  },
});
