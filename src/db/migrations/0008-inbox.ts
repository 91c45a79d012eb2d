import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * The durable inbox of the embedded mode (src/queue/database-inbox.ts): one row per uplink
 * between its acknowledgement and the commit of its results. No foreign key to organisations:
 * the row must be insertable without a lookup on the hot path, and it is transient.
 */
export const inbox = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('inbox')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, (c) => c.notNull())
      .addColumn('pipeline_id', t.id, (c) => c.notNull())
      // JSON text of messageToJson(msg) (payload as base64).
      .addColumn('message', t.text, (c) => c.notNull())
      // Deliveries begun so far; a claim adds one, so a crash mid-batch counts too.
      .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
      // Unix ms when the row may be claimed; while leased it equals lease_until.
      .addColumn('available_at', t.bigint, (c) => c.notNull())
      .addColumn('lease_until', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('inbox_due').on('inbox').columns(['available_at', 'id']).execute();
  },
});
