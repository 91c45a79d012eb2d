import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * Pipelines (steps, sources, ingest token hash) and traces (one per uplink, with the message as
 * received, which makes a failed trace a replayable dead letter).
 */
export const pipelines = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    await db.schema
      .createTable('pipelines')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      // JSON as text on both dialects: written and read whole, never queried inside.
      .addColumn('steps', t.text, (c) => c.notNull())
      .addColumn('sources', t.text, (c) => c.notNull())
      .addColumn('has_sources', t.bool, (c) => c.notNull())
      .addColumn('auto_register', t.bool, (c) => c.notNull())
      .addColumn('device_type', t.text)
      // SHA-256 digest of the ingest token (src/shared/secrets.ts); the token is shown once.
      .addColumn('ingest_token_hash', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('pipelines_org_name', ['org_id', 'name'])
      .execute();

    // The hot table of the management side: one row per uplink, written in batches by the runner.
    // No foreign keys: a trace outlives its pipeline or device until retention removes it, and a
    // batch must not fail because a pipeline was deleted meanwhile.
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
      .addColumn('message', t.text, (c) => c.notNull())
      .execute();
    // Lists are newest first within an organisation, optionally by pipeline, device or status.
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
    // Retention deletes by age across organisations.
    await db.schema.createIndex('traces_received').on('traces').column('received_at').execute();
  },
});
