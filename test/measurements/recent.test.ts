import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteWriterOf } from '../../src/db/sqlite-writer.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import { MOVE_RECENT_ROWS, ROWS_PER_INSERT, sqliteMeasurementWriter } from '../../src/measurements/measurement-writer.sqlite.js';
import type { Measurement, MeasurementStore } from '../../src/measurements/measurements.js';
import { sqliteDatabase, sqliteDatabaseAt, sqliteMemoryDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

/**
 * SQLite appends new measurements to `measurements_recent` and moves them into the table ordered
 * by (datastream, time) in large batches (migration 20261204-1430-measurements-recent; the recent
 * one in time order since 20261205-0900-recent-by-time); every read and write through
 * `measurements` sees one table.
 */
describe.each([
  ['a file database (writer thread)', sqliteDatabase, true],
  [':memory:', sqliteMemoryDatabase, false],
] as const)('measurements in two SQLite tables behind one view, %s', (_, open, threaded) => {
  let tdb: TestDatabase;
  let store: MeasurementStore;
  let ds: number;
  const count = async (table: 'measurements_folded' | 'measurements_recent' | 'recent_streams') =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(tdb.database.db)).rows[0]?.n);
  const moveRecent = () => {
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
    const writer = sqliteMeasurementWriter(tdb.database.sqlite);
    return tdb.database.sqlite.transaction(() => writer.moveRecent()).immediate();
  };
  const rows = (times: number[], value = 1): Measurement[] =>
    times.map((t) => ({ datastreamId: ds, time: T0 + t, value: value + t }));

  beforeEach(async () => {
    tdb = await open();
    expect(tdb.database.dialect === 'sqlite' && sqliteWriterOf(tdb.database) !== undefined).toBe(threaded);
    store = createMeasurementStore(tdb.database);
    const org = await createOrganisation(tdb.database.db, 'recent', 7);
    ds = (await createDatastream(tdb.database.db, org)).id;
    // The first batch of a process moves whatever an earlier one left; after it, rows stay recent.
    const other = (await createDatastream(tdb.database.db, org)).id;
    await store.insert([{ datastreamId: other, time: T0 + 10 * 86_400_000, value: 0 }]);
    await expect.poll(() => count('measurements_recent')).toBe(0);
  });
  afterEach(() => tdb.drop());

  it('reads rows from both tables as one, in either order, up to the limit; a row moved already is not stored again', async () => {
    const old = rows([0, 2000, 4000]);
    expect(await store.insert(old)).toEqual(old);
    expect(await count('measurements_recent')).toBe(3);
    expect(moveRecent()).toBe(3);
    expect([await count('measurements_folded'), await count('measurements_recent')]).toEqual([4, 0]);
    // Redelivered rows (moved) and new ones in between (recent).
    const fresh = rows([1000, 3000, 5000]);
    expect(await store.insert([...old, ...fresh])).toEqual(fresh);
    expect(await count('measurements_recent')).toBe(3);
    const all = [...old, ...fresh].sort((a, b) => a.time - b.time);
    const range = { datastreamId: ds, ...ALL };
    expect(await store.readRaw([range], 'asc', 100)).toEqual(all);
    expect(await store.readColumns(range, 'asc', 100)).toEqual({
      times: all.map((r) => r.time),
      values: all.map((r) => r.value),
    });
    const newest = [...all].reverse().slice(0, 4);
    expect(await store.readColumns(range, 'desc', 4)).toEqual({
      times: newest.map((r) => r.time),
      values: newest.map((r) => r.value),
    });
    const some = { datastreamId: ds, from: T0 + 1000, to: T0 + 4000 };
    expect((await store.readColumns(some, 'asc', 100)).times).toEqual([1000, 2000, 3000].map((t) => T0 + t));
    expect(await store.countRaw([range])).toBe(6);
  });

  it('lists the datastreams of the recent rows, whichever way they went in, until the move empties both', async () => {
    // The view reads a recent row only if its datastream is listed (migration 20261205-0900-recent-by-time).
    expect(await count('recent_streams')).toBe(0);
    const org = await createOrganisation(tdb.database.db, 'recent-other', 7);
    const other = (await createDatastream(tdb.database.db, org)).id;
    await store.insert([...rows([0, 1000]), { datastreamId: other, time: T0, value: 7 }]);
    expect(await count('recent_streams')).toBe(2);
    moveRecent();
    expect([await count('measurements_recent'), await count('recent_streams')]).toEqual([0, 0]);
    // A replacement, and an insert through the view, go into the recent table too.
    await store.replace(ds, T0 + 5000, T0 + 7000, rows([5000, 6000]));
    await tdb.database.db
      .insertInto('measurements')
      .values({ datastream_id: other, time: T0 + 9000, value: 9 })
      .execute();
    expect([await count('measurements_recent'), await count('recent_streams')]).toEqual([3, 2]);
    expect((await store.readRaw([{ datastreamId: ds, ...ALL }], 'desc', 1)).map((r) => r.time - T0)).toEqual([6000]);
    expect((await store.readColumns({ datastreamId: other, ...ALL }, 'asc', 10)).times).toEqual([T0, T0 + 9000]);
  });

  it('updates, deletes and expires rows in whichever table holds them', async () => {
    await store.insert(rows([0, 1000]));
    moveRecent();
    await store.insert(rows([2000, 3000]));
    const db = tdb.database.db;
    await db
      .updateTable('measurements')
      .set({ value: 42 })
      .where('datastream_id', '=', ds)
      .where('time', 'in', [T0, T0 + 2000])
      .execute();
    await db
      .deleteFrom('measurements')
      .where('datastream_id', '=', ds)
      .where('time', '=', T0 + 1000)
      .execute();
    const left = await store.readRaw([{ datastreamId: ds, ...ALL }], 'asc', 100);
    expect(left.map((r) => [r.time - T0, r.value])).toEqual([
      [0, 42],
      [2000, 42],
      [3000, 3001],
    ]);
    // Retention counts what it deletes in both tables (a delete through the view would count none).
    expect(await store.countExpired(7, T0 + 2500)).toBe(2);
    expect(await store.deleteExpired(7, T0 + 2500, 1)).toBe(1);
    expect(await store.deleteExpired(7, T0 + 2500, 10)).toBe(1);
    expect((await store.readRaw([{ datastreamId: ds, ...ALL }], 'asc', 100)).map((r) => r.time - T0)).toEqual([3000]);
  });

  it('expires every row in one chunk when the move commits between two of its statements', async () => {
    // The writer thread moves rows whenever it is due, between any two statements of the event
    // loop's connection; here the move lands after each number of turns of the microtask queue in
    // turn, so one of them falls between the chunk's delete from one table and from the other.
    // A chunk short of its size tells retention that nothing is left, so it must find all three.
    const cut = T0 + 10_000;
    for (let turns = 0; turns < 12; turns++) {
      await store.insert(rows([1, 1001, 2001]));
      expect(await store.countExpired(7, cut)).toBe(3);
      const chunk = store.deleteExpired(7, cut, 10);
      for (let i = 0; i < turns; i++) await Promise.resolve();
      moveRecent();
      expect(await chunk, `the move after ${turns} turns`).toBe(3);
      expect(await store.countExpired(7, cut)).toBe(0);
    }
  });

  it('stores a lot of rows without looking them up only when each is newer than its moved rows, whoever moved them', async () => {
    // Lots of ROWS_PER_INSERT rows: a lot newer than every moved row of its datastreams is not looked up there.
    const older = rows(Array.from({ length: 2 * ROWS_PER_INSERT }, (_, i) => i));
    const newer = rows(Array.from({ length: ROWS_PER_INSERT }, (_, i) => older.length + i));
    expect(await store.insert(older)).toEqual(older);
    // Moved by another writer: another connection (the writer thread's case), the same one (:memory:).
    expect(moveRecent()).toBe(older.length);
    expect(await store.insert([...older, ...newer])).toEqual(newer);
    // Moved by the store's own writer: a read of rollups moves the recent rows first.
    expect(await store.readRollups({ datastreamId: ds, ...ALL }, 60, 'asc', 10)).toHaveLength(1);
    expect(await store.insert([...newer, ...older])).toEqual([]);
    expect(await count('measurements_recent')).toBe(0);
    expect(await store.countRaw([{ datastreamId: ds, ...ALL }])).toBe(older.length + newer.length);
  });

  it(`moves the recent rows once ${MOVE_RECENT_ROWS.toLocaleString('en-US')} went in since the last move`, async () => {
    await store.insert(rows([0]));
    expect(await count('measurements_recent')).toBe(1);
    const many = Array.from({ length: MOVE_RECENT_ROWS }, (_, i) => ({ datastreamId: ds, time: T0 + 1 + i, value: i }));
    for (let i = 0; i < many.length; i += 10_000) await store.insert(many.slice(i, i + 10_000));
    await expect.poll(() => count('measurements_recent')).toBe(0);
    expect(await count('measurements_folded')).toBe(MOVE_RECENT_ROWS + 2);
    expect(await store.countRaw([{ datastreamId: ds, ...ALL }])).toBe(MOVE_RECENT_ROWS + 1);
  });
});

