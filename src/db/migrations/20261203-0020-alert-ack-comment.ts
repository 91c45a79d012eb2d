import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** What the person who acknowledged an alert wrote about it (the dashboard asks for it). */
export const alertAckComment = (_dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('alerts').addColumn('acknowledged_comment', 'text').execute();
  },
});
