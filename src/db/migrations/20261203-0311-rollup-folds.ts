import { type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

const HOUR_MS = 3_600_000;

/**
 * Rollup folds: the hot path upserts only 1-minute rollups; 1-hour and 1-day ones are folded
 * from them by the scheduler up to `folded_until` (one row, an hour boundary), and reads fold
 * the minutes after it themselves (measurement-store.base.ts). Up to now every size was written
 * on insert, so the existing 1-hour and 1-day rollups are whole until the current hour; a
 * database without rollups starts at 0 (every value from then on is folded).
 */
export const rollupFolds = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('rollup_folds')
      .addColumn('id', t.int, (c) => c.primaryKey())
      .addColumn('folded_until', t.bigint, (c) => c.notNull())
      .execute();
    const now = Date.now();
    const any = await sql<{ one: number }>`select 1 as one from rollups limit 1`.execute(db);
    const mark = any.rows.length > 0 ? now - (now % HOUR_MS) : 0;
    await db
      .insertInto('rollup_folds' as never)
      .values({ id: 1, folded_until: mark } as never)
      .execute();
  },
});
