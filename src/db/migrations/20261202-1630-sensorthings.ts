import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * What SensorThings clients may write that Polder's registry has no column for: observed
 * properties created before any datastream uses them (with their definition URI), and a
 * datastream's own name, description and properties.
 */
export const sensorthings = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('sta_observed_properties')
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('key', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('definition', t.text, (c) => c.notNull())
      .addColumn('description', t.text, (c) => c.notNull())
      .addColumn('properties', t.json)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('sta_observed_properties_pk', ['org_id', 'key'])
      .execute();
    await db.schema
      .createTable('sta_datastreams')
      .addColumn('datastream_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
        c.primaryKey().references('datastreams.id').onDelete('cascade'),
      )
      .addColumn('name', t.text)
      .addColumn('description', t.text)
      .addColumn('properties', t.json)
      .execute();
  },
});
