import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/** LoRaWAN downlink routes: per device type, the network server API and the encodeDownlink script. */
export const downlinkRoutes = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('downlink_routes')
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('type_id', t.id, (c) => c.notNull().references('device_types.id').onDelete('cascade'))
      .addColumn('provider', t.text, (c) => c.notNull())
      .addColumn('url', t.text, (c) => c.notNull())
      .addColumn('api_key', t.text, (c) => c.notNull())
      .addColumn('application_id', t.text)
      .addColumn('webhook_id', t.text)
      .addColumn('f_port', t.int, (c) => c.notNull())
      .addColumn('confirmed', t.bool, (c) => c.notNull())
      .addColumn('encoder', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('downlink_routes_pk', ['org_id', 'type_id'])
      .execute();
  },
});
