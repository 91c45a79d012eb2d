import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * Derived datastreams (a definition and how far it is computed, per datastream) and forecasts
 * (configuration and current model per datastream, every model version kept, the prediction log
 * with the value that arrived). Measurements stay in `measurements` like any datastream's.
 */
export const derivedForecasts = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    const ds = (c: ColumnDefinitionBuilder) => c.notNull().references('datastreams.id').onDelete('cascade');
    await db.schema
      .createTable('derived_datastreams')
      .addColumn('datastream_id', t.bigint, (c) => ds(c).primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('definition', t.json, (c) => c.notNull())
      .addColumn('done_until', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('forecasts')
      .addColumn('datastream_id', t.bigint, (c) => ds(c).primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('config', t.json, (c) => c.notNull())
      .addColumn('model_version', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('issued_at', t.bigint)
      .addColumn('checked_until', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('forecast_models')
      .addColumn('datastream_id', t.bigint, ds)
      .addColumn('version', t.int, (c) => c.notNull())
      .addColumn('org_id', t.id, org)
      .addColumn('model', t.json, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('trained_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('forecast_models_pk', ['datastream_id', 'version'])
      .execute();
    await db.schema
      .createTable('forecast_predictions')
      .addColumn('datastream_id', t.bigint, ds)
      .addColumn('time', t.bigint, (c) => c.notNull())
      .addColumn('org_id', t.id, org)
      .addColumn('model_version', t.int, (c) => c.notNull())
      .addColumn('issued_at', t.bigint, (c) => c.notNull())
      .addColumn('value', t.double, (c) => c.notNull())
      .addColumn('lower', t.double, (c) => c.notNull())
      .addColumn('upper', t.double, (c) => c.notNull())
      .addColumn('actual', t.double)
      .addColumn('error', t.double)
      .addColumn('deviation', t.bool, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('forecast_predictions_pk', ['datastream_id', 'time'])
      .execute();
  },
});
