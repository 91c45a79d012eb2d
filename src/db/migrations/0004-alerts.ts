import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/** Alerts (device offline, rules …), webhooks, and the durable outbox of webhook deliveries. */
export const alerts = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    await db.schema
      .createTable('alerts')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('severity', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('subject_type', t.text, (c) => c.notNull())
      .addColumn('subject_id', t.text, (c) => c.notNull())
      .addColumn('subject_name', t.text)
      .addColumn('message', t.text, (c) => c.notNull())
      .addColumn('details', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('opened_at', t.bigint, (c) => c.notNull())
      .addColumn('acknowledged_at', t.bigint)
      .addColumn('acknowledged_by', t.text)
      .addColumn('resolved_at', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    // At most one open alert per kind and subject: opening twice is a no-op.
    await sql`create unique index alerts_open_subject on alerts (org_id, kind, subject_id) where resolved_at is null`.execute(db);
    await db.schema.createIndex('alerts_org_opened').on('alerts').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('url', t.text, (c) => c.notNull())
      .addColumn('events', t.json, (c) => c.notNull())
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('webhook_id', t.id, (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event', t.text, (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', t.bigint, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('last_status', t.int)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('delivered_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();
  },
});