describe('migration 20261205-0900-recent-by-time on a database with recent rows', () => {
  it('keeps every recent row, lists their datastreams, and reads them through the view', async () => {
    const { database, migrator } = await sqliteDatabaseAt('20261204-1800-trace-indexes');
    try {
      const org = await createOrganisation(database.db, 'upgrade', 7);
      const [a, b] = [(await createDatastream(database.db, org)).id, (await createDatastream(database.db, org)).id];
      // Rows of the old layout: recent (ordered by datastream) and folded.
      const put = (table: string, ds: number, t: number) =>
        database.sqlite.prepare(`insert into ${table} (datastream_id, time, value) values (?, ?, ?)`).run(ds, T0 + t, t);
      put('measurements_folded', a, 0);
      put('measurements_recent', a, 1000);
      put('measurements_recent', b, 500);
      put('measurements_recent', b, 2000);
      const upgrade = await migrator.migrateTo('20261205-0900-recent-by-time');
      expect(upgrade.error).toBeUndefined();
      expect(upgrade.results?.map((r) => r.migrationName)).toEqual(['20261205-0900-recent-by-time']);
      const sqlite = database.sqlite;
      expect(sqlite.prepare('select datastream_id, time from measurements_recent').raw().all()).toEqual([
        [b, T0 + 500],
        [a, T0 + 1000],
        [b, T0 + 2000],
      ]);
      expect(sqlite.prepare('select datastream_id from recent_streams order by 1').pluck().all()).toEqual([a, b].sort());
      const store = createMeasurementStore(database);
      expect((await store.readRaw([{ datastreamId: a, ...ALL }], 'asc', 10)).map((r) => r.time - T0)).toEqual([0, 1000]);
      expect((await store.readRaw([{ datastreamId: b, ...ALL }], 'desc', 1)).map((r) => r.time - T0)).toEqual([2000]);
      expect(sqlite.prepare('select count(*) from measurements where datastream_id = ?').pluck().get(b)).toBe(2);
    } finally {
      await database.close();
    }
  });
});
