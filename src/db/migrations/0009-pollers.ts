import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * The FTP pollers' memory: each file taken (enqueued) from a polled directory, so a file is
 * taken once across restarts, and again when its size or time changes. No foreign key to the
 * pipeline: rows of a deleted pipeline are removed by the poller store (pipelines live on
 * another branch's migration).
 */
export const pollers = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('poller_files')
      .addColumn('pipeline_id', t.id, (c) => c.notNull())
      // sha256 of the source's URL without credentials: a source edited to another directory starts afresh.
      .addColumn('source_key', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('size', t.bigint, (c) => c.notNull())
      // Unix ms as the server lists it; 0 when it gives none.
      .addColumn('mtime', t.bigint, (c) => c.notNull())
      .addColumn('taken_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('poller_files_pk', ['pipeline_id', 'source_key', 'name'])
      .execute();
  },
});
