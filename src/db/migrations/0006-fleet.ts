import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/** Orders sent to devices: who sent what, where, when, and whether the broker took it. */
export const fleet = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('commands')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      // The log goes with the device: it names topics of a device that no longer exists.
      .addColumn('device_id', t.id, (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('module', t.text, (c) => c.notNull())
      .addColumn('order_name', t.text, (c) => c.notNull())
      // JSON as text on both dialects: a jsonb string scalar would come back unquoted.
      .addColumn('value', t.text)
      .addColumn('dest', t.text, (c) => c.notNull())
      .addColumn('topic', t.text, (c) => c.notNull())
      .addColumn('payload', t.text, (c) => c.notNull())
      .addColumn('sent_by_kind', t.text, (c) => c.notNull())
      .addColumn('sent_by_id', t.text, (c) => c.notNull())
      .addColumn('sent_by_name', t.text, (c) => c.notNull())
      .addColumn('sent_at', t.bigint, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('error', t.text)
      .execute();
    await db.schema.createIndex('commands_device').on('commands').columns(['org_id', 'device_id', 'id']).execute();
  },
});
