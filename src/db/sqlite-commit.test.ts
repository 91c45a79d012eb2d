import fs, { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteCommitter } from './sqlite-commit.js';

describe('SqliteCommitter', () => {
  const dirs: string[] = [];
  const open = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-commit-'));
    dirs.push(dir);
    const file = path.join(dir, 'x.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (id integer primary key, v text)');
    return { db, file };
  };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('commits, fsyncs the WAL before resolving, and leaves synchronous as the connection had it', async () => {
    const { db, file } = open();
    const synced = vi.spyOn(fs, 'fdatasync');
    const c = new SqliteCommitter(db);
    const result = await c.write(() => db.prepare("insert into t (v) values ('a')").run().changes);
    expect(result).toBe(1);
    expect(synced).toHaveBeenCalledTimes(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // Committed: another connection sees it.
    const other = new BetterSqlite3(file, { readonly: true });
    expect(other.prepare('select count(*) as n from t').get()).toEqual({ n: 1 });
    other.close();
    db.close();
  });

  it('concurrent durable writes share syncs; a write that does not wait for the disk syncs nothing', async () => {
    const { db } = open();
    const synced = vi.spyOn(fs, 'fdatasync');
    const c = new SqliteCommitter(db);
    const insert = db.prepare('insert into t (v) values (?)');
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.write(() => insert.run(String(i)))));
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 50 });
    // Each write resolves after a sync that began after its commit: one in flight, one queued.
    expect(synced.mock.calls.length).toBeLessThanOrEqual(3);
    synced.mockClear();
    await c.write(() => insert.run('lease'), false);
    expect(synced).not.toHaveBeenCalled();
    db.close();
  });

  it('a work that throws rolls back and restores synchronous', async () => {
    const { db } = open();
    const c = new SqliteCommitter(db);
    await expect(
      c.write(() => {
        db.prepare("insert into t (v) values ('gone')").run();
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 0 });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });
});
