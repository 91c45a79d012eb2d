import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * PostgreSQL: rollups pages keep 30 % free (fillfactor 70), so that the ingest path's upsert of a
 * 1-minute bucket, which rewrites its row once per batch, can put the new version on the same page
 * without a new index entry (a HOT update). Applies to pages written from now on. SQLite: nothing.
 */
export const rollupsFillfactor = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect === 'postgres') await sql`alter table rollups set (fillfactor = 70)`.execute(db);
  },
});
