import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMeasurementStore } from '../measurements/measurement-store.js';
import { packLaneBatch } from '../pipelines/lane-batch.js';
import { type Database, migrateToLatest, openDatabase } from './database.js';
import { sqliteCommitter } from './sqlite-commit.js';
import { type SqliteWriter, sqliteWriterOf, type TraceRow } from './sqlite-writer.js';
import { writerLock } from './sqlite-writer-lock.js';
import { registerThreadMetrics } from './thread-metrics.js';

const T0 = Date.UTC(2026, 0, 1);
const trace = (id: string, status: string | null = 'stored'): TraceRow => [
  id,
  'org',
  'pipeline',
  null,
  status,
  T0,
  T0,
  1,
  3,
  '{}',
  '[]',
  null,
  '{}',
];
/** The thread, to stop it as a crash would. */
const threadOf = (w: SqliteWriter) => (w as unknown as { threads: { writer: Worker } | undefined }).threads?.writer;

describe('SqliteWriter (the hot path commits on a worker thread)', () => {
  const dirs: string[] = [];
  const open: Database[] = [];
  const fresh = async (file = 'polder.db') => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-writer-'));
    dirs.push(dir);
    const database = openDatabase({
      url: file === ':memory:' ? 'sqlite::memory:' : `sqlite:${path.join(dir, file)}`,
      dataDir: dir,
    });
    open.push(database);
    await migrateToLatest(database);
    return database;
  };
  const count = (database: Database, table: string) =>
    database.dialect === 'sqlite' ? (database.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n : -1;
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close().catch(() => {});
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('stores a batch on the thread: answers the rows new now, visible to the main connection with their rollups', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database);
    expect(writer).toBeDefined();
    const store = createMeasurementStore(database);
    const rows = [
      { datastreamId: 1, time: T0, value: 1.5 },
      { datastreamId: 1, time: T0 + 1000, value: -0 },
      { datastreamId: 2, time: T0, value: 1e300 },
    ];
    expect(await store.insert(rows)).toEqual(rows);
    // Redelivered, with one row new: only it is answered, as the same object it was given.
    const again = [...rows, { datastreamId: 1, time: T0 + 2000, value: 4 }];
    const inserted = await store.insert(again);
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toBe(again[3]);
    expect(count(database, 'measurements')).toBe(4);
    const minute = await store.readRollups({ datastreamId: 1, from: T0, to: T0 + 60_000 }, 60, 'asc', 10);
    expect(minute.map((r) => [r.count, r.sum, r.firstValue, r.lastValue])).toEqual([[3, 5.5, 1.5, 4]]);
    expect(threadOf(writer as SqliteWriter)).toBeDefined();
  });

  it('keeps commits on the connection for :memory: (no thread)', async () => {
    const database = await fresh(':memory:');
    expect(sqliteWriterOf(database)).toBeUndefined();
    const store = createMeasurementStore(database);
    expect(await store.insert([{ datastreamId: 1, time: T0, value: 1 }])).toHaveLength(1);
    expect(await store.insert([{ datastreamId: 1, time: T0, value: 1 }])).toHaveLength(0);
  });

  it("rejects a call with the thread's error (code kept), rolls it back, and goes on with the next", async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    await expect(writer.writeTraces([trace('a'), trace('b', null)])).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_NOTNULL',
    });
    expect(count(database, 'traces')).toBe(0);
    await writer.writeTraces([trace('a'), trace('b')]);
    expect(count(database, 'traces')).toBe(2);
  });

  it("commits a batch's traces in its measurements' transaction: both or neither, on the thread and on the connection", async () => {
    for (const file of ['polder.db', ':memory:']) {
      const database = await fresh(file);
      expect(sqliteWriterOf(database) === undefined).toBe(file === ':memory:');
      const store = createMeasurementStore(database);
      const takes = store.insertWithTraces?.bind(store) as NonNullable<typeof store.insertWithTraces>;
      const row = { datastreamId: 1, time: T0, value: 2 };
      // A bad trace (status null) rolls the measurements back too.
      await expect(takes([row], [trace('a'), trace('b', null)])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
      expect([count(database, 'measurements'), count(database, 'traces'), count(database, 'rollups')]).toEqual([0, 0, 0]);
      expect(await takes([row], [trace('a'), trace('b')])).toEqual([row]);
      expect([count(database, 'measurements'), count(database, 'traces')]).toEqual([1, 2]);
      // The first batch's rows move at once (a previous run may have left some; on the thread just
      // after its answer, so the next batch shows it); a later row is counted in the stored rollups
      // when it moves: here, when a reader asks for rollups.
      const next = { datastreamId: 1, time: T0 + 1, value: 3 };
      expect(await takes([next], [trace('c')])).toEqual([next]);
      const stored = () => (database.dialect === 'sqlite' ? database.sqlite.prepare('select count, sum from rollups').all() : []);
      expect(stored()).toEqual([{ count: 1, sum: 2 }]);
      const minute = await store.readRollups({ datastreamId: 1, from: T0 - 60_000, to: T0 + 60_000 }, 60, 'asc', 10);
      expect(minute.map((r) => [r.count, r.sum])).toEqual([[2, 5]]);
      expect(stored()).toEqual([{ count: 2, sum: 5 }]);
    }
  });

  it('a thread that dies rejects the calls in flight; the next call starts a new one', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    await writer.writeTraces([trace('a')]);
    const first = threadOf(writer) as Worker;
    // The main side holds the lock: the call waits in the thread until the thread is stopped.
    const main = writerLock(writer.sharedLock.buffer);
    expect(await main.acquireMain()).toBe(true);
    const inFlight = writer.writeTraces([trace('b')]);
    await new Promise((r) => setTimeout(r, 50));
    await first.terminate();
    main.releaseMain();
    await expect(inFlight).rejects.toThrow(/exited/);
    await writer.writeTraces([trace('c')]);
    expect(threadOf(writer)).not.toBe(first);
    expect(count(database, 'traces')).toBe(2);
  });

  it('the lane thread dying stops the writer thread with it: the calls in flight reject, the next call starts both', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    await writer.writeTraces([trace('a')]);
    const lane = () => (writer as unknown as { threads: { lane: Worker | undefined } }).threads.lane;
    // Started by the first lane call (a batch of nothing is answered by the lane thread itself).
    expect(lane()).toBeUndefined();
    const empty = await writer.lane(packLaneBatch([], []));
    expect([...empty.handled, ...empty.fresh]).toEqual([]);
    const first = threadOf(writer) as Worker;
    const main = writerLock(writer.sharedLock.buffer);
    expect(await main.acquireMain()).toBe(true);
    const inFlight = writer.writeTraces([trace('b')]);
    await new Promise((r) => setTimeout(r, 50));
    await lane()?.terminate();
    main.releaseMain();
    await expect(inFlight).rejects.toThrow(/lane thread exited/);
    await writer.writeTraces([trace('c')]);
    expect(threadOf(writer)).not.toBe(first);
    const ids = database.dialect === 'sqlite' ? database.sqlite.prepare('select id from traces order by id').pluck().all() : [];
    // b may have been committed before the writer thread was stopped: its call rejected all the same.
    expect(ids.filter((id) => id !== 'b')).toEqual(['a', 'c']);
  });

  it('counts each thread busy for /metrics, a thread started again counting on from the one before', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    const registry = new Registry();
    registerThreadMetrics(registry, database);
    const busy = async () => {
      const metric = await registry.getSingleMetric('polder_thread_busy_seconds_total')?.get();
      return Object.fromEntries((metric?.values ?? []).map((v) => [v.labels.thread, v.value]));
    };
    // No thread before the first call.
    const first = await busy();
    expect(Object.keys(first)).toEqual(['event_loop']);
    expect(first.event_loop).toBeGreaterThan(0);
    await writer.writeTraces(Array.from({ length: 2000 }, (_, i) => trace(`a${i}`)));
    await writer.lane(packLaneBatch([], []));
    const second = await busy();
    expect(second.writer).toBeGreaterThan(0);
    expect(second.lane).toBeGreaterThan(0);
    expect(second.event_loop).toBeGreaterThanOrEqual(first.event_loop as number);
    // A writer thread that dies and is started again: the count goes on, it does not fall back.
    await threadOf(writer)?.terminate();
    await writer.writeTraces([trace('b')]);
    const third = await busy();
    expect(third.writer).toBeGreaterThan(second.writer as number);
    expect(third.lane).toBeGreaterThanOrEqual(second.lane as number);
  });

  it('calls made together are each answered once synced; a close waits for the calls in flight', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    const calls = Array.from({ length: 40 }, (_, i) =>
      writer.insertMeasurements(new Float64Array([1, T0 + i, i]), [trace(`t${i}`)]).then((fresh) => [...fresh]),
    );
    const closed = database.close();
    open.splice(0);
    expect(await Promise.all(calls)).toEqual(calls.map(() => [1]));
    await closed;
    const file = database.dialect === 'sqlite' ? database.sqlite.name : '';
    const reopened = openDatabase({ url: `sqlite:${file}`, dataDir: path.dirname(file) });
    open.push(reopened);
    expect([count(reopened, 'measurements'), count(reopened, 'traces')]).toEqual([40, 40]);
  });

  it('closing the database stops the thread first; later calls reject; the WAL is checkpointed away', async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    await writer.writeTraces([trace('a')]);
    const file = database.dialect === 'sqlite' ? database.sqlite.name : '';
    await database.close();
    open.splice(0);
    expect(threadOf(writer)).toBeUndefined();
    await expect(writer.writeTraces([trace('b')])).rejects.toThrow(/closed/);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("the main connection's committer waits for the thread's lock without holding the event loop", async () => {
    const database = await fresh();
    if (database.dialect !== 'sqlite') throw new Error('sqlite');
    const writer = sqliteWriterOf(database) as SqliteWriter;
    // Held as the thread holds it around a transaction.
    const thread = writerLock(writer.sharedLock.buffer);
    expect(thread.acquireThread()).toBe(true);
    let ran = false;
    const write = sqliteCommitter(database.sqlite).write(() => {
      ran = true;
      return database.sqlite
        .prepare(
          "insert into organisations (id, slug, name, archive_days, settings, created_at) values ('o', 'o', 'O', 30, '{}', 0)",
        )
        .run().changes;
    });
    // The loop turns meanwhile: timers fire while the write waits.
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    thread.releaseThread();
    expect(await write).toBe(1);
    expect(ran).toBe(true);
  });

  it("Kysely's writes wait for the thread's lock without holding the event loop; a transaction keeps it to its end", async () => {
    const database = await fresh();
    const writer = sqliteWriterOf(database) as SqliteWriter;
    const store = createMeasurementStore(database);
    await store.insert([{ datastreamId: 1, time: T0, value: 1 }]);
    const org = (id: string) => ({ id, slug: id, name: 'Org', archive_days: 30, settings: '{}', created_at: T0 });
    const thread = writerLock(writer.sharedLock.buffer);
    expect(thread.acquireThread()).toBe(true);
    let done = false;
    const write = database.db
      .insertInto('organisations')
      .values(org('a'))
      .execute()
      .then(() => {
        done = true;
      });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    thread.releaseThread();
    await write;
    // A transaction that read before the thread's next commit still writes (no SQLITE_BUSY_SNAPSHOT):
    // the thread waits for its end.
    let stored: Promise<unknown> | undefined;
    await database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('organisations').selectAll().execute();
      stored = store.insert([{ datastreamId: 1, time: T0 + 1, value: 2 }]);
      await new Promise((r) => setTimeout(r, 50));
      await trx.insertInto('organisations').values(org('b')).execute();
    });
    await stored;
    expect(count(database, 'organisations')).toBe(2);
    expect(count(database, 'measurements')).toBe(2);
  });

  it('writes of the main connection (registrations, settings) go on while the thread stores batches', async () => {
    const database = await fresh();
    const store = createMeasurementStore(database);
    const batches = Array.from({ length: 20 }, (_, b) =>
      store.insert(Array.from({ length: 500 }, (_, i) => ({ datastreamId: i % 50, time: T0 + b * 60_000 + i, value: i }))),
    );
    const settings = Array.from({ length: 20 }, (_, i) =>
      database.db
        .insertInto('organisations')
        .values({ id: `o${i}`, slug: `o${i}`, name: 'Org', archive_days: 30, settings: '{}', created_at: T0 })
        .execute(),
    );
    await Promise.all([...batches, ...settings]);
    expect(count(database, 'measurements')).toBe(10_000);
    expect(count(database, 'organisations')).toBe(20);
  });
});
