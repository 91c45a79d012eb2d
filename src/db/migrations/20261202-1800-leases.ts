import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/** Leases: which process of a deployment holds a role (the scheduler), until when. */
export const leases = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('leases')
      .addColumn('name', t.text, (c) => c.primaryKey())
      .addColumn('holder', t.text, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .execute();
  },
});
