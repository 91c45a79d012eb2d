import BetterSqlite3 from 'better-sqlite3';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.js';
import { KyselyRuleStateStore, KyselyRuleStore } from '../../src/rules/rules.store.js';
import { sqliteDatabase, type TestDatabase } from '../support/databases.js';
import { createOrganisation } from '../support/fixtures.js';
import { testRule } from './rule-fixture.js';

/**
 * The rule engine's thread writes states on a SQLite connection of its own, beside the writer
 * thread's and the main one. Another connection commits in the middle of the state transaction
 * here, as the store's batches do all the time.
 */
describe('rule states written on a connection of their own (sqlite)', () => {
  let tdb: TestDatabase;
  let own: Database;
  let other: BetterSqlite3.Database;

  beforeAll(async () => {
    tdb = await sqliteDatabase();
    own = openDatabase({ url: tdb.url, dataDir: '' });
    other = new BetterSqlite3(tdb.url.slice('sqlite:'.length));
    other.pragma('busy_timeout = 0');
  });
  afterAll(async () => {
    other.close();
    await own.close();
    await tdb.drop();
  });

  it('are stored when another connection commits during their transaction, and not for rules deleted', async () => {
    const orgId = await createOrganisation(tdb.database.db, 'rules-thread');
    await new KyselyRuleStore(tdb.database.db).insert({
      ...testRule('live', { kind: 'threshold', op: '>', value: 30 }, orgId),
      name: 'Hot',
    });
    let commits = 0;
    // After the transaction's first statement, another connection writes (or finds the lock taken).
    const interleave: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        if (own.dialect === 'sqlite' && own.sqlite.inTransaction && commits === 0) {
          commits++;
          try {
            other
              .prepare(
                "insert into organisations (id, slug, name, archive_days, settings, created_at) values (?, 'elsewhere', 'e', 30, '{}', 0)",
              )
              .run(`${orgId}-2`);
          } catch (err) {
            if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
          }
        }
        return args.result;
      },
    };
    const store = new KyselyRuleStateStore(own.db.withPlugin(interleave));
    await store.save(
      [
        { ruleId: 'live', orgId, datastreamId: 7, json: '{"active":true}' },
        { ruleId: 'gone', orgId, datastreamId: 7, json: '{"active":true}' },
      ],
      1_000,
    );
    expect(commits).toBe(1);
    const rows = await tdb.database.db
      .selectFrom('rule_states')
      .select(['rule_id', 'state'])
      .where('datastream_id', '=', 7)
      .execute();
    expect(rows).toEqual([{ rule_id: 'live', state: '{"active":true}' }]);
  });
});
