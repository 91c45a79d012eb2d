import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * LoRaWAN downlinks over the providers' MQTT, and their fate:
 * - `downlink_routes.transport` (`http` | `mqtt`) and `username` (the provider broker's login;
 *   the password is `api_key`, kept as it was);
 * - `commands.history` (JSON text: `[{status, at, event, error?}]`, null for neOCampus orders)
 *   and `commands.updated_at` (the last change of `status`/`history`).
 */
export const downlinkMqttFate = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .alterTable('downlink_routes')
      .addColumn('transport', t.text, (c) => c.notNull().defaultTo('http'))
      .execute();
    await db.schema.alterTable('downlink_routes').addColumn('username', t.text).execute();
    await db.schema.alterTable('commands').addColumn('history', t.text).execute();
    await db.schema.alterTable('commands').addColumn('updated_at', t.bigint).execute();
  },
});
