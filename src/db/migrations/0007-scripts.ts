import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/** User scripts (pipeline workers written in JavaScript or TypeScript), every revision kept. */
export const scripts = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    await db.schema
      .createTable('scripts')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('language', t.text, (c) => c.notNull())
      .addColumn('revision', t.int, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('scripts_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('script_revisions')
      .addColumn('script_id', t.id, (c) => c.notNull().references('scripts.id').onDelete('cascade'))
      .addColumn('revision', t.int, (c) => c.notNull())
      .addColumn('language', t.text, (c) => c.notNull())
      .addColumn('source', t.text, (c) => c.notNull())
      .addColumn('created_by', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('script_revisions_pk', ['script_id', 'revision'])
      .execute();
  },
});
