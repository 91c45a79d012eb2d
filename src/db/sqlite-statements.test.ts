import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepingStatements } from './sqlite-statements.js';

interface Db {
  t: { id: number; name: string; extra?: string };
}

describe('keepingStatements: Kysely on SQLite prepares a statement text once', () => {
  let sqlite: BetterSqlite3.Database;
  let prepared: string[];
  const open = (size?: number) => {
    sqlite = new BetterSqlite3(':memory:');
    sqlite.exec('create table t (id integer primary key, name text not null unique)');
    prepared = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      prepared.push(source);
      return prepare(source);
    }) as typeof sqlite.prepare;
    return new Kysely<Db>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite, size) }) });
  };
  let db: Kysely<Db>;
  beforeEach(() => {
    db = open();
  });
  afterEach(() => db.destroy());

  it('runs the same text with other parameters through one statement, each answer its own', async () => {
    for (let id = 1; id <= 50; id++)
      await db
        .insertInto('t')
        .values({ id, name: `n${id}` })
        .execute();
    for (let id = 1; id <= 50; id++)
      expect(await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst()).toEqual({ name: `n${id}` });
    expect(prepared).toHaveLength(2);
    expect(await db.selectFrom('t').select('name').where('id', '=', 99).executeTakeFirst()).toBeUndefined();
    expect(prepared).toHaveLength(2);
  });

  it('keeps at most `size` statements, dropping the least recently used', async () => {
    await db.destroy();
    db = open(2);
    const a = () => sql`select 1 as a`.execute(db);
    const b = () => sql`select 2 as b`.execute(db);
    const c = () => sql`select 3 as c`.execute(db);
    await a();
    await b();
    await a(); // kept
    await c(); // drops b, the least recently used
    await a(); // kept
    await b(); // prepared again
    expect(prepared).toEqual(['select 1 as a', 'select 2 as b', 'select 3 as c', 'select 2 as b']);
    expect((await c()).rows).toEqual([{ c: 3 }]); // c was dropped for b: prepared again, and right
    expect(prepared).toHaveLength(5);
  });

  it('a kept statement that failed runs again, and one kept across a schema change sees the new schema', async () => {
    await db.insertInto('t').values({ id: 1, name: 'a' }).execute();
    await expect(db.insertInto('t').values({ id: 2, name: 'a' }).execute()).rejects.toThrow(/UNIQUE/);
    await db.insertInto('t').values({ id: 2, name: 'b' }).execute();
    const all = () => db.selectFrom('t').selectAll().orderBy('id').execute();
    expect(await all()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    sqlite.exec("alter table t add column extra text not null default 'x'");
    expect(await all()).toEqual([
      { id: 1, name: 'a', extra: 'x' },
      { id: 2, name: 'b', extra: 'x' },
    ]);
    expect(prepared.filter((s) => s.startsWith('select'))).toHaveLength(1);
  });
});
