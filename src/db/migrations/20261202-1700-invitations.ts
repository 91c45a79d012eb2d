import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * Invitations into an organisation: a user joins only by accepting one (their consent), so an
 * organisation's admin can no longer attach another organisation's user by username. The token
 * is stored as a digest; `username`, when set, is the only account that may accept.
 */
export const invitations = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('invitations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('token_hash', t.text, (c) => c.notNull().unique())
      .addColumn('role', t.text, (c) => c.notNull())
      .addColumn('username', t.text)
      .addColumn('email', t.text)
      .addColumn('created_by', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('accepted_at', t.bigint)
      .addColumn('accepted_by', t.text)
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema.createIndex('invitations_org').on('invitations').columns(['org_id', 'id']).execute();
  },
});
