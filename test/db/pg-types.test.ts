import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

/** Issue 15 item 11: Polder reads int8 as numbers on its own pool, without changing pg for others. */
describe.runIf(await serviceAvailable('postgres'))('pg type parsers scoped to Polder’s pool', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await postgresDatabase();
  });
  afterAll(() => tdb?.drop());

  it('int8 is a number through Polder’s pool and a string (pg’s default) everywhere else', async () => {
    const { database } = tdb;
    if (database.dialect !== 'postgres') throw new Error('postgres expected');
    const viaPool = await database.pool.query('select 9007199254740991::int8 as n');
    expect(viaPool.rows[0].n).toBe(9007199254740991);
    expect(pg.types.getTypeParser(pg.types.builtins.INT8, 'text')('42')).toBe('42');
    const other = new pg.Client({ connectionString: SERVICES.postgres.url });
    await other.connect();
    try {
      const r = await other.query('select 42::int8 as n');
      expect(r.rows[0].n).toBe('42');
    } finally {
      await other.end();
    }
  });
});
