import { type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

export const tenancy = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('organisations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('slug', t.text, (c) => c.notNull().unique())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('archive_days', t.int, (c) => c.notNull().defaultTo(30))
      .addColumn('settings', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('username', t.text, (c) => c.notNull().unique())
      .addColumn('email', t.text)
      .addColumn('password_hash', t.text, (c) => c.notNull())
      .addColumn('platform_admin', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('memberships')
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('prefix', t.text, (c) => c.notNull())
      .addColumn('secret_hash', t.text, (c) => c.notNull().unique())
      .addColumn('scopes', t.json, (c) => c.notNull())
      .addColumn('platform_admin', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .addColumn('last_used_at', t.bigint)
      .addColumn('created_by', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_keys_org').on('api_keys').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('token_hash', t.text, (c) => c.notNull().unique())
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
  },
});
