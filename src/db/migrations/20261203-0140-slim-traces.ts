import { type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * Slim traces: a trace keeps its raw message only for failures, a sample, or every uplink of a
 * pipeline that asks for it (`pipelines.trace_messages`: 'failures' | 'sample' | 'all').
 * `traces.message` becomes nullable (SQLite cannot drop NOT NULL, so the table is rebuilt).
 */
export const slimTraces = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .alterTable('pipelines')
      .addColumn('trace_messages', t.text, (c) => c.notNull().defaultTo('sample'))
      .execute();
    if (dialect === 'postgres') {
      await sql`alter table traces alter column message drop not null`.execute(db);
      return;
    }
    await sql`alter table traces rename to traces_old`.execute(db);
    await db.schema
      .createTable('traces')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, (c) => c.notNull())
      .addColumn('pipeline_id', t.id, (c) => c.notNull())
      .addColumn('device_id', t.id)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('received_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('measurements', t.int, (c) => c.notNull())
      .addColumn('transport', t.text, (c) => c.notNull())
      .addColumn('steps', t.text, (c) => c.notNull())
      .addColumn('error', t.text)
      .addColumn('message', t.text)
      .execute();
    await sql`insert into traces select id, org_id, pipeline_id, device_id, status, received_at, finished_at,
      attempts, measurements, transport, steps, error, message from traces_old`.execute(db);
    await sql`drop table traces_old`.execute(db);
    await db.schema.createIndex('traces_org_time').on('traces').columns(['org_id', 'received_at', 'id']).execute();
    await db.schema
      .createIndex('traces_pipeline_time')
      .on('traces')
      .columns(['org_id', 'pipeline_id', 'received_at', 'id'])
      .execute();
    await db.schema
      .createIndex('traces_device_time')
      .on('traces')
      .columns(['org_id', 'device_id', 'received_at', 'id'])
      .execute();
    await db.schema.createIndex('traces_status_time').on('traces').columns(['org_id', 'status', 'received_at', 'id']).execute();
    await db.schema.createIndex('traces_received').on('traces').column('received_at').execute();
  },
});
